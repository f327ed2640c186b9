import { consumerExperienceDescriptorSet, consumerExperiencePolicy, ConsumerExperienceServiceDefinition } from '@govern/contracts-consumer-experience';
import { commonDescriptorSet, GovernanceOpsServiceDefinition, streamOf } from '@govern/contracts-common';
import { connectConsumerExperienceDatabase, ConsumerExperienceMigrations, type PrismaClient } from '@govern/consumer-experience-data-access';
import { METRICS_POLICY } from '@govern/consumer-experience-domain';
import { serviceActor } from '@govern/platform-auth';
import { createDecisionLog, GOVERNANCE_OPS_POLICY, governanceOpsHandlers } from '@govern/platform-decisions';
import { createUnitsOfWork, type ServiceDefinition } from '@govern/platform-runtime';
import { startInspectionFailuresConsumer } from './consumers/inspection-failures.consumer';
import { startMerchantStandingConsumer } from './consumers/merchant-standing.consumer';
import { CONSUMER_EXPERIENCE_DECISION_KINDS } from './decisions/decision-kinds';
import { consumerExperienceHandlers } from './grpc/consumer-experience.handlers';
import type { ConsumerExperienceDeps } from './deps';
import { createJobHandlers } from './jobs/consumer-experience.jobs';
import { JOB } from './jobs/job-kinds';
import { startLedgerTotalsFolding } from './jobs/ledger-totals-folding';
import { createWork } from './use-cases/work';

/**
 * The consumer-experience service as the platform runtime starts it: its database, its event
 * stream (and the two it consumes), its gRPC handlers, its durable timers (promise clocks,
 * after-sale deadlines, debounced metric reports) and its consumers (critical lab failures,
 * merchant standing and removals).
 */
export interface ConsumerExperienceOptions {
  cascadeChunkSize?: number;
  /**
   * How often a merchant's, product's or content item's figures are reported (the metrics
   * policy's 15 minutes by default). Staging and end-to-end runs shorten it to see the
   * metrics → score → affiliate cascade in seconds.
   */
  metricsReportPeriodMs?: number;
  /**
   * Shadow candidates to switch on at start for kinds no operator has set yet
   * (`{ 'fast-refund': '2026-12-01.1' }`): the SHADOW_POLICIES setting (`shadowPoliciesSetting` of platform-decisions).
   */
  shadowPolicies?: Readonly<Record<string, string>>;
  /** How often the ledger's change rows are folded into its running totals (5 s; see startLedgerTotalsFolding). */
  ledgerFoldIntervalMs?: number;
}

export const createConsumerExperienceService = (options: ConsumerExperienceOptions = {}): ServiceDefinition<PrismaClient> => ({
  name: 'consumer-experience',
  migrationsDir: ConsumerExperienceMigrations,
  connect: connectConsumerExperienceDatabase,
  streams: [streamOf('consumer_experience'), streamOf('product_quality'), streamOf('merchant_access')],
  descriptorSets: [consumerExperienceDescriptorSet],
  async register({ server, db, database, bus, log, clock, ids, eventsWritten, onStop, jobs, metrics }) {
    const decisions = createDecisionLog({ db, kinds: CONSUMER_EXPERIENCE_DECISION_KINDS, clock, ids, log, metrics });
    await decisions.seedShadowPolicies(options.shadowPolicies ?? {}, serviceActor('consumer-experience'));
    const deps: ConsumerExperienceDeps = {
      clock,
      ids,
      decisions,
      ...(options.cascadeChunkSize ? { cascadeChunkSize: options.cascadeChunkSize } : {}),
      ...(options.metricsReportPeriodMs ? { metricsPolicy: { ...METRICS_POLICY, reportDebounceMs: options.metricsReportPeriodMs } } : {}),
    };
    const units = createUnitsOfWork({ service: 'consumer-experience', database, clock, ids, create: createWork(deps), eventsCommitted: eventsWritten });
    server.add(ConsumerExperienceServiceDefinition, consumerExperienceHandlers({ deps, database, units }), consumerExperiencePolicy);
    server.add(
      GovernanceOpsServiceDefinition,
      governanceOpsHandlers({ serviceName: 'consumer-experience', db, decisions, events: { bus, descriptorSets: [commonDescriptorSet, consumerExperienceDescriptorSet] } }),
      GOVERNANCE_OPS_POLICY,
    );
    // The next chunk of a large cascade continues its trace (one cascade, one trace); timers start their own, linked.
    jobs(createJobHandlers(units), { continuationKinds: [JOB.INSPECTION_COMPENSATION_CHUNK, JOB.MERCHANT_REMOVAL_CHUNK] });
    const inspections = await startInspectionFailuresConsumer({ bus, database, log, units });
    onStop('inspection failures consumer', () => inspections.stop());
    const standing = await startMerchantStandingConsumer({ bus, database, log, units });
    onStop('merchant standing consumer', () => standing.stop());
    const ledgerTotals = startLedgerTotalsFolding({ pool: database.pool, log, intervalMs: options.ledgerFoldIntervalMs ?? 5_000 });
    onStop('ledger totals folding', () => ledgerTotals.stop());
  },
});

export const consumerExperienceService: ServiceDefinition<PrismaClient> = createConsumerExperienceService();

import { merchantAccessDescriptorSet, merchantAccessPolicy, MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import { commonDescriptorSet, GovernanceOpsServiceDefinition, streamOf } from '@govern/contracts-common';
import { serviceActor } from '@govern/platform-auth';
import { GOVERNANCE_OPS_POLICY, governanceOpsHandlers } from '@govern/platform-decisions';
import { connectMerchantAccessDatabase, MerchantAccessMigrations, type MerchantAccessTx, type PrismaClient } from '@govern/merchant-access-data-access';
import { createUnitsOfWork, type ServiceDefinition } from '@govern/platform-runtime';
import { createIdentityHasher } from './adapters/identity-hasher';
import { poolReads } from './adapters/prisma-standing.repository';
import { coalescedStandingLookup } from './adapters/standing-lookup';
import { RingGraphIndex } from './adapters/ring-graph.index';
import { startQualityViolationsConsumer } from './consumers/quality-violations.consumer';
import { startServiceMetricsConsumer } from './consumers/service-metrics.consumer';
import { createMerchantAccessDecisionLog } from './decisions/decision-log';
import type { MerchantAccessDeps } from './deps';
import { createMerchantAccessHandlers } from './grpc/merchant-access.handlers';
import { scheduleNextSweep } from './jobs/affiliate-sweep.job';
import { createJobHandlers } from './jobs/merchant-access.jobs';
import { DEVELOPMENT_IDENTITY_HASH_KEY, type MerchantAccessSettings } from './settings';

/**
 * The merchant-access service as the platform runtime starts it: its database, the stream it
 * publishes into and the two it consumes (product-quality findings, consumer-experience
 * metrics), its gRPC handlers, its durable timers (sanction expiry, periodic affiliate sweep)
 * and the ring graph, loaded once at start and kept up to date from then on.
 */
export const createMerchantAccessService = (settings: MerchantAccessSettings): ServiceDefinition<PrismaClient> => {
  const hasher = createIdentityHasher(settings.identityHashKey);
  return {
    name: 'merchant-access',
    migrationsDir: MerchantAccessMigrations,
    connect: connectMerchantAccessDatabase,
    streams: [streamOf('merchant_access'), streamOf('product_quality'), streamOf('consumer_experience')],
    descriptorSets: [merchantAccessDescriptorSet],
    async register(context) {
      const { db, database, log, bus, clock, ids } = context;
      if (settings.identityHashKey === DEVELOPMENT_IDENTITY_HASH_KEY) {
        log.warn('identity numbers are hashed with the DEVELOPMENT key: fine for the dev platform, never for real data');
      }
      const ring = await RingGraphIndex.load(db, log);
      const units = createUnitsOfWork<MerchantAccessTx>({ service: 'merchant-access', database, clock, ids, eventsCommitted: context.eventsWritten });
      const decisions = createMerchantAccessDecisionLog({ db, clock, ids, log, metrics: context.metrics });
      await decisions.seedShadowPolicies(settings.shadowPolicies ?? {}, serviceActor('merchant-access'));
      // In memory before the first decision: a decision must not read them inside its own transaction (see loadShadowSettings).
      await decisions.loadShadowSettings();
      const reads = poolReads(database.pool);
      const deps: MerchantAccessDeps = { db, reads, standings: coalescedStandingLookup(reads, clock), units, clock, ids, hasher, ring, decisions, log };

      context.server.add(MerchantAccessServiceDefinition, createMerchantAccessHandlers(deps), merchantAccessPolicy);
      context.server.add(GovernanceOpsServiceDefinition, governanceOpsHandlers({ serviceName: 'merchant-access', db, decisions, events: { bus, descriptorSets: [commonDescriptorSet, merchantAccessDescriptorSet] } }), GOVERNANCE_OPS_POLICY);
      context.jobs(createJobHandlers(deps));
      await units.run({ causationId: 'merchant-access:start' }, async (work) => scheduleNextSweep(work));

      const consumers = [await startQualityViolationsConsumer({ bus, database, deps, log }), await startServiceMetricsConsumer({ bus, database, deps, log })];
      for (const consumer of consumers) context.onStop('consumer', () => consumer.stop());
    },
  };
};

import { commonDescriptorSet, GovernanceOpsServiceDefinition, streamOf } from '@govern/contracts-common';
import { serviceActor } from '@govern/platform-auth';
import { productQualityDescriptorSet, productQualityPolicy, ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import { connectProductQualityDatabase, ProductQualityMigrations, type PrismaClient } from '@govern/product-quality-data-access';
import { GOVERNANCE_OPS_POLICY, governanceOpsHandlers } from '@govern/platform-decisions';
import { createUnitsOfWork, type ServiceDefinition } from '@govern/platform-runtime';
import { startMerchantStandingConsumer } from './consumers/merchant-standing.consumer';
import { startProductServiceStatsConsumer } from './consumers/product-service-stats.consumer';
import { productQualityHandlers } from './grpc/product-quality.handlers';
import { createProductQualityDecisionLog } from './decisions/decision-log';
import type { ProductQualityDeps } from './deps';
import { createJobHandlers } from './jobs/product-quality.jobs';
import { startQualityTierCheckpoints } from './jobs/quality-tier-checkpoints';
import type { CascadeLimits } from './use-cases/merchant-standing';
import { createWork } from './use-cases/work';

export interface ProductQualityServiceOptions {
  /**
   * Cascades (a removed merchant's products, a merchant's products rescored): rows per
   * statement, and rows per transaction before a durable job takes over the rest.
   */
  cascade?: Partial<CascadeLimits>;
  /** Bound of one consumer transaction (a removal cascade's share of bans). */
  consumerTransactionTimeoutMs?: number;
  /**
   * Shadow candidates seeded at start (SHADOW_POLICIES, e.g. `listing-gate=2026-12-01.1`): kind ->
   * candidate version. Seeded only where no setting of the kind was ever made, so an operator's
   * later change through SetShadowPolicy is not undone by a restart.
   */
  shadowPolicies?: Readonly<Record<string, string>>;
  /** How often the daily checkpoints of the tier counts are written when due (10 min; see startQualityTierCheckpoints). */
  tierCheckpointIntervalMs?: number;
}

const DEFAULT_CASCADE: CascadeLimits = { batchSize: 1_000, perTransaction: 10_000 };

/**
 * The product-quality service as the platform runtime starts it: its database, its event
 * stream and the streams it consumes (merchant-access for merchant standing, consumer-experience
 * for per-product service stats), the gRPC handlers, the consumers and the durable timers.
 */
export const createProductQualityService = (options: ProductQualityServiceOptions = {}): ServiceDefinition<PrismaClient> => {
  const limits: CascadeLimits = { ...DEFAULT_CASCADE, ...options.cascade };
  return {
    name: 'product-quality',
    migrationsDir: ProductQualityMigrations,
    connect: connectProductQualityDatabase,
    streams: [streamOf('product_quality'), streamOf('merchant_access'), streamOf('consumer_experience')],
    descriptorSets: [productQualityDescriptorSet],
    async register(context) {
      // The listing gate's versions compile their lexicon once (an automaton over every term); each listing then scans in one pass.
      const decisions = createProductQualityDecisionLog({ db: context.db, clock: context.clock, ids: context.ids, log: context.log, metrics: context.metrics });
      await decisions.seedShadowPolicies(options.shadowPolicies ?? {}, serviceActor('product-quality'));
      // In memory before the first decision: a decision must not read them inside its own transaction (see loadShadowSettings).
      await decisions.loadShadowSettings();
      const deps: ProductQualityDeps = { clock: context.clock, ids: context.ids, decisions };
      const units = createUnitsOfWork({ service: 'product-quality', database: context.database, clock: context.clock, ids: context.ids, create: createWork(deps), eventsCommitted: context.eventsWritten });
      context.server.add(ProductQualityServiceDefinition, productQualityHandlers({ units, database: context.database, deps }), productQualityPolicy);
      context.server.add(GovernanceOpsServiceDefinition, governanceOpsHandlers({ serviceName: 'product-quality', db: context.db, decisions, events: { bus: context.bus, descriptorSets: [commonDescriptorSet, productQualityDescriptorSet] } }), GOVERNANCE_OPS_POLICY);
      context.jobs(createJobHandlers(units, limits));
      const { bus, database, log } = context;
      const standing = await startMerchantStandingConsumer({ bus, database, units, limits, clock: context.clock, log, transactionTimeoutMs: options.consumerTransactionTimeoutMs ?? 60_000 });
      context.onStop('merchant standing consumer', () => standing.stop());
      const stats = await startProductServiceStatsConsumer({ bus, database, units, log });
      context.onStop('product service stats consumer', () => stats.stop());
      const tierCheckpoints = startQualityTierCheckpoints({ pool: database.pool, clock: context.clock, log, intervalMs: options.tierCheckpointIntervalMs ?? 600_000 });
      context.onStop('quality tier checkpoints', () => tierCheckpoints.stop());
    },
  };
};

export const productQualityService: ServiceDefinition<PrismaClient> = createProductQualityService();

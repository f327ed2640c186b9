import { streamOf } from '@govern/contracts-common';
import { ProductQualityServiceDefinition, productQualityDescriptorSet } from '@govern/contracts-product-quality';
import { connectProductQualityDatabase, ProductQualityMigrations, type PrismaClient } from '@govern/product-quality-data-access';
import { compileClaimScanner } from '@govern/policy-claims';
import type { ServiceDefinition } from '@govern/platform-runtime';
import { startMerchantStandingConsumer } from './consumers/merchant-standing.consumer';
import { startProductServiceStatsConsumer } from './consumers/product-service-stats.consumer';
import { productQualityHandlers } from './grpc/product-quality.handlers';
import { ipRestoreJob } from './jobs/ip-restore.job';
import { merchantRemovalJob } from './jobs/merchant-removal.job';
import { IP_RESTORE_JOB } from './use-cases/brands-and-ip';
import type { UseCaseDeps } from './use-cases/deps';
import { type CascadeLimits, MERCHANT_REMOVAL_JOB } from './use-cases/merchant-standing';
import { productQualityPolicy } from './grpc/product-quality.policy';

export interface ProductQualityServiceOptions {
  /**
   * Cascades (a removed merchant's products, a merchant's products rescored): rows per
   * statement, and rows per transaction before a durable job takes over the rest.
   */
  cascade?: Partial<CascadeLimits>;
  /** Bound of one consumer transaction (a removal cascade's share of bans). */
  consumerTransactionTimeoutMs?: number;
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
      // The lexicon compiles once (an automaton over every term); each listing then scans in one pass.
      const deps: UseCaseDeps = { clock: context.clock, ids: context.ids, claimScanner: compileClaimScanner() };
      context.server.add(ProductQualityServiceDefinition, productQualityHandlers({ db: context.db, deps, eventsWritten: context.eventsWritten }), productQualityPolicy);
      context.jobs({
        [MERCHANT_REMOVAL_JOB]: merchantRemovalJob(deps, limits),
        [IP_RESTORE_JOB]: ipRestoreJob(deps),
      });
      const log = context.log;
      const standing = await startMerchantStandingConsumer({
        bus: context.bus,
        db: context.db,
        deps,
        limits,
        log,
        transactionTimeoutMs: options.consumerTransactionTimeoutMs ?? 60_000,
      });
      context.onStop('merchant standing consumer', () => standing.stop());
      const stats = await startProductServiceStatsConsumer({ bus: context.bus, db: context.db, deps, log });
      context.onStop('product service stats consumer', () => stats.stop());
    },
  };
};

export const productQualityService: ServiceDefinition<PrismaClient> = createProductQualityService();

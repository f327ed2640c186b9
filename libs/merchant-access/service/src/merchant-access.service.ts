import { MerchantAccessServiceDefinition, merchantAccessDescriptorSet } from '@govern/contracts-merchant-access';
import { streamOf } from '@govern/contracts-common';
import { connectMerchantAccessDatabase, MerchantAccessMigrations, type MerchantAccessTx, type PrismaClient } from '@govern/merchant-access-data-access';
import { runInTransaction } from '@govern/platform-db';
import type { ServiceDefinition } from '@govern/platform-runtime';
import { createIdentityHasher } from './adapters/identity-hasher';
import { RingGraphIndex } from './adapters/ring-graph.index';
import { startQualityViolationsConsumer } from './consumers/quality-violations.consumer';
import { startServiceMetricsConsumer } from './consumers/service-metrics.consumer';
import { createMerchantAccessHandlers } from './grpc/merchant-access.handlers';
import { AFFILIATE_SWEEP_JOB, createAffiliateSweepJob, scheduleNextSweep } from './jobs/affiliate-sweep.job';
import { createSanctionExpiryJob } from './jobs/sanction-expiry.job';
import { DEVELOPMENT_IDENTITY_HASH_KEY, type MerchantAccessSettings } from './settings';
import type { MerchantAccessDeps } from './use-cases/deps';
import { SANCTION_EXPIRY_JOB } from './use-cases/violations';
import { merchantAccessPolicy } from './grpc/merchant-access.policy';

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
      const { db, log, bus } = context;
      if (settings.identityHashKey === DEVELOPMENT_IDENTITY_HASH_KEY) {
        log.warn('identity numbers are hashed with the DEVELOPMENT key: fine for the dev platform, never for real data');
      }
      const ring = await RingGraphIndex.load(db, log);
      const deps: MerchantAccessDeps = { db, clock: context.clock, ids: context.ids, hasher, ring, log, eventsWritten: context.eventsWritten };

      context.server.add(MerchantAccessServiceDefinition, createMerchantAccessHandlers(deps), merchantAccessPolicy);
      const endSanction = createSanctionExpiryJob(deps);
      const sweepAffiliates = createAffiliateSweepJob(deps);
      context.jobs({
        [SANCTION_EXPIRY_JOB]: (job, tx) => endSanction(job, tx as MerchantAccessTx),
        [AFFILIATE_SWEEP_JOB]: (job, tx) => sweepAffiliates(job, tx as MerchantAccessTx),
      });
      await runInTransaction(db, (tx) => scheduleNextSweep(tx, context.clock.now()));

      const consumers = [
        await startQualityViolationsConsumer({ bus, db, deps, log }),
        await startServiceMetricsConsumer({ bus, db, deps, log }),
      ];
      for (const consumer of consumers) context.onStop('consumer', () => consumer.stop());
    },
  };
};

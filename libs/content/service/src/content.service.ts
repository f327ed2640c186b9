import { connectContentDatabase, ContentMigrations, type PrismaClient } from '@govern/content-data-access';
import { CONTENT_POLICY } from '@govern/content-domain';
import { streamOf } from '@govern/contracts-common';
import { ContentServiceDefinition, contentDescriptorSet } from '@govern/contracts-content';
import { compileClaimScanner } from '@govern/policy-claims';
import type { ServiceDefinition } from '@govern/platform-runtime';
import { startBuyerFeedbackConsumer } from './consumers/buyer-feedback.consumer';
import { startMerchantStandingConsumer } from './consumers/merchant-access.consumer';
import { startProductCatalogueConsumer } from './consumers/product-quality.consumer';
import type { ContentDeps } from './context';
import { createContentHandlers } from './grpc/content.handlers';
import { cascadeJob } from './jobs/cascade.job';
import { deductionExpiryJob, linkingSuspensionEndJob } from './jobs/creator-credit.job';
import { JOB_KINDS } from './jobs/job-kinds';
import { LivestreamSessions } from './live/livestream-sessions';
import { contentPolicy } from './grpc/content.policy';

/** Cascade batches run back to back: the next one is due the moment the previous commits. */
const CASCADE_POLL_MS = 200;

/**
 * The content service as the platform runtime starts it: its database, the stream it publishes
 * into and the three it consumes (product bans, merchant standing, buyer feedback), its gRPC
 * handlers with the real-time livestream sessions, and its durable timers.
 */
export const contentService: ServiceDefinition<PrismaClient> = {
  name: 'content',
  migrationsDir: ContentMigrations,
  connect: connectContentDatabase,
  streams: [streamOf('content'), streamOf('product_quality'), streamOf('merchant_access'), streamOf('consumer_experience')],
  descriptorSets: [contentDescriptorSet],
  async register({ db, ids, clock, bus, log, server, eventsWritten, onStop, jobs }) {
    // The lexicon is compiled once per process; every assessment and livestream signal shares it.
    const deps: ContentDeps = { clock, ids, scanner: compileClaimScanner(), policy: CONTENT_POLICY };
    const sessions = new LivestreamSessions({ db, deps, log: log.child({ component: 'livestream-sessions' }), eventsWritten });
    onStop('livestream sessions', () => sessions.stop());
    server.add(ContentServiceDefinition, createContentHandlers({ db, deps, sessions, eventsWritten }), contentPolicy);

    const consumerOptions = { bus, db, deps, log };
    for (const [name, start] of [
      ['content_product_catalogue', startProductCatalogueConsumer],
      ['content_merchant_standing', startMerchantStandingConsumer],
      ['content_buyer_feedback', startBuyerFeedbackConsumer],
    ] as const) {
      const handle = await start(consumerOptions);
      onStop(name, () => handle.stop());
    }

    jobs({ [JOB_KINDS.deductionExpiry]: deductionExpiryJob(deps), [JOB_KINDS.linkingSuspensionEnd]: linkingSuspensionEndJob(deps) });
    jobs({ [JOB_KINDS.cascade]: cascadeJob(deps) }, { pollMs: CASCADE_POLL_MS });
  },
};

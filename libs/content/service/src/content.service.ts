import { connectContentDatabase, ContentMigrations, type PrismaClient } from '@govern/content-data-access';
import { CONTENT_POLICY } from '@govern/content-domain';
import { streamOf } from '@govern/contracts-common';
import { ContentServiceDefinition, contentDescriptorSet } from '@govern/contracts-content';
import { compileClaimScanner } from '@govern/policy-claims';
import { createUnitsOfWork, type ServiceDefinition } from '@govern/platform-runtime';
import { BUYER_FEEDBACK_CONSUMER, startBuyerFeedbackConsumer } from './consumers/buyer-feedback.consumer';
import { MERCHANT_STANDING_CONSUMER, startMerchantStandingConsumer } from './consumers/merchant-standing.consumer';
import { PRODUCT_CATALOGUE_CONSUMER, startProductCatalogueConsumer } from './consumers/product-catalogue.consumer';
import type { ContentDeps } from './deps';
import { createContentHandlers } from './grpc/content.handlers';
import { cascadeJobHandlers, creditJobHandlers } from './jobs/content.jobs';
import { LivestreamSessions } from './live/livestream-sessions';
import { createWork } from './use-cases/work';
import { contentPolicy } from './grpc/content.policy';

/** Cascade batches run back to back: the next one is due the moment the previous commits. */
const CASCADE_POLL_MS = 200;

/**
 * The content service as the platform runtime starts it: its database, the stream it publishes
 * into and the three it consumes (product bans, merchant standing, buyer feedback), its gRPC
 * handlers with the real-time livestream sessions, and its durable timers. Every change runs in a
 * unit of work (`createUnitsOfWork`): mutations, consumed events, jobs and livestream escalations.
 */
export const contentService: ServiceDefinition<PrismaClient> = {
  name: 'content',
  migrationsDir: ContentMigrations,
  connect: connectContentDatabase,
  streams: [streamOf('content'), streamOf('product_quality'), streamOf('merchant_access'), streamOf('consumer_experience')],
  descriptorSets: [contentDescriptorSet],
  async register({ db, database, ids, clock, bus, log, server, eventsWritten, onStop, jobs }) {
    // The lexicon is compiled once per process; every assessment and livestream signal shares it.
    const deps: ContentDeps = { clock, ids, scanner: compileClaimScanner(), policy: CONTENT_POLICY };
    const units = createUnitsOfWork({ database, clock, ids, create: createWork(deps), eventsCommitted: eventsWritten });
    const sessions = new LivestreamSessions({ db, units, deps, log: log.child({ component: 'livestream-sessions' }) });
    onStop('livestream sessions', () => sessions.stop());
    server.add(ContentServiceDefinition, createContentHandlers({ db, deps, units, sessions }), contentPolicy);

    const consumerOptions = { bus, db, units, log };
    for (const [name, start] of [
      [PRODUCT_CATALOGUE_CONSUMER, startProductCatalogueConsumer],
      [MERCHANT_STANDING_CONSUMER, startMerchantStandingConsumer],
      [BUYER_FEEDBACK_CONSUMER, startBuyerFeedbackConsumer],
    ] as const) {
      const handle = await start(consumerOptions);
      onStop(name, () => handle.stop());
    }

    jobs(creditJobHandlers(units));
    jobs(cascadeJobHandlers(units), { pollMs: CASCADE_POLL_MS });
  },
};

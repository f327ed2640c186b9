import { connectContentDatabase, ContentMigrations, type PrismaClient } from '@govern/content-data-access';
import { CONTENT_POLICY } from '@govern/content-domain';
import { commonDescriptorSet, GovernanceOpsServiceDefinition, streamOf } from '@govern/contracts-common';
import { contentDescriptorSet, contentPolicy, ContentServiceDefinition } from '@govern/contracts-content';
import { CLAIMS_LEXICON, compileClaimScanner } from '@govern/policy-claims';
import { serviceActor } from '@govern/platform-auth';
import { createDecisionLog, GOVERNANCE_OPS_POLICY, governanceOpsHandlers } from '@govern/platform-decisions';
import { createUnitsOfWork, type ServiceDefinition } from '@govern/platform-runtime';
import { BUYER_FEEDBACK_CONSUMER, startBuyerFeedbackConsumer } from './consumers/buyer-feedback.consumer';
import { MERCHANT_STANDING_CONSUMER, startMerchantStandingConsumer } from './consumers/merchant-standing.consumer';
import { PRODUCT_CATALOGUE_CONSUMER, startProductCatalogueConsumer } from './consumers/product-catalogue.consumer';
import { contentDecisionKinds } from './decisions/decision-kinds';
import type { ContentDeps } from './deps';
import { createContentHandlers } from './grpc/content.handlers';
import { cascadeJobHandlers, creditJobHandlers } from './jobs/content.jobs';
import { LivestreamSessions } from './live/livestream-sessions';
import { createWork } from './use-cases/work';

/** Cascade batches run back to back: the next one is due the moment the previous commits. */
const CASCADE_POLL_MS = 200;

/**
 * The content service as the platform runtime starts it: its database, the stream it publishes
 * into and the three it consumes (product bans, merchant standing, buyer feedback), its gRPC
 * handlers with the real-time livestream sessions, and its durable timers. Every change runs in a
 * unit of work (`createUnitsOfWork`): mutations, consumed events, jobs and livestream escalations.
 */
export interface ContentServiceOptions {
  /**
   * Shadow candidates to switch on at start for kinds no operator has set yet
   * (`{ 'content-assessment': '2026-12-05.1' }`): the SHADOW_POLICIES setting (`shadowPoliciesSetting` of platform-decisions).
   */
  shadowPolicies?: Readonly<Record<string, string>>;
}

export const createContentService = (options: ContentServiceOptions = {}): ServiceDefinition<PrismaClient> => ({
  name: 'content',
  migrationsDir: ContentMigrations,
  connect: connectContentDatabase,
  streams: [streamOf('content'), streamOf('product_quality'), streamOf('merchant_access'), streamOf('consumer_experience')],
  descriptorSets: [contentDescriptorSet],
  async register({ db, database, ids, clock, bus, log, server, eventsWritten, onStop, jobs, metrics }) {
    // The lexicon is compiled once per process; every assessment and livestream signal shares it.
    const scanner = compileClaimScanner(CLAIMS_LEXICON);
    const lexicon = { name: CLAIMS_LEXICON.name, version: CLAIMS_LEXICON.version };
    const kinds = contentDecisionKinds(scanner, lexicon);
    const decisions = createDecisionLog({ db, kinds: [kinds.contentAssessment, kinds.livestreamAction], clock, ids, log, metrics });
    await decisions.seedShadowPolicies(options.shadowPolicies ?? {}, serviceActor('content'));
    const deps: ContentDeps = { clock, ids, scanner, policy: CONTENT_POLICY, lexicon, decisions, kinds };
    const units = createUnitsOfWork({ service: 'content', database, clock, ids, create: createWork(deps), eventsCommitted: eventsWritten });
    const sessions = new LivestreamSessions({ database, units, deps, log: log.child({ component: 'livestream-sessions' }) });
    onStop('livestream sessions', () => sessions.stop());
    server.add(ContentServiceDefinition, createContentHandlers({ db, deps, units, sessions }), contentPolicy);
    server.add(GovernanceOpsServiceDefinition, governanceOpsHandlers({ serviceName: 'content', db, decisions, events: { bus, descriptorSets: [commonDescriptorSet, contentDescriptorSet] } }), GOVERNANCE_OPS_POLICY);

    const consumerOptions = { bus, database, units, log };
    for (const [name, start] of [
      [PRODUCT_CATALOGUE_CONSUMER, () => startProductCatalogueConsumer({ bus, database, units, clock, log })],
      [MERCHANT_STANDING_CONSUMER, () => startMerchantStandingConsumer(consumerOptions)],
      [BUYER_FEEDBACK_CONSUMER, () => startBuyerFeedbackConsumer(consumerOptions)],
    ] as const) {
      const handle = await start();
      onStop(name, () => handle.stop());
    }

    jobs(creditJobHandlers(units));
    jobs(cascadeJobHandlers(units), { pollMs: CASCADE_POLL_MS });
  },
});

export const contentService: ServiceDefinition<PrismaClient> = createContentService();

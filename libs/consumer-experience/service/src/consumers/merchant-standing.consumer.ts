import {
  MerchantOnboardedEvent,
  MerchantReinstatedEvent,
  MerchantRemovedEvent,
  MerchantSanctionedEvent,
  MerchantStatus,
  SanctionKind,
  StoreExperienceScoreChangedEvent,
} from '@govern/contracts-merchant-access';
import type { ConsumerExperienceTx, PrismaClient } from '@govern/consumer-experience-data-access';
import { eventTime, isEvent, plausibleWindow, startConsumer, type ConsumerDatabase, type ConsumerHandle, type EventBus } from '@govern/platform-events';
import type { Logger } from 'pino';
import { protectBuyersOfRemovedMerchant } from '../use-cases/cascades';
import { applyMerchantStatus, applyOnboarding, applyStoreScore, type StandingStatus } from '../use-cases/standing';
import type { UnitsOfWork } from '@govern/platform-runtime';
import type { Work } from '../use-cases/work';
import { causeOfEvent } from '@govern/platform-runtime';

/**
 * Durable consumer of merchant-access's standing events, in stream order: status and score for
 * fast refund, the deposit minimum, and the removal cascade (undispatched orders refunded, open
 * after-sales settled by the fund).
 */
export const MERCHANT_STANDING_CONSUMER = 'consumer_experience_merchant_standing';

const MERCHANT_EVENTS = [
  MerchantOnboardedEvent,
  MerchantSanctionedEvent,
  MerchantRemovedEvent,
  MerchantReinstatedEvent,
  StoreExperienceScoreChangedEvent,
] as const;

const SANCTION_STATUS: Partial<Record<SanctionKind, StandingStatus>> = {
  [SanctionKind.SANCTION_KIND_LISTING_RESTRICTED]: 'RESTRICTED',
  [SanctionKind.SANCTION_KIND_SUSPENDED]: 'SUSPENDED',
  [SanctionKind.SANCTION_KIND_REMOVED]: 'REMOVED',
};

const MERCHANT_STATUS: Partial<Record<MerchantStatus, StandingStatus>> = {
  [MerchantStatus.MERCHANT_STATUS_ACTIVE]: 'ACTIVE',
  [MerchantStatus.MERCHANT_STATUS_LISTING_RESTRICTED]: 'RESTRICTED',
  [MerchantStatus.MERCHANT_STATUS_SUSPENDED]: 'SUSPENDED',
  [MerchantStatus.MERCHANT_STATUS_REMOVED]: 'REMOVED',
};

export const startMerchantStandingConsumer = ({ units, ...wiring }: {
  bus: EventBus;
  /** In the platform's transaction: plain SQL pipelined, Prisma joined only when a use case calls it. */
  database: ConsumerDatabase<PrismaClient>;
  log: Logger;
  units: UnitsOfWork<ConsumerExperienceTx, Work>;
}): Promise<ConsumerHandle> =>
  startConsumer<ConsumerExperienceTx, typeof MERCHANT_EVENTS>({
    ...wiring,
    consumer: MERCHANT_STANDING_CONSUMER,
    eventTypes: MERCHANT_EVENTS,
    async handler(event, ctx) {
      await units.within(ctx.transaction, causeOfEvent(event, ctx.eventId), async (work) => {
        // Never ahead of our clock: a time far ahead would make every later change look older.
        const occurredAt = eventTime(event.meta?.occurredAt, work.now);
        if (isEvent(MerchantOnboardedEvent, event, ctx)) {
          applyOnboarding(work, event.merchantId, occurredAt, event.restrictions?.depositFen ?? 0n);
        } else if (isEvent(MerchantSanctionedEvent, event, ctx)) {
          const status = SANCTION_STATUS[event.kind];
          if (status) applyMerchantStatus(work, event.merchantId, status, occurredAt);
        } else if (isEvent(MerchantReinstatedEvent, event, ctx)) {
          applyMerchantStatus(work, event.merchantId, MERCHANT_STATUS[event.status] ?? 'ACTIVE', occurredAt);
        } else if (isEvent(StoreExperienceScoreChangedEvent, event, ctx)) {
          // A score is as of the end of the window it covers, so the newest window wins whatever order
          // the events arrive in (an equal window re-applies the same score). A window ahead of our
          // clock cannot be true and would hide every real score until then: plausibleWindow refuses
          // it (PoisonMessageError: dead-lettered with the reason). A score without a window (an older
          // producer) is as of when it was announced.
          const asOf = event.window ? plausibleWindow(event.window, work.now, `store score of ${event.merchantId.slice(0, 64)}`).end : occurredAt;
          applyStoreScore(work, event.merchantId, event.neutral ? null : event.score, asOf);
        } else if (isEvent(MerchantRemovedEvent, event, ctx)) {
          applyMerchantStatus(work, event.merchantId, 'REMOVED', occurredAt);
          const summary = await protectBuyersOfRemovedMerchant(work, {
            merchantId: event.merchantId,
            removalId: event.sanctionId || ctx.eventId,
            eventId: ctx.eventId,
          });
          ctx.log.info({ merchant_id: event.merchantId, ...summary }, 'removed merchant: buyers protected');
        }
      });
    },
  });

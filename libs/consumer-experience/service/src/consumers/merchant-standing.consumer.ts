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
import {
  eventTime,
  isEvent,
  plausibleWindow,
  startConsumer,
  type BatchEvent,
  type ConsumerDatabase,
  type ConsumerHandle,
  type EventBus,
  type EventOf,
} from '@govern/platform-events';
import type { Clock } from '@govern/policy-core';
import type { Logger } from 'pino';
import { protectBuyersOfRemovedMerchant } from '../use-cases/cascades';
import { applyMerchantStatus, applyOnboarding, applyOnboardings, applyStoreScore, onboardingOf, type StandingStatus } from '../use-cases/standing';
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
type MerchantEvent = EventOf<typeof MERCHANT_EVENTS>;
type Onboarded = EventOf<[typeof MerchantOnboardedEvent]>;

/**
 * The batch's onboardings whose merchant no other event of the batch names: no handler before one
 * of them can change that merchant's standing or deposit (the others' facts concern other
 * merchants), so they are written for the whole batch, in one statement. A merchant named twice is
 * left to its handlers, one event at a time.
 */
const onboardingsOfOwnMerchant = (events: readonly BatchEvent<MerchantEvent>[]): BatchEvent<Onboarded>[] => {
  const namings = new Map<string, number>();
  for (const { event } of events) namings.set(event.merchantId, (namings.get(event.merchantId) ?? 0) + 1);
  return events.filter((e): e is BatchEvent<Onboarded> => e.typeName === MerchantOnboardedEvent.typeName && namings.get(e.event.merchantId) === 1);
};

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

export const startMerchantStandingConsumer = ({
  units,
  clock,
  ...wiring
}: {
  bus: EventBus;
  /** In the platform's transaction: plain SQL pipelined, Prisma joined only when a use case calls it. */
  database: ConsumerDatabase<PrismaClient>;
  log: Logger;
  units: UnitsOfWork<ConsumerExperienceTx, Work>;
  /** The service's clock: the batch's onboardings are bounded by its time, as each unit's facts are by its own. */
  clock: Clock;
}): Promise<ConsumerHandle> =>
  startConsumer<ConsumerExperienceTx, typeof MERCHANT_EVENTS>({
    ...wiring,
    consumer: MERCHANT_STANDING_CONSUMER,
    eventTypes: MERCHANT_EVENTS,
    // Merchants arrive a few at a time (each onboarding is its own call at merchant-access): one
    // statement for the batch's onboardings rather than one per event.
    batchWrites(events, sql) {
      const onboarded = onboardingsOfOwnMerchant(events);
      const now = clock.now();
      applyOnboardings(
        sql,
        onboarded.map(({ event }) => onboardingOf(event.merchantId, eventTime(event.meta?.occurredAt, now), event.restrictions?.depositFen ?? 0n)),
        now,
      );
      return new Set(onboarded.map((e) => e.eventId));
    },
    async handler(event, ctx) {
      // An onboarding the batch wrote leaves nothing to do: no unit of work for it.
      if (ctx.batchWritten) return;
      await units.within(ctx.transaction, causeOfEvent(event, ctx.eventId), async (work) => {
        // Never ahead of our clock: a time far ahead would make every later change look older.
        const occurredAt = eventTime(event.meta?.occurredAt, work.now);
        if (isEvent(MerchantOnboardedEvent, event, ctx)) {
          applyOnboarding(work, onboardingOf(event.merchantId, occurredAt, event.restrictions?.depositFen ?? 0n));
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

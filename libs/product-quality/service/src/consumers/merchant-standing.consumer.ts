import {
  MerchantOnboardedEvent,
  MerchantReinstatedEvent,
  MerchantRemovedEvent,
  MerchantSanctionedEvent,
  StoreExperienceScoreChangedEvent,
} from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/product-quality-data-access';
import { type BatchEvent, type ConsumerHandle, type EventBus, type EventOf, eventTime, isEvent, startConsumer, type ConsumerDatabase } from '@govern/platform-events';
import type { Clock } from '@govern/policy-core';
import type { Logger } from 'pino';
import { upsertOnboardedMerchants } from '../adapters/merchants.repository';
import {
  type CascadeLimits,
  onboardedMerchant,
  onMerchantOnboarded,
  onMerchantReinstated,
  onMerchantRemoved,
  onMerchantSanctioned,
  onStoreExperienceScoreChanged,
} from '../use-cases/merchant-standing';
import type { ProductQualityUnits } from '../use-cases/work';
import { causeOfEvent } from '@govern/platform-runtime';

/**
 * One durable consumer for every merchant-access event product-quality keeps: one stream, one
 * position, so a merchant's onboarding, sanctions, removal and reinstatement apply in the order
 * merchant-access published them. The removal cascade (every product banned, one ProductBanned
 * each) runs in the consumer's transaction, with the inbox row: a redelivery bans nothing twice.
 */
export const MERCHANT_STANDING_CONSUMER = 'product_quality_merchant_standing';

const STANDING_EVENTS = [MerchantOnboardedEvent, MerchantSanctionedEvent, MerchantRemovedEvent, MerchantReinstatedEvent, StoreExperienceScoreChangedEvent] as const;
type StandingEvent = EventOf<typeof STANDING_EVENTS>;
type Onboarding = EventOf<[typeof MerchantOnboardedEvent]>;

/**
 * The batch's onboardings of a merchant no earlier event of the batch names: no handler before
 * such an onboarding can change that merchant's row, so its upsert may go out for the whole batch,
 * ahead of the handlers (the later events of the merchant then find it, as in stream order).
 */
const onboardingsFirstNamingTheirMerchant = (events: readonly BatchEvent<StandingEvent>[]): BatchEvent<Onboarding>[] => {
  const named = new Set<string>();
  const first: BatchEvent<Onboarding>[] = [];
  for (const e of events) {
    if (e.typeName === MerchantOnboardedEvent.typeName && !named.has(e.event.merchantId)) first.push(e as BatchEvent<Onboarding>);
    named.add(e.event.merchantId);
  }
  return first;
};

export const startMerchantStandingConsumer = ({ units, limits, clock, ...wiring }: {
  bus: EventBus;
  /** In the platform's transaction: plain SQL pipelined, Prisma joined only when a use case calls it. */
  database: ConsumerDatabase<PrismaClient>;
  units: ProductQualityUnits;
  limits: CascadeLimits;
  /** The service's clock: the batch's onboarding times are bounded by it, as each unit's are by its own. */
  clock: Clock;
  log: Logger;
  /** Bound of one handler transaction (the removal cascade's share). */
  transactionTimeoutMs: number;
}): Promise<ConsumerHandle> =>
  startConsumer({
    ...wiring,
    consumer: MERCHANT_STANDING_CONSUMER,
    eventTypes: STANDING_EVENTS,
    // Merchant-access onboards merchants a few at a time: their rows in one statement per batch.
    batchWrites(events, sql) {
      const onboardings = onboardingsFirstNamingTheirMerchant(events);
      const now = clock.now();
      upsertOnboardedMerchants(sql, onboardings.map((e) => onboardedMerchant(e.event, now)));
      return new Set(onboardings.map((e) => e.eventId));
    },
    async handler(event, ctx) {
      // An onboarding the batch wrote has nothing left to do: no unit of work for it.
      if (ctx.batchWritten) return;
      // The consumed event causes what this does: its events carry the event's id and correlation id.
      const cause = causeOfEvent(event, ctx.eventId);
      await units.within(ctx.transaction, cause, async (work) => {
        if (isEvent(MerchantOnboardedEvent, event, ctx)) await onMerchantOnboarded(work, event);
        else if (isEvent(MerchantSanctionedEvent, event, ctx)) await onMerchantSanctioned(work, event);
        else if (isEvent(MerchantRemovedEvent, event, ctx)) {
          const banned = await onMerchantRemoved(work, event, ctx.eventId, limits);
          ctx.log.info({ merchant_id: event.merchantId, banned }, 'removed merchant: products banned');
        } else if (isEvent(MerchantReinstatedEvent, event, ctx)) {
          const lifted = await onMerchantReinstated(work, event, limits);
          if (lifted > 0) ctx.log.info({ merchant_id: event.merchantId, lifted }, 'reinstated merchant: removal bans lifted');
        } else if (isEvent(StoreExperienceScoreChangedEvent, event, ctx)) {
          // A score older than (or as old as) the one applied last is stale: a reordered or late copy changes nothing.
          if (!(await ctx.supersedes(`store-score:${event.merchantId}`, eventTime(event.meta?.occurredAt, work.now)))) return;
          await onStoreExperienceScoreChanged(work, event, limits);
        }
      });
    },
  });

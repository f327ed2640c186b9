import {
  MerchantOnboardedEvent,
  MerchantReinstatedEvent,
  MerchantRemovedEvent,
  MerchantSanctionedEvent,
  StoreExperienceScoreChangedEvent,
} from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/product-quality-data-access';
import { type ConsumerHandle, type EventBus, eventTime, isEvent, startConsumer, type ConsumerDatabase } from '@govern/platform-events';
import type { Logger } from 'pino';
import {
  type CascadeLimits,
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

export const startMerchantStandingConsumer = ({ units, limits, ...wiring }: {
  bus: EventBus;
  /** In the platform's transaction: plain SQL pipelined, Prisma joined only when a use case calls it. */
  database: ConsumerDatabase<PrismaClient>;
  units: ProductQualityUnits;
  limits: CascadeLimits;
  log: Logger;
  /** Bound of one handler transaction (the removal cascade's share). */
  transactionTimeoutMs: number;
}): Promise<ConsumerHandle> =>
  startConsumer({
    ...wiring,
    consumer: MERCHANT_STANDING_CONSUMER,
    eventTypes: [MerchantOnboardedEvent, MerchantSanctionedEvent, MerchantRemovedEvent, MerchantReinstatedEvent, StoreExperienceScoreChangedEvent] as const,
    async handler(event, ctx) {
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

import type { ContentTx, PrismaClient } from '@govern/content-data-access';
import { AffiliateEligibilityChangedEvent, MerchantReinstatedEvent, MerchantRemovedEvent, MerchantStatus } from '@govern/contracts-merchant-access';
import { eventTime, isEvent, startConsumer, type ConsumerHandle, type EventBus, type ConsumerDatabase } from '@govern/platform-events';
import type { UnitsOfWork } from '@govern/platform-runtime';
import type { Logger } from 'pino';
import { affiliateEligibilityChanged, merchantReinstated, merchantRemoved } from '../use-cases/upstream-facts';
import type { Work } from '../use-cases/work';
import { causeOfEvent } from '@govern/platform-runtime';

export const MERCHANT_STANDING_CONSUMER = 'content_merchant_standing';

/**
 * Merchant standing as merchant-access announces it: a removal refuses new links to the
 * merchant's goods and unlinks every item selling them; a reinstatement (of a removed merchant)
 * restores them; losing affiliate eligibility takes the boost from content selling its goods.
 */
export const startMerchantStandingConsumer = ({ units, ...wiring }: {
  bus: EventBus;
  /** In the platform's transaction: plain SQL pipelined, Prisma joined only when a use case calls it. */
  database: ConsumerDatabase<PrismaClient>;
  units: UnitsOfWork<ContentTx, Work>;
  log: Logger;
}): Promise<ConsumerHandle> =>
  startConsumer({
    ...wiring,
    consumer: MERCHANT_STANDING_CONSUMER,
    eventTypes: [MerchantRemovedEvent, MerchantReinstatedEvent, AffiliateEligibilityChangedEvent] as const,
    transactionTimeoutMs: 60_000,
    // One cascade per removal (its sanction), however many events announce it: claimed with the batch's inbox row.
    factOf: (event, meta) => (isEvent(MerchantRemovedEvent, event, meta) && event.sanctionId ? `removal:${event.sanctionId}` : undefined),
    async handler(event, ctx) {
      await units.within(ctx.transaction, causeOfEvent(event, ctx.eventId), async (work) => {
        // Never ahead of our clock: a producer's time far ahead would make later facts look older.
        const at = eventTime(event.meta?.occurredAt, work.now);
        if (isEvent(MerchantRemovedEvent, event, ctx)) {
          await merchantRemoved(work, { merchantId: event.merchantId, sanctionId: event.sanctionId, reasons: event.reasons, at });
        } else if (isEvent(MerchantReinstatedEvent, event, ctx)) {
          // A reinstatement that leaves the merchant removed lifts nothing content acted on.
          if (event.status !== MerchantStatus.MERCHANT_STATUS_REMOVED) await merchantReinstated(work, event.merchantId);
        } else if (isEvent(AffiliateEligibilityChangedEvent, event, ctx)) {
          await affiliateEligibilityChanged(work, { merchantId: event.merchantId, eligible: event.eligible, reasons: event.reasons, at });
        }
      });
    },
  });

import type { ContentTx, PrismaClient } from '@govern/content-data-access';
import { BanCause, ListingApprovedEvent, ProductBannedEvent, ProductUnbannedEvent } from '@govern/contracts-product-quality';
import { eventTime, isEvent, startConsumer, type ConsumerHandle, type EventBus } from '@govern/platform-events';
import type { UnitsOfWork } from '@govern/platform-runtime';
import type pg from 'pg';
import type { Logger } from 'pino';
import { productApproved, productBanned, productUnbanned } from '../use-cases/upstream-facts';
import type { Work } from '../use-cases/work';
import { causeOfEvent } from '@govern/platform-runtime';

export const PRODUCT_CATALOGUE_CONSUMER = 'content_product_catalogue';

/** BAN_CAUSE_LAB_CRITICAL → LAB_CRITICAL, the key of the content policy's cascade table. */
const banCauseName = (cause: BanCause): string => (BanCause[cause] ?? 'BAN_CAUSE_UNSPECIFIED').replace(/^BAN_CAUSE_/, '');

/**
 * What product-quality decides about products, kept here as facts (no calls to its database):
 * approved listings make products known (links to unknown products are refused), bans refuse
 * new links and limit or unlink every item that already sells the product, unbans restore them.
 */
export const startProductCatalogueConsumer = ({
  units,
  ...wiring
}: {
  bus: EventBus;
  /** In the platform's transaction (pipelined plain SQL): a merchant's removal bans all its products in one burst. */
  database: { pool: pg.Pool; client: PrismaClient };
  units: UnitsOfWork<ContentTx, Work>;
  log: Logger;
}): Promise<ConsumerHandle> =>
  startConsumer({
    ...wiring,
    consumer: PRODUCT_CATALOGUE_CONSUMER,
    eventTypes: [ListingApprovedEvent, ProductBannedEvent, ProductUnbannedEvent] as const,
    // A ban's first batch may touch a few thousand items in this transaction.
    transactionTimeoutMs: 60_000,
    async handler(event, ctx) {
      // One cascade per ban, however many events announce it.
      if (isEvent(ProductBannedEvent, event, ctx) && event.banId && !(await ctx.claimOnce(`ban:${event.banId}`))) return;
      await units.within(ctx.transaction, causeOfEvent(event, ctx.eventId), async (work) => {
        // Never ahead of our clock: a producer's time far ahead would make later facts look older.
        const at = eventTime(event.meta?.occurredAt, work.now);
        if (isEvent(ListingApprovedEvent, event, ctx)) {
          await productApproved(work, { productId: event.productId, merchantId: event.merchantId, at });
        } else if (isEvent(ProductBannedEvent, event, ctx)) {
          const ban = { productId: event.productId, merchantId: event.merchantId, cause: banCauseName(event.cause), banId: event.banId, reasons: event.reasons };
          // The ban's own time is bounded like the event's: a time ahead of it (or impossible) reads as the event's time.
          await productBanned(work, { ...ban, bannedAt: eventTime(event.bannedAt, at), at });
        } else if (isEvent(ProductUnbannedEvent, event, ctx)) {
          await productUnbanned(work, event.productId);
        }
      });
    },
  });

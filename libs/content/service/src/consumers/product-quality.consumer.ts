import type { PrismaClient } from '@govern/content-data-access';
import { streamOf } from '@govern/contracts-common';
import { BanCause, ListingApprovedEvent, ProductBannedEvent, ProductUnbannedEvent } from '@govern/contracts-product-quality';
import { eventTime, isEvent, startConsumer, type ConsumerHandle, type EventBus } from '@govern/platform-events';
import type { Logger } from 'pino';
import type { ContentDeps } from '../deps';
import { EventBatch } from '../events/event-batch';
import { toJson } from '../mapping/json';
import { startCascade } from '../use-cases/cascades';

/** BAN_CAUSE_LAB_CRITICAL → LAB_CRITICAL, the key of the content policy's cascade table. */
const banCauseName = (cause: BanCause): string => (BanCause[cause] ?? 'BAN_CAUSE_UNSPECIFIED').replace(/^BAN_CAUSE_/, '');

/**
 * What product-quality decides about products, kept here as facts (no calls to its database):
 * approved listings make products known (links to unknown products are refused), bans refuse
 * new links and limit or unlink every item that already sells the product, unbans restore them.
 */
export const startProductCatalogueConsumer = (options: { bus: EventBus; db: PrismaClient; deps: ContentDeps; log: Logger }): Promise<ConsumerHandle> =>
  startConsumer({
    bus: options.bus,
    db: options.db,
    consumer: 'content_product_catalogue',
    stream: streamOf('product_quality').name,
    eventTypes: [ListingApprovedEvent, ProductBannedEvent, ProductUnbannedEvent] as const,
    log: options.log,
    // A ban's first batch may touch a few thousand items in this transaction.
    transactionTimeoutMs: 60_000,
    async handler(event, ctx) {
      const { deps } = options;
      const { tx } = ctx;
      // Never ahead of our clock: a producer's time far ahead would make later facts look older.
      const at = eventTime(event.meta?.occurredAt, deps.clock.now());
      if (isEvent(ListingApprovedEvent, event, ctx)) {
        await tx.$executeRawUnsafe(
          `INSERT INTO known_products (product_id, merchant_id, source, seen_at) VALUES ($1, $2, 'LISTING_APPROVED', $3)
           ON CONFLICT (product_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, source = EXCLUDED.source, seen_at = EXCLUDED.seen_at`,
          event.productId,
          event.merchantId,
          at,
        );
        return;
      }
      const events = new EventBatch(deps, { causationId: ctx.eventId });
      if (isEvent(ProductBannedEvent, event, ctx)) {
        // One cascade per ban, however many events announce it.
        if (event.banId && !(await ctx.claimOnce(`ban:${event.banId}`))) return;
        const cause = banCauseName(event.cause);
        await tx.$executeRawUnsafe(
          `INSERT INTO known_products (product_id, merchant_id, source, seen_at) VALUES ($1, $2, 'PRODUCT_BANNED', $3) ON CONFLICT DO NOTHING`,
          event.productId,
          event.merchantId,
          at,
        );
        await tx.bannedProduct.upsert({
          where: { productId: event.productId },
          create: { productId: event.productId, merchantId: event.merchantId, cause, banId: event.banId, reasons: toJson(event.reasons), bannedAt: event.bannedAt ?? at },
          update: { cause, banId: event.banId, reasons: toJson(event.reasons), bannedAt: event.bannedAt ?? at },
        });
        await startCascade(tx, deps, events, { type: 'PRODUCT_BANNED', productId: event.productId, cause }, ctx.eventId);
      } else if (isEvent(ProductUnbannedEvent, event, ctx)) {
        await tx.bannedProduct.deleteMany({ where: { productId: event.productId } });
        await startCascade(tx, deps, events, { type: 'PRODUCT_UNBANNED', productId: event.productId }, ctx.eventId);
      }
      await events.write(tx);
    },
  });

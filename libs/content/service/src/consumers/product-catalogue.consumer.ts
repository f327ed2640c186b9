import type { ContentTx, PrismaClient } from '@govern/content-data-access';
import { BanCause, ListingApprovedEvent, ProductBannedEvent, ProductUnbannedEvent } from '@govern/contracts-product-quality';
import { eventTime, isEvent, startConsumer, type BatchEvent, type ConsumerHandle, type EventBus, type EventOf, type ConsumerDatabase } from '@govern/platform-events';
import type { Sql } from '@govern/platform-db';
import type { UnitsOfWork } from '@govern/platform-runtime';
import type { Logger } from 'pino';
import { firstItemsLinkedToProducts } from '../adapters/cascade.queries';
import { CASCADE_BATCH_SIZE } from '../use-cases/cascades';
import { productApproved, productBanned, productUnbanned } from '../use-cases/upstream-facts';
import type { Work } from '../use-cases/work';
import { causeOfEvent } from '@govern/platform-runtime';

export const PRODUCT_CATALOGUE_CONSUMER = 'content_product_catalogue';

/** BAN_CAUSE_LAB_CRITICAL → LAB_CRITICAL, the key of the content policy's cascade table. */
const banCauseName = (cause: BanCause): string => (BanCause[cause] ?? 'BAN_CAUSE_UNSPECIFIED').replace(/^BAN_CAUSE_/, '');

const CATALOGUE_EVENTS = [ListingApprovedEvent, ProductBannedEvent, ProductUnbannedEvent] as const;
type CatalogueEvent = EventOf<typeof CATALOGUE_EVENTS>;

/**
 * The items each ban of the batch would read first (its cascade's first page), read for all the
 * batch's bans in one statement: event id → item ids. Only for a product that no other ban or unban
 * of the batch names: the handlers before it would change that product's links (an unban restores
 * them), so such a ban reads its own when its turn comes. Bans of other products and approvals
 * never touch this product's links.
 */
const linkedItemsOfBans = async (events: readonly BatchEvent<CatalogueEvent>[], sql: Sql): Promise<Map<string, readonly string[]>> => {
  const namings = new Map<string, number>();
  for (const { event, typeName } of events) {
    if (typeName === ListingApprovedEvent.typeName) continue;
    namings.set(event.productId, (namings.get(event.productId) ?? 0) + 1);
  }
  const bans = events.filter((e) => e.typeName === ProductBannedEvent.typeName && namings.get(e.event.productId) === 1);
  if (bans.length === 0) return new Map();
  const linked = await firstItemsLinkedToProducts(sql, [...new Set(bans.map((b) => b.event.productId))], CASCADE_BATCH_SIZE);
  return new Map(bans.map((b) => [b.eventId, linked.get(b.event.productId) ?? []]));
};

/**
 * What product-quality decides about products, kept here as facts (no calls to its database):
 * approved listings make products known (links to unknown products are refused), bans refuse
 * new links and limit or unlink every item that already sells the product, unbans restore them.
 * A merchant's removal bans all its products in one burst: the batch claims its bans and reads
 * their linked items with one statement each (`factOf`, `prefetch`), not one round trip per ban.
 */
export const startProductCatalogueConsumer = ({
  units,
  ...wiring
}: {
  bus: EventBus;
  /** In the platform's transaction (pipelined plain SQL): a merchant's removal bans all its products in one burst. */
  database: ConsumerDatabase<PrismaClient>;
  units: UnitsOfWork<ContentTx, Work>;
  log: Logger;
}): Promise<ConsumerHandle> =>
  startConsumer({
    ...wiring,
    consumer: PRODUCT_CATALOGUE_CONSUMER,
    eventTypes: CATALOGUE_EVENTS,
    // A ban's first batch may touch a few thousand items in this transaction.
    transactionTimeoutMs: 60_000,
    // One cascade per ban, however many events announce it.
    factOf: (event, meta) => (isEvent(ProductBannedEvent, event, meta) && event.banId ? `ban:${event.banId}` : undefined),
    prefetch: linkedItemsOfBans,
    async handler(event, ctx) {
      await units.within(ctx.transaction, causeOfEvent(event, ctx.eventId), async (work) => {
        // Never ahead of our clock: a producer's time far ahead would make later facts look older.
        const at = eventTime(event.meta?.occurredAt, work.now);
        if (isEvent(ListingApprovedEvent, event, ctx)) {
          productApproved(work, { productId: event.productId, merchantId: event.merchantId, at });
        } else if (isEvent(ProductBannedEvent, event, ctx)) {
          const ban = { productId: event.productId, merchantId: event.merchantId, cause: banCauseName(event.cause), banId: event.banId, reasons: event.reasons };
          // The ban's own time is bounded like the event's: a time ahead of it (or impossible) reads as the event's time.
          await productBanned(work, { ...ban, bannedAt: eventTime(event.bannedAt, at), at }, ctx.prefetched.get(ctx.eventId));
        } else if (isEvent(ProductUnbannedEvent, event, ctx)) {
          await productUnbanned(work, event.productId);
        }
      });
    },
  });

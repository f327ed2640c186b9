import type { ContentTx, PrismaClient } from '@govern/content-data-access';
import { BanCause, ListingApprovedEvent, ProductBannedEvent, ProductUnbannedEvent } from '@govern/contracts-product-quality';
import { eventTime, isEvent, startConsumer, type BatchEvent, type ConsumerHandle, type EventBus, type EventOf, type ConsumerDatabase } from '@govern/platform-events';
import type { Sql } from '@govern/platform-db';
import type { UnitsOfWork } from '@govern/platform-runtime';
import type { Clock } from '@govern/policy-core';
import type { Logger } from 'pino';
import { firstItemsLinkedToProducts } from '../adapters/cascade.queries';
import { recordBans, rememberApprovedProducts, type BanRecord } from '../adapters/known-products.repository';
import { CASCADE_BATCH_SIZE } from '../use-cases/cascades';
import { productApproved, productBanned, productUnbanned } from '../use-cases/upstream-facts';
import type { Work } from '../use-cases/work';
import { causeOfEvent } from '@govern/platform-runtime';

export const PRODUCT_CATALOGUE_CONSUMER = 'content_product_catalogue';

/** BAN_CAUSE_LAB_CRITICAL → LAB_CRITICAL, the key of the content policy's cascade table. */
const banCauseName = (cause: BanCause): string => (BanCause[cause] ?? 'BAN_CAUSE_UNSPECIFIED').replace(/^BAN_CAUSE_/, '');

const CATALOGUE_EVENTS = [ListingApprovedEvent, ProductBannedEvent, ProductUnbannedEvent] as const;
type CatalogueEvent = EventOf<typeof CATALOGUE_EVENTS>;
type ProductBan = EventOf<[typeof ProductBannedEvent]>;
type ListingApproval = EventOf<[typeof ListingApprovedEvent]>;

/**
 * The batch's approvals as the known products they leave, one per product: the last approval of a
 * product in stream order, which is the one its handlers, one at a time, would have left (each
 * approval overwrites the product's row; a ban's row never overwrites one, and an unban leaves it).
 */
const approvedProductsOf = (events: readonly BatchEvent<CatalogueEvent>[], now: Date): { productId: string; merchantId: string; at: Date }[] => {
  const latest = new Map<string, { productId: string; merchantId: string; at: Date }>();
  for (const { event, typeName } of events) {
    if (typeName !== ListingApprovedEvent.typeName) continue;
    const approval = event as ListingApproval;
    latest.set(approval.productId, { productId: approval.productId, merchantId: approval.merchantId, at: eventTime(approval.meta?.occurredAt, now) });
  }
  return [...latest.values()];
};

/**
 * The bans of the batch whose product no other ban or unban of the batch names: the handlers before
 * such a ban cannot change that product's rows or links (an unban restores links, a second ban
 * replaces the first), so its reads and writes may be done for the whole batch. Bans of other
 * products and approvals never touch this product's links or ban. A product named twice is left to
 * its handlers, one event at a time.
 */
const bansOfOwnProduct = (events: readonly BatchEvent<CatalogueEvent>[]): BatchEvent<ProductBan>[] => {
  const namings = new Map<string, number>();
  for (const { event, typeName } of events) {
    if (typeName === ListingApprovedEvent.typeName) continue;
    namings.set(event.productId, (namings.get(event.productId) ?? 0) + 1);
  }
  return events.filter(
    (e): e is BatchEvent<ProductBan> => e.typeName === ProductBannedEvent.typeName && namings.get(e.event.productId) === 1,
  );
};

/**
 * The items each ban of its own product would read first (its cascade's first page), read for all
 * the batch's such bans in one statement: event id → item ids.
 */
const linkedItemsOfBans = async (events: readonly BatchEvent<CatalogueEvent>[], sql: Sql): Promise<Map<string, readonly string[]>> => {
  const bans = bansOfOwnProduct(events);
  if (bans.length === 0) return new Map();
  const linked = await firstItemsLinkedToProducts(sql, [...new Set(bans.map((b) => b.event.productId))], CASCADE_BATCH_SIZE);
  return new Map(bans.map((b) => [b.eventId, linked.get(b.event.productId) ?? []]));
};

/** A ban as content records it, its times bounded by `now` (a producer's time ahead of our clock would make later facts look older). */
const banRecordOf = (event: ProductBan, now: Date): BanRecord => {
  const at = eventTime(event.meta?.occurredAt, now);
  // The ban's own time is bounded like the event's: a time ahead of it (or impossible) reads as the event's time.
  return { productId: event.productId, merchantId: event.merchantId, cause: banCauseName(event.cause), banId: event.banId, reasons: event.reasons, bannedAt: eventTime(event.bannedAt, at), at };
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
  clock,
  ...wiring
}: {
  bus: EventBus;
  /** In the platform's transaction (pipelined plain SQL): a merchant's removal bans all its products in one burst. */
  database: ConsumerDatabase<PrismaClient>;
  units: UnitsOfWork<ContentTx, Work>;
  /** The service's clock: the batch's ban records are bounded by its time, as each unit's are by its own. */
  clock: Clock;
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
    // The burst's two rows per ban (known product, ban in force) and the approvals' known products:
    // one statement per table per batch.
    batchWrites(events, sql) {
      const bans = bansOfOwnProduct(events);
      const now = clock.now();
      recordBans(sql, bans.map((b) => banRecordOf(b.event, now)));
      rememberApprovedProducts(sql, approvedProductsOf(events, now));
      const written = new Set(bans.map((b) => b.eventId));
      for (const e of events) if (e.typeName === ListingApprovedEvent.typeName) written.add(e.eventId);
      return written;
    },
    async handler(event, ctx) {
      // Nothing left once the batch wrote its rows: an approval, or a ban whose product no item
      // sells (the batch read its linked items: none). No unit of work for it, so a burst's
      // events cost their span and inbox row only.
      if (ctx.batchWritten && (isEvent(ListingApprovedEvent, event, ctx) || ctx.prefetched.get(ctx.eventId)?.length === 0)) return;
      await units.within(ctx.transaction, causeOfEvent(event, ctx.eventId), async (work) => {
        if (isEvent(ListingApprovedEvent, event, ctx)) {
          // Never ahead of our clock: a producer's time far ahead would make later facts look older.
          productApproved(work, { productId: event.productId, merchantId: event.merchantId, at: eventTime(event.meta?.occurredAt, work.now) });
        } else if (isEvent(ProductBannedEvent, event, ctx)) {
          await productBanned(work, banRecordOf(event, work.now), { linkedItems: ctx.prefetched.get(ctx.eventId), recorded: ctx.batchWritten });
        } else if (isEvent(ProductUnbannedEvent, event, ctx)) {
          await productUnbanned(work, event.productId);
        }
      });
    },
  });

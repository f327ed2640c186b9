import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { PrismaClient } from '@govern/content-data-access';
import type { EventMeta, EventType } from '@govern/contracts-common';
import { ContentServiceDefinition } from '@govern/contracts-content';
import { ListingApprovedEvent, ListingAction } from '@govern/contracts-product-quality';
import { type ServiceClient } from '@govern/platform-grpc';
import { startServiceForTest, type EventCollector, type ServiceUnderTest } from '@govern/platform-service-testing';
import { createContentService, type ContentServiceOptions } from '../content.service';

/** Shared set-up of the content service's integration specs: the service, a client, an event collector. */
export interface ContentUnderTest {
  sut: ServiceUnderTest<PrismaClient>;
  client: ServiceClient<typeof ContentServiceDefinition>;
  events: EventCollector;
  stop(): Promise<void>;
}

export const startContentForTest = async (options: ContentServiceOptions = {}): Promise<ContentUnderTest> => {
  const sut = await startServiceForTest(createContentService(options));
  const client = sut.client(ContentServiceDefinition);
  const events = await sut.collect('GOVERN_CONTENT', ['govern.content.>']);
  return {
    sut,
    client,
    events,
    async stop() {
      await sut.stop();
    },
  };
};

export const meta = (sut: ServiceUnderTest<PrismaClient>): EventMeta => ({
  eventId: randomUUID(),
  occurredAt: sut.clock.now(),
  causationId: 'test',
  correlationId: 'test',
});

/** Polls until `check` returns a value (or fails after timeoutMs): for effects of consumed events. */
export const eventually = async <T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
};

/** product-quality approves a listing: content learns the product and its merchant. */
export const approveListings = async (cut: ContentUnderTest, products: readonly { productId: string; merchantId: string }[]): Promise<void> => {
  for (const p of products) {
    await cut.sut.publish(ListingApprovedEvent, {
      meta: meta(cut.sut),
      listingId: `l-${p.productId}`,
      productId: p.productId,
      merchantId: p.merchantId,
      skuId: `sku-${p.productId}`,
      categoryCode: 'apparel',
      reasons: [],
      policy: { name: 'listing-gate', version: 'test' },
      evaluationId: `e-${p.productId}`,
      action: ListingAction.LISTING_ACTION_PUBLISH,
    });
  }
  const ids = products.map((p) => p.productId);
  await eventually(async () => (await cut.sut.db.knownProduct.count({ where: { productId: { in: ids } } })) === ids.length, 'listings to reach content');
};

/** Events of one type about one subject, decoded from the collector. */
export const eventsAbout = <T>(events: EventCollector, type: EventType<T>, match: (event: T) => boolean): T[] => events.of(type).filter(match);


/** The error details of a call expected to fail (fails the test if it succeeds). */
export { failureOf as errorOf } from '@govern/platform-service-testing';

/**
 * Counts the SQL statements the service sends whose text `matches`, by wrapping the pg driver every
 * query goes through (Prisma's adapter and the platform's transactions alike; one process: the
 * service under test runs in the test's process). `restore()` unwraps it.
 */
export const countStatements = (matches: (text: string) => boolean) => {
  const original = pg.Client.prototype.query;
  let count = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : first?.text;
    if (text && matches(text)) count++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  return {
    get count() {
      return count;
    },
    restore: () => {
      pg.Client.prototype.query = original;
    },
  };
};

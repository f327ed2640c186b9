import { randomUUID } from 'node:crypto';
import { streamOf, type EventMeta } from '@govern/contracts-common';
import { MerchantOnboardedEvent, RiskBand, type MerchantOnboarded } from '@govern/contracts-merchant-access';
import { ListingApprovedEvent, ListingDecision, ProductQualityServiceDefinition, type Listing } from '@govern/contracts-product-quality';
import type { PrismaClient, ProductQualityTx } from '@govern/product-quality-data-access';
import { asDbTransaction } from '@govern/platform-runtime';
import type { ProductQualityDeps } from '../deps';
import { Work } from '../use-cases/work';
import { createProductQualityService, type ProductQualityServiceOptions } from '../product-quality.service';
import type { ServiceClient } from '@govern/platform-grpc';
import { startServiceForTest, type EventCollector, type ServiceUnderTest } from '@govern/platform-service-testing';
import { pollUntil } from '@govern/platform-testing';

/** Test fixtures for the product-quality integration suites (real gRPC, Postgres, JetStream). */

export interface ProductQualityUnderTest {
  sut: ServiceUnderTest<PrismaClient>;
  client: ServiceClient<typeof ProductQualityServiceDefinition>;
  /** Everything the service published (its stream's subjects), from the start. */
  events: EventCollector;
  stop(): Promise<void>;
}

/** The real service on 127.0.0.1:0 with a fresh database and event namespace, a client, its events collected, and `merchants` onboarded. */
export const startProductQualityForTest = async (setup: { merchants?: string[]; options?: ProductQualityServiceOptions } = {}): Promise<ProductQualityUnderTest> => {
  const sut = await startServiceForTest(createProductQualityService(setup.options));
  const client = sut.client(ProductQualityServiceDefinition);
  const stream = streamOf('product_quality');
  const events = await sut.collect(stream.name, stream.subjects);
  for (const merchantId of setup.merchants ?? []) await onboard(sut, merchantId);
  return { sut, client, events, stop: () => sut.stop() };
};

export const meta = (sut: ServiceUnderTest<PrismaClient>, eventId: string = randomUUID()): EventMeta => ({
  eventId,
  occurredAt: sut.clock.now(),
  causationId: `test-${eventId}`,
  correlationId: `test-${eventId}`,
});

/** Waits until the service's consumers have processed the event (its inbox row is committed). */
export const consumed = async (sut: ServiceUnderTest<PrismaClient>, eventId: string, timeoutMs = 20_000): Promise<void> => {
  await pollUntil(
    `event ${eventId} consumed`,
    async () => ((await sut.db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM inbox_events WHERE event_id = $1`, eventId)).length > 0 ? true : undefined),
    { timeoutMs },
  );
};

/** merchant-access's MerchantOnboarded for a merchant with these terms (now, unless `occurredAt` says when). */
export const merchantOnboarded = (
  sut: ServiceUnderTest<PrismaClient>,
  merchantId: string,
  terms: { categories?: string[]; listingQuota?: number; occurredAt?: Date } = {},
): MerchantOnboarded => {
  const m = meta(sut);
  return {
    meta: terms.occurredAt ? { ...m, occurredAt: terms.occurredAt } : m,
    merchantId,
    applicationId: `app-${merchantId}`,
    band: RiskBand.RISK_BAND_APPROVE,
    restrictions: { listingQuota: terms.listingQuota ?? 0, depositFen: 200_000n, approvedCategoryCodes: terms.categories ?? [] },
    riskScore: 12,
    reasons: [],
    policy: { name: 'merchant-onboarding', version: '2026-11-01.1' },
  };
};

/** merchant-access onboards a merchant; resolves once product-quality has taken it in. */
export const onboard = async (sut: ServiceUnderTest<PrismaClient>, merchantId: string, categories: string[] = [], listingQuota = 0): Promise<void> => {
  const event = merchantOnboarded(sut, merchantId, { categories, listingQuota });
  await sut.publish(MerchantOnboardedEvent, event);
  await consumed(sut, event.meta?.eventId ?? '');
};

let counter = 0;
export const unique = (prefix: string): string => `${prefix}-${++counter}-${randomUUID().slice(0, 8)}`;

/**
 * Returns once everything the test did before has had its effects, so it can then assert that
 * something did NOT happen (no second event, nothing banned twice). Sends a merchant-access event
 * after it all (the consumer applies that stream in order), then has a listing approved (the
 * relay publishes the outbox in order): once that listing's ListingApproved is among `events`,
 * every event the earlier steps caused is there too.
 */
export const sentinel = async (sut: ServiceUnderTest<PrismaClient>, client: ServiceClient<typeof ProductQualityServiceDefinition>, events: EventCollector): Promise<void> => {
  const merchantId = unique('M-SENTINEL');
  await onboard(sut, merchantId);
  // Goods of their own: a listing like the test's could be refused as a re-upload of what it banned.
  const l = listing({ merchantId, title: `竹制砧板 加厚 38x28cm ${merchantId}`, categoryCode: 'home.kitchen' });
  const { decision, reasons } = await client.evaluateListing({ requestId: unique('r-sentinel'), listing: l, action: 0 });
  if (decision !== ListingDecision.LISTING_DECISION_APPROVED) throw new Error(`the sentinel listing was not approved: ${reasons.map((r) => r.code).join(', ')}`);
  await pollUntil('the sentinel ListingApproved', () => (events.of(ListingApprovedEvent).some((e) => e.listingId === l.listingId) ? true : undefined));
};

/** A complete, lawful listing of an ordinary product. */
export const listing = (over: Partial<Listing> = {}): Listing => ({
  listingId: unique('L'),
  productId: unique('P'),
  skuId: unique('SKU'),
  merchantId: 'M-1',
  categoryCode: 'home.kitchen',
  title: '316不锈钢真空保温杯 500ml 双层隔热',
  description: '双层真空结构，保温12小时，保冷24小时。杯盖可拆洗，杯身316不锈钢，适合办公室和户外使用，附赠杯刷一把。',
  brand: '',
  manufacturer: '浙江永康某某杯业有限公司',
  productionDate: new Date('2026-09-01T00:00:00Z'),
  batchNumber: 'B20260901',
  certificateCode: 'GB/T 29606-2013',
  imageHashes: [randomUUID().replaceAll('-', ''), randomUUID().replaceAll('-', ''), randomUUID().replaceAll('-', '')],
  declaredQualifications: [],
  priceFen: 5_900n,
  ...over,
});

/**
 * Puts `count` approved products (one listing each) of a merchant straight into the tables,
 * as thousands of earlier EvaluateListing calls would have: cascade tests need a merchant with
 * a realistic catalogue, and building it through the gate one call at a time would only test
 * the gate again, slowly. Two set-based statements.
 */
export const seedCatalogue = async (db: PrismaClient, merchantId: string, count: number, prefix = merchantId): Promise<string[]> => {
  await db.$executeRawUnsafe(
    `INSERT INTO products (product_id, merchant_id, sku_id, category_code, title, description, brand, manufacturer, batch_number, certificate_code,
                           image_hashes, status, quality_score, quality_tier, created_at, updated_at)
     SELECT $2 || '-P-' || g, $1, $2 || '-SKU-' || g, 'home.kitchen', '商品 ' || $2 || ' ' || g, '描述', '', '某某厂', 'B1', 'GB 1234-2020',
            jsonb_build_array(md5($2 || g)), 'ACTIVE', 60, 'FAIR', now(), now()
       FROM generate_series(1, $3) AS g`,
    merchantId,
    prefix,
    count,
  );
  await db.$executeRawUnsafe(
    `INSERT INTO listings (listing_id, product_id, merchant_id, sku_id, category_code, title, title_fingerprint, title_shingles, image_hashes,
                           price_fen, last_evaluation_id, created_at, updated_at)
     SELECT $2 || '-L-' || g, $2 || '-P-' || g, $1, $2 || '-SKU-' || g, 'home.kitchen', '商品 ' || $2 || ' ' || g, 'tf1:seed-' || $2 || g,
            jsonb_build_array('商品', lower($2), g::text), jsonb_build_array(md5($2 || g)), 1000, 'seeded', now(), now()
       FROM generate_series(1, $3) AS g`,
    merchantId,
    prefix,
    count,
  );
  return Array.from({ length: count }, (_, i) => `${prefix}-P-${i + 1}`);
};

/**
 * Runs a use case in a unit of work over a Prisma transaction the test owns (e.g. one whose
 * statements it counts), as a consumer would: its effects are written before this returns.
 */
export const inWork = async <R>(tx: ProductQualityTx, deps: ProductQualityDeps, causationId: string, action: (work: Work) => Promise<R>): Promise<R> => {
  const transaction = asDbTransaction(tx);
  const work = new Work({ transaction, clock: deps.clock, ids: deps.ids, cause: { causationId } }, deps);
  const result = await action(work);
  work.flush();
  await transaction.settle();
  return result;
};

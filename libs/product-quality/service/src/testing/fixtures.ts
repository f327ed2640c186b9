import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventMeta } from '@govern/contracts-common';
import { MerchantOnboardedEvent, RiskBand } from '@govern/contracts-merchant-access';
import type { Listing } from '@govern/contracts-product-quality';
import type { PrismaClient } from '@govern/product-quality-data-access';
import type { ServiceUnderTest } from '@govern/platform-service-testing';

/** Test fixtures for the product-quality integration suites (real gRPC, Postgres, JetStream). */

export const meta = (sut: ServiceUnderTest<PrismaClient>, eventId: string = randomUUID()): EventMeta => ({
  eventId,
  occurredAt: sut.clock.now(),
  causationId: `test-${eventId}`,
  correlationId: `test-${eventId}`,
});

/** Waits until the service's consumers have processed the event (its inbox row is committed). */
export const consumed = async (sut: ServiceUnderTest<PrismaClient>, eventId: string, timeoutMs = 20_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await sut.db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM inbox_events WHERE event_id = $1`, eventId);
    if (rows.length > 0) return;
    if (Date.now() > until) throw new Error(`event ${eventId} not consumed within ${timeoutMs} ms`);
    await sleep(25);
  }
};

/** merchant-access onboards a merchant; resolves once product-quality has taken it in. */
export const onboard = async (sut: ServiceUnderTest<PrismaClient>, merchantId: string, categories: string[] = [], listingQuota = 0): Promise<void> => {
  const m = meta(sut);
  await sut.publish(MerchantOnboardedEvent, {
    meta: m,
    merchantId,
    applicationId: `app-${merchantId}`,
    band: RiskBand.RISK_BAND_APPROVE,
    restrictions: { listingQuota, depositFen: 200_000n, approvedCategoryCodes: categories },
    riskScore: 12,
    reasons: [],
    policy: { name: 'merchant-onboarding', version: '2026-11-01.1' },
  });
  await consumed(sut, m.eventId);
};

let counter = 0;
export const unique = (prefix: string): string => `${prefix}-${++counter}-${randomUUID().slice(0, 8)}`;

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

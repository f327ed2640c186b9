import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentPenalisedEvent } from '@govern/contracts-content';
import { BanCause, ProductBannedEvent } from '@govern/contracts-product-quality';
import { approveListings, countStatements, eventually, meta, startContentForTest, type ContentUnderTest } from './testing/content-test-kit';

/** A merchant's removal banning one of its products, with the reason's message given. */
const banOfMerchant = (cut: ContentUnderTest, merchantId: string, productId: string, message = 'merchant removed') => ({
  meta: meta(cut.sut),
  productId,
  merchantId,
  skuId: `sku-${productId}`,
  categoryCode: 'kitchen',
  cause: BanCause.BAN_CAUSE_MERCHANT_REMOVED,
  reasons: [{ code: 'MERCHANT.REMOVED', message, evidence: {}, weight: 0 }],
  banId: `ban-${productId}`,
  policy: { name: 'bans', version: 'test' },
  sourceRef: `removal-${merchantId}`,
  bannedAt: cut.sut.clock.now(),
});


const BANS = 60;
const LINKED = ['p-burst-3', 'p-burst-30'];

/** The statements that read the items linked to products. */
const countLinkReads = () => countStatements((text) => /FROM content_product_links/.test(text) && /state = 'ACTIVE'/.test(text));

/**
 * A merchant's removal bans all its products at once: content handles the burst in batches whose
 * bans are claimed in the inbox statement and whose linked items are read in one statement per
 * batch (issue 13), with the same effects as one ban at a time.
 */
describe('a burst of product bans', () => {
  let cut: ContentUnderTest;
  const products = Array.from({ length: BANS }, (_, i) => ({ productId: `p-burst-${i}`, merchantId: 'm-burst' }));
  beforeAll(async () => {
    cut = await startContentForTest();
    await approveListings(cut, products);
    const at = cut.sut.clock.now();
    // Two of the products are sold by three items each.
    await cut.sut.db.$executeRawUnsafe(
      `INSERT INTO content_items (content_id, kind, creator_id, title, captions, transcript, tier, traffic_weight, created_at, updated_at)
       SELECT 'vb-' || i, 'SHORT_VIDEO', 'cr-burst', 'Kettle review', 'How it boils', '', 'STANDARD', 1.0, $1, $1 FROM generate_series(1, 6) AS i`,
      at,
    );
    await cut.sut.db.$executeRawUnsafe(
      `INSERT INTO content_product_links (content_id, product_id, merchant_id, position, state, updated_at)
       SELECT 'vb-' || i, CASE WHEN i <= 3 THEN $2 ELSE $3 END, 'm-burst', 0, 'ACTIVE', $1 FROM generate_series(1, 6) AS i`,
      at,
      LINKED[0],
      LINKED[1],
    );
  });
  afterAll(async () => cut?.stop());

  it('limits the items of each banned product once, reading linked items once per batch rather than once per ban', async () => {
    const { sut, events } = cut;
    const reads = countLinkReads();
    const banOf = (productId: string, banId: string) => ({
      meta: meta(sut),
      productId,
      merchantId: 'm-burst',
      skuId: `sku-${productId}`,
      categoryCode: 'kitchen',
      cause: BanCause.BAN_CAUSE_LAB_CRITICAL,
      reasons: [{ code: 'LAB.CRITICAL_DEFECT', message: 'lead in the heating element', evidence: {}, weight: 0 }],
      banId,
      policy: { name: 'bans', version: 'test' },
      sourceRef: 'removal-1',
      bannedAt: sut.clock.now(),
    });
    try {
      // Each product banned once, and the first linked product's ban announced twice (two events, one ban).
      await Promise.all([...products.map((p) => sut.publish(ProductBannedEvent, banOf(p.productId, `ban-${p.productId}`))), sut.publish(ProductBannedEvent, banOf(LINKED[0] as string, `ban-${LINKED[0]}`))]);
      await eventually(async () => (await sut.db.bannedProduct.count({ where: { merchantId: 'm-burst' } })) === BANS, 'every ban recorded', 30_000);
      await eventually(async () => events.of(ContentPenalisedEvent).filter((e) => e.contentId.startsWith('vb-')).length >= 6, 'the six items penalised', 30_000);
      // The approvals and every ban event, the second announcement of a ban included.
      const inbox = async () => (await sut.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM inbox_events WHERE consumer = 'content_product_catalogue'`))[0]?.n ?? 0;
      await eventually(async () => (await inbox()) === BANS + BANS + 1, 'every event in the inbox', 30_000);
    } finally {
      reads.restore();
    }
    const penalised = events.of(ContentPenalisedEvent).filter((e) => e.contentId.startsWith('vb-'));
    expect(penalised.map((e) => e.contentId).sort()).toEqual(['vb-1', 'vb-2', 'vb-3', 'vb-4', 'vb-5', 'vb-6']);
    const claimed = await sut.db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM consumed_facts WHERE consumer = 'content_product_catalogue' AND fact LIKE 'ban:ban-p-burst-%'`);
    expect(claimed[0]?.n).toBe(BANS);
    // Read per batch: the bans arrive in a few batches, far fewer reads than bans.
    expect(reads.count).toBeGreaterThan(0);
    expect(reads.count).toBeLessThan(BANS / 3);
  }, 120_000);

  it('records the bans of a batch with one write per table, not one per ban', async () => {
    const { sut } = cut;
    const products = Array.from({ length: BANS }, (_, i) => `p-rows-${i}`);
    const writes = countStatements((text) => /INSERT INTO (known_products|banned_products)/.test(text));
    try {
      await Promise.all(products.map((productId) => sut.publish(ProductBannedEvent, banOfMerchant(cut, 'm-rows', productId))));
      await eventually(async () => (await sut.db.bannedProduct.count({ where: { merchantId: 'm-rows' } })) === BANS, 'every ban recorded', 30_000);
    } finally {
      writes.restore();
    }
    const rows = await sut.db.bannedProduct.findMany({ where: { merchantId: 'm-rows' }, orderBy: { productId: 'asc' } });
    expect(rows.map((r) => [r.productId, r.banId, r.cause])).toEqual(products.sort().map((p) => [p, `ban-${p}`, 'MERCHANT_REMOVED']));
    expect(await sut.db.knownProduct.count({ where: { merchantId: 'm-rows', source: 'PRODUCT_BANNED' } })).toBe(BANS);
    // Two tables, a few batches: far fewer writes than the two per ban of one ban at a time.
    expect(writes.count).toBeGreaterThan(0);
    expect(writes.count).toBeLessThan(BANS / 3);
  }, 120_000);

  it('records the rest of a batch when one ban of it cannot be written', async () => {
    const { sut } = cut;
    const products = Array.from({ length: 20 }, (_, i) => `p-poison-${i}`);
    // PostgreSQL's jsonb refuses \u0000: this ban's row can never be written, in a batch or alone.
    const poisoned = 'p-poison-7';
    await Promise.all(products.map((productId) => sut.publish(ProductBannedEvent, banOfMerchant(cut, 'm-poison', productId, productId === poisoned ? 'nul \u0000 byte' : 'merchant removed'))));
    await eventually(async () => (await sut.db.bannedProduct.count({ where: { merchantId: 'm-poison' } })) === products.length - 1, 'every other ban recorded', 30_000);
    const recorded = await sut.db.bannedProduct.findMany({ where: { merchantId: 'm-poison' }, select: { productId: true } });
    expect(recorded.map((r) => r.productId).sort()).toEqual(products.filter((p) => p !== poisoned).sort());
  }, 120_000);
});

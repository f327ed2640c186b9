import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentPenalisedEvent } from '@govern/contracts-content';
import { BanCause, ProductBannedEvent } from '@govern/contracts-product-quality';
import { approveListings, countStatements, eventually, meta, startContentForTest, type ContentUnderTest } from './testing/content-test-kit';

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
});

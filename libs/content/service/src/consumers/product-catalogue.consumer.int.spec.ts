import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BanCause, ListingAction, ListingApprovedEvent, ProductBannedEvent } from '@govern/contracts-product-quality';
import { recordPgStatements } from '@govern/platform-testing';
import { countStatements, eventually, meta, startContentForTest, type ContentUnderTest } from '../testing/content-test-kit';

/** An approval of `productId` by `merchantId`, as product-quality's listing gate announces it. */
const approvalOf = (cut: ContentUnderTest, productId: string, merchantId: string) => ({
  meta: meta(cut.sut),
  listingId: `l-${productId}-${merchantId}`,
  productId,
  merchantId,
  skuId: `sku-${productId}`,
  categoryCode: 'apparel',
  reasons: [],
  policy: { name: 'listing-gate', version: 'test' },
  evaluationId: `e-${productId}-${merchantId}`,
  action: ListingAction.LISTING_ACTION_PUBLISH,
});

const banOf = (cut: ContentUnderTest, productId: string, merchantId: string) => ({
  meta: meta(cut.sut),
  productId,
  merchantId,
  skuId: `sku-${productId}`,
  categoryCode: 'apparel',
  cause: BanCause.BAN_CAUSE_MERCHANT_REMOVED,
  reasons: [{ code: 'MERCHANT.REMOVED', message: 'merchant removed', evidence: {}, weight: 0 }],
  banId: `ban-${productId}`,
  policy: { name: 'bans', version: 'test' },
  sourceRef: `removal-${merchantId}`,
  bannedAt: cut.sut.clock.now(),
});

const APPROVALS = 60;

/**
 * A stream of ListingApproved (a merchant uploading its catalogue, issue 13): content records the
 * known products of a batch with one statement, and leaves what one approval at a time would have.
 */
describe('the product catalogue consumer, approvals', () => {
  let cut: ContentUnderTest;
  beforeAll(async () => {
    cut = await startContentForTest();
  });
  afterAll(async () => cut?.stop());

  it('records the approvals of a batch with one write, not one per approval', async () => {
    const { sut } = cut;
    const products = Array.from({ length: APPROVALS }, (_, i) => `p-approved-${i}`);
    const writes = countStatements((text) => /INSERT INTO known_products/.test(text));
    try {
      await Promise.all(products.map((productId) => sut.publish(ListingApprovedEvent, approvalOf(cut, productId, 'm-approvals'))));
      await eventually(async () => (await sut.db.knownProduct.count({ where: { merchantId: 'm-approvals' } })) === APPROVALS, 'every approval recorded', 30_000);
    } finally {
      writes.restore();
    }
    const rows = await sut.db.knownProduct.findMany({ where: { merchantId: 'm-approvals' }, orderBy: { productId: 'asc' } });
    expect(rows.map((r) => [r.productId, r.source])).toEqual([...products].sort().map((p) => [p, 'LISTING_APPROVED']));
    // A few batches: far fewer writes than one per approval (60 before).
    expect(writes.count).toBeGreaterThan(0);
    expect(writes.count).toBeLessThan(APPROVALS / 3);
  }, 120_000);

  it('handles a lone approval with its inbox row and one write of its product: no read, two round trips', async () => {
    const { sut } = cut;
    // EvaluateListing's approvals reach content a few at a time: a batch of one is the common case.
    const approval = approvalOf(cut, 'p-lone', 'm-lone');
    const statements = recordPgStatements();
    try {
      await sut.publish(ListingApprovedEvent, approval);
      await eventually(async () => (await sut.db.knownProduct.count({ where: { productId: 'p-lone' } })) === 1, 'the approval recorded', 30_000);
    } finally {
      statements.restore();
    }
    // The transaction that recorded this event in the inbox (its id among the statement's values).
    const [unit] = statements.transactions((s) => s.values.some((v) => v === approval.meta.eventId || (Array.isArray(v) && v.includes(approval.meta.eventId))));
    if (!unit) throw new Error('no transaction named the approval');
    const kinds = unit.statements.map((text) => /^(BEGIN|COMMIT)\b|^INSERT INTO \w+/.exec(text.trim())?.[0] ?? text.slice(0, 60));
    expect(kinds).toEqual(['BEGIN', 'INSERT INTO inbox_events', 'INSERT INTO known_products', 'COMMIT']);
    // BEGIN with the inbox row; the product's row with COMMIT once the inbox said the event is new.
    expect(unit.writes).toBe(2);
  }, 60_000);

  it('leaves the last approval of a product, and a ban never overrides an approval, whatever the batches', async () => {
    const { sut } = cut;
    const products = Array.from({ length: 20 }, (_, i) => `p-relisted-${i}`);
    // In stream order, per product: approved by m-first, banned, approved again by m-second (one
    // connection publishes in call order; the batches fall wherever they fall).
    const sends: Promise<unknown>[] = [];
    for (const productId of products) sends.push(sut.publish(ListingApprovedEvent, approvalOf(cut, productId, 'm-first')));
    for (const productId of products) sends.push(sut.publish(ProductBannedEvent, banOf(cut, productId, 'm-first')));
    for (const productId of products) sends.push(sut.publish(ListingApprovedEvent, approvalOf(cut, productId, 'm-second')));
    // And products banned before their first approval: the approval still makes them LISTING_APPROVED.
    const bannedFirst = Array.from({ length: 10 }, (_, i) => `p-banned-first-${i}`);
    for (const productId of bannedFirst) sends.push(sut.publish(ProductBannedEvent, banOf(cut, productId, 'm-third')));
    for (const productId of bannedFirst) sends.push(sut.publish(ListingApprovedEvent, approvalOf(cut, productId, 'm-third')));
    await Promise.all(sends);
    await eventually(async () => (await sut.db.bannedProduct.count({ where: { productId: { in: [...products, ...bannedFirst] } } })) === products.length + bannedFirst.length, 'every ban recorded', 30_000);
    await eventually(
      async () => (await sut.db.knownProduct.count({ where: { productId: { in: products }, merchantId: 'm-second' } })) === products.length,
      'the second approvals recorded',
      30_000,
    );
    await eventually(
      async () => (await sut.db.knownProduct.count({ where: { productId: { in: bannedFirst }, source: 'LISTING_APPROVED' } })) === bannedFirst.length,
      'the approvals after the bans recorded',
      30_000,
    );
    const rows = await sut.db.knownProduct.findMany({ where: { productId: { in: [...products, ...bannedFirst] } }, orderBy: { productId: 'asc' } });
    expect(rows.filter((r) => r.productId.startsWith('p-relisted-')).map((r) => [r.merchantId, r.source])).toEqual(products.map(() => ['m-second', 'LISTING_APPROVED']));
    expect(rows.filter((r) => r.productId.startsWith('p-banned-first-')).map((r) => [r.merchantId, r.source])).toEqual(bannedFirst.map(() => ['m-third', 'LISTING_APPROVED']));
  }, 120_000);
});

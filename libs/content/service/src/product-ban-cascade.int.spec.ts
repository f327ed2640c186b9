import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentPenalisedEvent, ContentTier, ContentTierChangedEvent, PenaltyAction, PenaltySource } from '@govern/contracts-content';
import { BanCause, ProductBannedEvent } from '@govern/contracts-product-quality';
import { approveListings, countStatements, eventually, startContentForTest, type ContentUnderTest } from './testing/content-test-kit';

const ITEMS = 10_000;
const BYSTANDERS = 200;
const HOT = { productId: 'p-hot', merchantId: 'm-hot' };
const OTHER = { productId: 'p-other', merchantId: 'm-other' };

/** The statements that touch content's item, link and penalty tables. */
const touched = /content_items|content_product_links|penalties|content_tier_changes/;

describe('cascade: a banned product limits every content item that links it', () => {
  let cut: ContentUnderTest;
  beforeAll(async () => {
    cut = await startContentForTest();
    await approveListings(cut, [HOT, OTHER]);
    // 10,000 published items linking the product (and 200 that do not), written as a publish would leave them.
    const at = cut.sut.clock.now();
    await cut.sut.db.$executeRawUnsafe(
      `INSERT INTO content_items (content_id, kind, creator_id, title, captions, transcript, tier, traffic_weight, created_at, updated_at)
       SELECT 'v-' || lpad(i::text, 6, '0'), 'SHORT_VIDEO', 'cr-' || (i % 700), 'Kettle review', 'How it boils', '', 'STANDARD', 1.0, $1, $1
         FROM generate_series(1, $2::int) AS i`,
      at,
      ITEMS + BYSTANDERS,
    );
    await cut.sut.db.$executeRawUnsafe(
      `INSERT INTO content_product_links (content_id, product_id, merchant_id, position, state, updated_at)
       SELECT 'v-' || lpad(i::text, 6, '0'), CASE WHEN i <= $2 THEN $3 ELSE $4 END, CASE WHEN i <= $2 THEN $5 ELSE $6 END, 0, 'ACTIVE', $1
         FROM generate_series(1, $7::int) AS i`,
      at,
      ITEMS,
      HOT.productId,
      OTHER.productId,
      HOT.merchantId,
      OTHER.merchantId,
      ITEMS + BYSTANDERS,
    );
  });
  afterAll(async () => cut?.stop());

  const drainCascade = async (done: () => boolean): Promise<void> => {
    await eventually(async () => {
      await cut.sut.runDueJobs();
      return done();
    }, 'the cascade to finish', 90_000);
  };

  it('limits 10,000 linked items with a handful of set-based statements and emits their events once', async () => {
    const { sut, events } = cut;
    const statements = countStatements((text) => touched.test(text));
    const ban = {
      meta: { eventId: randomUUID(), occurredAt: sut.clock.now(), causationId: 'lab-1', correlationId: 'lab-1' },
      productId: HOT.productId,
      merchantId: HOT.merchantId,
      skuId: 'sku-hot',
      categoryCode: 'kitchen',
      cause: BanCause.BAN_CAUSE_LAB_CRITICAL,
      reasons: [{ code: 'LAB.CRITICAL_DEFECT', message: 'lead in the heating element', evidence: {}, weight: 0 }],
      banId: 'ban-hot',
      policy: { name: 'bans', version: 'test' },
      sourceRef: 'lab-1',
      bannedAt: sut.clock.now(),
    };
    try {
      await sut.publish(ProductBannedEvent, ban);
      await drainCascade(() => events.of(ContentPenalisedEvent).length >= ITEMS);
    } finally {
      statements.restore();
    }
    // 5 batches of 2,000: a few statements each, never one per item.
    expect(statements.count).toBeLessThan(100);

    await events.waitFor(ContentTierChangedEvent, ITEMS, 60_000);
    const penalised = events.of(ContentPenalisedEvent);
    expect(new Set(penalised.map((e) => e.contentId)).size).toBe(ITEMS);
    expect(penalised.every((e) => e.action === PenaltyAction.PENALTY_ACTION_LIMITED && e.source === PenaltySource.PENALTY_SOURCE_CASCADE)).toBe(true);
    expect(penalised[0]?.reasons[0]).toMatchObject({ code: 'CONTENT.CASCADE.PRODUCT_BANNED', evidence: { product_id: HOT.productId, cause: 'LAB_CRITICAL' } });
    expect(new Set(events.of(ContentTierChangedEvent).map((e) => e.contentId)).size).toBe(ITEMS);

    const limited = await cut.client.listContentItems({ productId: HOT.productId, tier: ContentTier.CONTENT_TIER_LIMITED, pageSize: 500 });
    expect(limited.contentItems).toHaveLength(500);
    expect(limited.contentItems[0]).toMatchObject({ trafficWeight: 0.3 });
    expect(limited.contentItems[0]?.activePenaltyIds).toHaveLength(1);
    const bystanders = await cut.client.listContentItems({ productId: OTHER.productId, pageSize: 500 });
    expect(bystanders.contentItems.every((i) => i.tier === ContentTier.CONTENT_TIER_STANDARD)).toBe(true);

    // The same event delivered again (same event id) is skipped by the inbox. A listing approval
    // behind it on the same consumer shows it was handled; the outbox holds each item's events once.
    await sut.publish(ProductBannedEvent, ban);
    await approveListings(cut, [{ productId: 'p-after', merchantId: 'm-after' }]);
    const written = await sut.db.$queryRawUnsafe<{ event_type: string; n: bigint }[]>(
      `SELECT event_type, count(*) AS n FROM outbox_events WHERE event_type = ANY($1::text[]) GROUP BY event_type ORDER BY event_type`,
      [ContentPenalisedEvent.typeName, ContentTierChangedEvent.typeName],
    );
    expect(written.map((r) => [r.event_type, Number(r.n)])).toEqual([
      [ContentPenalisedEvent.typeName, ITEMS],
      [ContentTierChangedEvent.typeName, ITEMS],
    ]);
    const stats = await cut.client.getGovernanceStats({ window: { startTime: new Date(sut.clock.now().getTime() - 60_000), endTime: new Date(sut.clock.now().getTime() + 60_000) } });
    expect(stats.itemsLimited).toBe(BigInt(ITEMS));
  }, 120_000);
});

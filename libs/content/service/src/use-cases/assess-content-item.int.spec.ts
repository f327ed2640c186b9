import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentTier, ProductLinkState } from '@govern/contracts-content';
import { approveListings, startContentForTest, type ContentUnderTest } from '../testing/content-test-kit';

const CLEAN = {
  title: 'Linen shirt after ten washes',
  captions: 'I washed this linen shirt ten times: here is how the fabric and seams held up.',
  transcript: 'Hello everyone, today we look at the seams, the collar and the buttons after ten washes. '.repeat(4),
};

/**
 * Records, per pg connection, the statements the service sends and the writes they leave in: a
 * statement sent while no earlier one of the same turn of the event loop is waiting starts a new
 * write (the platform's transaction corks the socket until the turn ends), and a unit waits for one
 * round trip per write. The service runs in the test's process, so its connections are these.
 */
const recordWrites = () => {
  const original = pg.Client.prototype.query;
  const byClient = new Map<pg.Client, { text: string; write: number }[]>();
  const open = new Set<pg.Client>();
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = (typeof first === 'string' ? first : first?.text) ?? '';
    const log = byClient.get(this) ?? [];
    byClient.set(this, log);
    const write = (log.at(-1)?.write ?? 0) + (open.has(this) ? 0 : 1);
    if (!open.has(this)) {
      open.add(this);
      setImmediate(() => open.delete(this));
    }
    log.push({ text, write });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  return {
    /** The writes of the transaction that sent a statement matching `marker`, from its BEGIN to its COMMIT. */
    writesOfUnit(marker: RegExp): number {
      for (const log of byClient.values()) {
        const at = log.findIndex((s) => marker.test(s.text));
        if (at < 0) continue;
        const begin = log.slice(0, at + 1).findLastIndex((s) => s.text.startsWith('BEGIN'));
        const commit = log.findIndex((s, i) => i > at && s.text === 'COMMIT');
        const unit = log.slice(begin, commit + 1);
        return (unit.at(-1)?.write ?? 0) - (unit[0]?.write ?? 0) + 1;
      }
      throw new Error(`no statement matched ${String(marker)}`);
    },
    restore: () => {
      pg.Client.prototype.query = original;
    },
  };
};

describe('AssessVideo round trips', () => {
  let cut: ContentUnderTest;
  beforeAll(async () => {
    cut = await startContentForTest();
    await approveListings(cut, [{ productId: 'p-rt-shirt', merchantId: 'm-rt-linen' }]);
  });
  afterAll(async () => cut?.stop());

  it('waits for two round trips on a new video: the lock with every read, then the writes with COMMIT', async () => {
    const writes = recordWrites();
    try {
      const response = await cut.client.assessVideo({
        requestId: 'r-rt-clean',
        contentId: 'v-rt-clean',
        creatorId: 'cr-rt-clean',
        ...CLEAN,
        linkedProducts: [{ productId: 'p-rt-shirt', merchantId: 'm-rt-linen' }],
        mediaFingerprint: 'fp-rt-clean',
      });
      expect(response.assessment?.tier).toBe(ContentTier.CONTENT_TIER_STANDARD);
      expect(response.contentItem?.productLinks).toMatchObject([{ productId: 'p-rt-shirt', state: ProductLinkState.PRODUCT_LINK_STATE_ACTIVE }]);
      expect(response.contentItem?.activePenaltyIds).toEqual([]);
      expect(response.creatorCredit?.credit).toBe(12);
      // Seven before: the known products, the rules' facts, the writes (read back), the active
      // penalties and the answer's credit each waited for a round trip of their own.
      expect(writes.writesOfUnit(/INSERT INTO content_assessments/)).toBe(2);
    } finally {
      writes.restore();
    }
  });

  it('answers the credit the creator has after earlier penalties, read with the assessment', async () => {
    const penalised = await cut.client.assessVideo({
      requestId: 'r-rt-claim',
      contentId: 'v-rt-claim',
      creatorId: 'cr-rt-penalised',
      ...CLEAN,
      title: 'The cheapest linen shirt',
      linkedProducts: [{ productId: 'p-rt-shirt', merchantId: 'm-rt-linen' }],
      mediaFingerprint: 'fp-rt-claim',
    });
    expect(penalised.creatorCredit?.credit).toBe(6);
    const clean = await cut.client.assessVideo({
      requestId: 'r-rt-after',
      contentId: 'v-rt-after',
      creatorId: 'cr-rt-penalised',
      ...CLEAN,
      linkedProducts: [{ productId: 'p-rt-shirt', merchantId: 'm-rt-linen' }],
      mediaFingerprint: 'fp-rt-after',
    });
    expect(clean.penalties).toEqual([]);
    expect(clean.creatorCredit).toEqual((await cut.client.getCreatorCredit({ creatorId: 'cr-rt-penalised' })).creatorCredit);
    expect(clean.creatorCredit?.credit).toBe(6);
  });

  it('answers the item, its links and the assessment as stored, for a new and a re-published video', async () => {
    const request = {
      contentId: 'v-rt-again',
      creatorId: 'cr-rt-again',
      ...CLEAN,
      linkedProducts: [{ productId: 'p-rt-shirt', merchantId: 'm-rt-linen' }],
      mediaFingerprint: 'fp-rt-again',
      engagement: { views: 1_000n, likes: 70n, comments: 12n, shares: 5n, completionRate: 0.61 },
    };
    const first = await cut.client.assessVideo({ ...request, requestId: 'r-rt-again-1', title: 'The cheapest linen shirt' });
    expect(first.penalties).toHaveLength(1);
    expect(first.contentItem).toEqual((await cut.client.getContentItem({ contentId: 'v-rt-again' })).contentItem);
    // Re-published without engagement (the stored figures stay) and without its link (deleted).
    const again = await cut.client.assessVideo({ ...request, requestId: 'r-rt-again-2', captions: 'Same video, new captions.', linkedProducts: [], engagement: undefined });
    expect(again.penalties).toEqual([]);
    expect(again.contentItem?.activePenaltyIds).toEqual([first.penalties[0]?.penaltyId]);
    expect(again.contentItem?.productLinks).toEqual([]);
    expect(again.contentItem).toEqual((await cut.client.getContentItem({ contentId: 'v-rt-again' })).contentItem);
    expect(again.contentItem?.createTime).toEqual(first.contentItem?.createTime);
    expect(again.contentItem?.engagement).toEqual(first.contentItem?.engagement);
  });
});

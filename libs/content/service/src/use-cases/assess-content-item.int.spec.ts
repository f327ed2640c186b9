import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentTier, ProductLinkState } from '@govern/contracts-content';
import { recordPgStatements } from '@govern/platform-testing';
import { approveListings, startContentForTest, type ContentUnderTest } from '../testing/content-test-kit';

const CLEAN = {
  title: 'Linen shirt after ten washes',
  captions: 'I washed this linen shirt ten times: here is how the fabric and seams held up.',
  transcript: 'Hello everyone, today we look at the seams, the collar and the buttons after ten washes. '.repeat(4),
};

describe('AssessVideo round trips', () => {
  let cut: ContentUnderTest;
  beforeAll(async () => {
    cut = await startContentForTest();
    await approveListings(cut, [{ productId: 'p-rt-shirt', merchantId: 'm-rt-linen' }]);
  });
  afterAll(async () => cut?.stop());

  it('waits for two round trips on a new video: the lock with every read, then the writes with COMMIT', async () => {
    const writes = recordPgStatements();
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
      expect(writes.transactions((s) => /INSERT INTO content_assessments/.test(s.text)).map((unit) => unit.writes)).toEqual([2]);
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

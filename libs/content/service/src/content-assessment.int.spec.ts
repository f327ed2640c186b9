import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppealOutcome,
  AssessmentTrigger,
  ContentAssessedEvent,
  ContentPenalisedEvent,
  ContentTier,
  CreatorCreditChangedEvent,
  PenaltyAction,
  PenaltyState,
  ProductLinkState,
  ViolationKind,
  ViolationSeverity,
} from '@govern/contracts-content';
import { BanCause, ProductBannedEvent } from '@govern/contracts-product-quality';
import { CONTENT_POLICY } from '@govern/content-domain';
import { approveListings, eventually, meta, startContentForTest, type ContentUnderTest, errorOf } from './testing/content-test-kit';

const CLEAN = {
  title: 'Linen shirt after ten washes',
  captions: 'I washed this linen shirt ten times: here is how the fabric and seams held up.',
  transcript: 'Hello everyone, today we look at the seams, the collar and the buttons after ten washes. '.repeat(4),
};


describe('content assessment over gRPC', () => {
  let cut: ContentUnderTest;
  beforeAll(async () => {
    cut = await startContentForTest();
    await approveListings(cut, [
      { productId: 'p-shirt', merchantId: 'm-linen' },
      { productId: 'p-tea', merchantId: 'm-tea' },
      { productId: 'p-banned', merchantId: 'm-tea' },
    ]);
  });
  afterAll(async () => cut?.stop());

  it('assesses a clean video: standard tier, live links, an assessed event on NATS', async () => {
    const response = await cut.client.assessVideo({
      requestId: 'r-clean',
      contentId: 'v-clean',
      creatorId: 'cr-clean',
      ...CLEAN,
      linkedProducts: [{ productId: 'p-shirt', merchantId: 'm-linen' }],
      mediaFingerprint: 'fp-clean',
    });
    expect(response.assessment?.violations).toEqual([]);
    expect(response.assessment?.tier).toBe(ContentTier.CONTENT_TIER_STANDARD);
    expect(response.assessment?.policy).toEqual({ name: CONTENT_POLICY.name, version: CONTENT_POLICY.version });
    expect(response.assessment?.quality?.authentic?.explanation).toBeTruthy();
    expect(response.penalties).toEqual([]);
    expect(response.creatorCredit?.credit).toBe(12);
    expect(response.contentItem?.productLinks).toMatchObject([{ productId: 'p-shirt', state: ProductLinkState.PRODUCT_LINK_STATE_ACTIVE }]);

    const [assessed] = (await cut.events.waitFor(ContentAssessedEvent, 1)).filter((e) => e.contentId === 'v-clean');
    expect(assessed).toMatchObject({ creatorId: 'cr-clean', tier: ContentTier.CONTENT_TIER_STANDARD, productIds: ['p-shirt'] });

    const stored = await cut.client.getContentItem({ contentId: 'v-clean' });
    expect(stored.contentItem?.latestAssessment?.assessmentId).toBe(response.assessment?.assessmentId);
    expect(stored.contentItem?.transcriptChars).toBe(CLEAN.transcript.length);
  });

  it('rejects bad input with every violation and writes nothing', async () => {
    const details = await errorOf(
      cut.client.assessVideo({
        requestId: '',
        contentId: 'v-bad',
        creatorId: '',
        title: ' ',
        captions: '',
        transcript: '',
        linkedProducts: [
          { productId: 'p-shirt', merchantId: '' },
          { productId: 'p-shirt', merchantId: 'm-linen' },
        ],
        engagement: { views: -1n, completionRate: 1.5, likes: 0n, comments: 0n, shares: 0n },
      }),
    );
    expect(details.codeName).toBe('INVALID_ARGUMENT');
    expect(details.fieldViolations.map((v) => `${v.field}:${v.reason}`).sort()).toEqual(
      [
        'request_id:REQUIRED',
        'creator_id:REQUIRED',
        'transcript:EMPTY_CONTENT',
        'linked_products[0].merchant_id:REQUIRED',
        'linked_products[1].product_id:DUPLICATE',
        'engagement.views:OUT_OF_RANGE',
        'engagement.completion_rate:OUT_OF_RANGE',
      ].sort(),
    );

    const oversized = await errorOf(
      cut.client.assessVideo({ requestId: 'r-big', contentId: 'v-big', creatorId: 'cr-1', transcript: 'a'.repeat(CONTENT_POLICY.limits.maxTranscriptChars + 1) }),
    );
    expect(oversized.fieldViolations).toMatchObject([{ field: 'transcript', reason: 'TOO_LONG' }]);

    await expect(cut.client.getContentItem({ contentId: 'v-bad' })).rejects.toMatchObject({ code: 5 });
  });

  it('answers client mistakes with the platform reasons every service uses, and stores nothing PostgreSQL cannot hold', async () => {
    const { client } = cut;
    const fields = async (call: Promise<unknown>): Promise<string[]> => (await errorOf(call)).fieldViolations.map((v) => `${v.field}:${v.reason}`).sort();
    expect(await fields(client.assessVideo({ requestId: 'r-nul', contentId: 'v-nul\u0000', creatorId: 'cr-1', title: 'a\u0000b', linkedProducts: [{ productId: 'p\u0000', merchantId: 'm' }] }))).toEqual(
      ['content_id:CONTAINS_NUL', 'linked_products[0].product_id:CONTAINS_NUL', 'title:CONTAINS_NUL'].sort(),
    );
    expect(await fields(client.listContentItems({ tier: 99 as ContentTier, pageSize: -1, pageToken: 'not-a-token' }))).toEqual(
      ['page_size:OUT_OF_RANGE', 'page_token:INVALID_PAGE_TOKEN', 'tier:UNKNOWN_ENUM_VALUE'].sort(),
    );
    expect(await fields(client.reassessContent({ requestId: 'r-t', contentId: 'v-clean', trigger: AssessmentTrigger.ASSESSMENT_TRIGGER_APPEAL }))).toEqual(['trigger:UNSUPPORTED_VALUE']);
    expect(await fields(client.reassessContent({ requestId: 'r-t2', contentId: 'v-clean' }))).toEqual(['trigger:REQUIRED']);
    expect(await fields(client.decideAppeal({ requestId: 'r-d', appealId: 'a', reviewerId: 'rv', outcome: 42 as AppealOutcome }))).toEqual(['outcome:UNKNOWN_ENUM_VALUE']);
    expect((await client.getContentItem({ contentId: 'v-clean' })).contentItem?.contentId).toBe('v-clean');
  });

  it('pages content items with the platform keyset tokens', async () => {
    await cut.client.assessVideo({ requestId: 'r-page', contentId: 'v-page', creatorId: 'cr-page', ...CLEAN });
    const first = await cut.client.listContentItems({ pageSize: 1 });
    expect(first.contentItems).toHaveLength(1);
    expect(first.nextPageToken).not.toBe('');
    const second = await cut.client.listContentItems({ pageSize: 1, pageToken: first.nextPageToken });
    expect(second.contentItems).toHaveLength(1);
    expect(second.contentItems[0]?.contentId).not.toBe(first.contentItems[0]?.contentId);
  });

  it('answers NOT_FOUND naming the unknown products, and INVALID_ARGUMENT for a product linked with the wrong merchant', async () => {
    const unknown = await errorOf(
      cut.client.assessVideo({
        requestId: 'r-unknown',
        contentId: 'v-unknown',
        creatorId: 'cr-1',
        ...CLEAN,
        linkedProducts: [
          { productId: 'p-shirt', merchantId: 'm-linen' },
          { productId: 'p-never-listed', merchantId: 'm-linen' },
        ],
      }),
    );
    expect(unknown).toMatchObject({ codeName: 'NOT_FOUND', reason: 'CONTENT.UNKNOWN_PRODUCT' });
    expect(unknown.metadata).toMatchObject({ product_ids: 'p-never-listed', fields: 'linked_products[1].product_id' });

    const mismatch = await errorOf(
      cut.client.assessVideo({ requestId: 'r-mismatch', contentId: 'v-mismatch', creatorId: 'cr-1', ...CLEAN, linkedProducts: [{ productId: 'p-shirt', merchantId: 'm-tea' }] }),
    );
    expect(mismatch.codeName).toBe('INVALID_ARGUMENT');
    expect(mismatch.fieldViolations).toMatchObject([{ field: 'linked_products[0].merchant_id', reason: 'MERCHANT_MISMATCH' }]);
  });

  it('penalises a prohibited claim once, however often and however concurrently the request is repeated', async () => {
    const request = {
      requestId: 'r-claim',
      contentId: 'v-claim',
      creatorId: 'cr-claim',
      ...CLEAN,
      title: 'The cheapest linen shirt',
      linkedProducts: [{ productId: 'p-shirt', merchantId: 'm-linen' }],
      mediaFingerprint: 'fp-claim',
    };
    const [first, concurrent] = await Promise.all([cut.client.assessVideo(request), cut.client.assessVideo(request)]);
    const again = await cut.client.assessVideo(request);
    expect(concurrent).toEqual(first);
    expect(again).toEqual(first);

    expect(first.assessment?.violations).toMatchObject([
      { kind: ViolationKind.VIOLATION_KIND_PROHIBITED_CLAIM, severity: ViolationSeverity.VIOLATION_SEVERITY_HIGH, reason: { code: 'CONTENT.PROHIBITED_CLAIM', evidence: { field: 'title', term: 'cheapest' } } },
    ]);
    expect(first.assessment?.tier).toBe(ContentTier.CONTENT_TIER_LIMITED);
    expect(first.penalties).toMatchObject([{ action: PenaltyAction.PENALTY_ACTION_LIMITED, creditPoints: 6, state: PenaltyState.PENALTY_STATE_ACTIVE }]);
    expect(first.creatorCredit?.credit).toBe(6);

    const penalties = await cut.client.listPenalties({ creatorId: 'cr-claim' });
    expect(penalties.penalties).toHaveLength(1);
    expect((await cut.client.getCreatorCredit({ creatorId: 'cr-claim' })).creatorCredit?.credit).toBe(6);
    await cut.events.waitFor(CreatorCreditChangedEvent, 1);
    await eventually(async () => cut.events.of(ContentPenalisedEvent).some((e) => e.contentId === 'v-claim'), 'penalised event');
    expect(cut.events.of(CreatorCreditChangedEvent).filter((e) => e.creatorId === 'cr-claim')).toMatchObject([{ credit: 6, delta: -6 }]);
    expect(cut.events.of(ContentPenalisedEvent).filter((e) => e.contentId === 'v-claim')).toHaveLength(1);

    // A re-assessment finds the same claim: the tier stays capped, nothing is punished twice.
    const reassessed = await cut.client.reassessContent({ requestId: 'r-claim-again', contentId: 'v-claim', trigger: AssessmentTrigger.ASSESSMENT_TRIGGER_MANUAL, note: 'operator check' });
    expect(reassessed.assessment?.tier).toBe(ContentTier.CONTENT_TIER_LIMITED);
    expect(reassessed.penalties).toEqual([]);
    expect((await cut.client.getCreatorCredit({ creatorId: 'cr-claim' })).creatorCredit?.credit).toBe(6);

    const reused = await errorOf(cut.client.assessVideo({ ...request, title: 'Another title' }));
    expect(reused).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'REQUEST_ID.REUSED' });
  });

  it('flags a re-post of another creator’s media', async () => {
    const repost = await cut.client.assessVideo({
      requestId: 'r-repost',
      contentId: 'v-repost',
      creatorId: 'cr-copycat',
      ...CLEAN,
      linkedProducts: [{ productId: 'p-shirt', merchantId: 'm-linen' }],
      mediaFingerprint: 'fp-clean',
    });
    expect(repost.assessment?.violations).toMatchObject([
      { kind: ViolationKind.VIOLATION_KIND_REPOSTED_CONTENT, severity: ViolationSeverity.VIOLATION_SEVERITY_MEDIUM, reason: { evidence: { original_creator_id: 'cr-clean' } } },
    ]);
    expect(repost.creatorCredit?.credit).toBe(9);
  });

  it('refuses a link to a product banned upstream, from the ban event alone', async () => {
    await cut.sut.publish(ProductBannedEvent, {
      meta: meta(cut.sut),
      productId: 'p-banned',
      merchantId: 'm-tea',
      skuId: 'sku',
      categoryCode: 'tea',
      cause: BanCause.BAN_CAUSE_LAB_CRITICAL,
      reasons: [],
      banId: 'ban-1',
      policy: { name: 'bans', version: 'test' },
      sourceRef: 'lab-1',
      bannedAt: cut.sut.clock.now(),
    });
    await eventually(async () => (await cut.sut.db.bannedProduct.count({ where: { productId: 'p-banned' } })) === 1, 'ban to reach content');
    const response = await cut.client.assessVideo({
      requestId: 'r-banned-link',
      contentId: 'v-banned-link',
      creatorId: 'cr-tea',
      ...CLEAN,
      linkedProducts: [
        { productId: 'p-tea', merchantId: 'm-tea' },
        { productId: 'p-banned', merchantId: 'm-tea' },
      ],
    });
    expect(response.assessment?.violations).toMatchObject([{ kind: ViolationKind.VIOLATION_KIND_BANNED_PRODUCT_LINK, reason: { evidence: { product_id: 'p-banned' } } }]);
    expect(response.contentItem?.productLinks).toMatchObject([
      { productId: 'p-tea', state: ProductLinkState.PRODUCT_LINK_STATE_ACTIVE },
      { productId: 'p-banned', state: ProductLinkState.PRODUCT_LINK_STATE_UNLINKED, unlinkedReasonCode: 'CONTENT.LINK.BANNED_PRODUCT' },
    ]);
    expect(response.assessment?.tier).toBe(ContentTier.CONTENT_TIER_LIMITED);
    expect(response.creatorCredit?.credit).toBe(12);
  });

  it('reports its governance figures for a window, counted from the database', async () => {
    const { client, sut } = cut;
    sut.clock.set('2027-03-01T00:00:00Z');
    const window = { startTime: new Date('2027-03-01T00:00:00Z'), endTime: new Date('2027-03-01T01:00:00Z') };
    const shirt = [{ productId: 'p-shirt', merchantId: 'm-linen' }];
    await client.assessVideo({ requestId: 'r-s1', contentId: 'v-s1', creatorId: 'cr-s1', ...CLEAN, linkedProducts: shirt, mediaFingerprint: 'fp-s1' });
    const claim = await client.assessVideo({ requestId: 'r-s2', contentId: 'v-s2', creatorId: 'cr-s2', ...CLEAN, title: 'The cheapest linen shirt', linkedProducts: shirt });
    await client.assessVideo({ requestId: 'r-s3', contentId: 'v-s3', creatorId: 'cr-s3', ...CLEAN, linkedProducts: shirt, mediaFingerprint: 'fp-s1' });
    const appeal = await client.fileAppeal({ requestId: 'r-s4', penaltyId: claim.penalties[0]?.penaltyId ?? '', creatorId: 'cr-s2', statement: 'price-match guarantee' });
    await client.decideAppeal({ requestId: 'r-s5', appealId: appeal.appeal?.appealId ?? '', outcome: AppealOutcome.APPEAL_OUTCOME_OVERTURN, reviewerId: 'rev-1' });
    await client.reassessContent({ requestId: 'r-s6', contentId: 'v-s1', trigger: AssessmentTrigger.ASSESSMENT_TRIGGER_COMPLAINT, complaintId: 'cmp-s1' });

    const stats = await client.getGovernanceStats({ window });
    expect(stats).toMatchObject({
      window,
      videosAssessed: 3n,
      videosPunished: 2n,
      claimViolations: 1n,
      repostViolations: 1n,
      creditDeductions: 2n,
      itemsLimited: 1n,
      itemsBlocked: 0n,
      appealsFiled: 1n,
      appealsOverturned: 1n,
      complaintsReceived: 1n,
      livestreamsStarted: 0n,
      policy: { name: CONTENT_POLICY.name, version: CONTENT_POLICY.version },
    });

    const bad = await errorOf(client.getGovernanceStats({ window: { startTime: window.endTime, endTime: window.startTime } }));
    expect(bad.fieldViolations.map((v) => `${v.field}:${v.reason}`)).toEqual(['window.start_time:IN_FUTURE']);
    const backwards = await errorOf(client.getGovernanceStats({ window: { startTime: window.startTime, endTime: new Date(window.startTime.getTime() - 1) } }));
    expect(backwards.fieldViolations.map((v) => `${v.field}:${v.reason}`)).toEqual(['window.end_time:OUT_OF_RANGE']);
    // A time PostgreSQL cannot hold is the caller's mistake, never an INTERNAL.
    const ancient = await errorOf(client.getGovernanceStats({ window: { startTime: new Date(-70_000_000_000_000), endTime: window.endTime } }));
    expect(ancient.fieldViolations.map((v) => `${v.field}:${v.reason}`)).toEqual(['window.start_time:INVALID_TIMESTAMP']);
    expect((await errorOf(client.getGovernanceStats({}))).fieldViolations.map((v) => `${v.field}:${v.reason}`)).toEqual(['window:REQUIRED']);
  });
});

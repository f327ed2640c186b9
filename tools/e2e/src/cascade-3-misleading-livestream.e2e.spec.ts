import { ComplaintCategory, ComplaintStatus, ComplaintTargetType } from '@govern/contracts-consumer-experience';
import { AssessmentTrigger, ContentTier, CreatorStanding, LivestreamActionKind, PenaltySource, ViolationKind, type StreamLivestreamSignalsRequest } from '@govern/contracts-content';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_TRANSCRIPT, listProduct, onboardMerchant, publishVideo, type ListedProduct } from './marketplace';
import { cascadeClock, ct, cx, platform, STEP_TIMEOUT_MS, useCascadePlatform } from './cascade-platform';

/**
 * Cascade 3 of DESIGN.md, end to end (see cascade-platform.ts): a complaint about a misleading
 * livestream: re-assessment, creator credit deduction, linking suspended at the threshold.
 */

useCascadePlatform();

describe('cascade 3: a complaint about a misleading livestream → re-assessment → creator credit deduction → linking suspended at the threshold', { timeout: STEP_TIMEOUT_MS }, () => {
  const clock = cascadeClock('cascade 3');
  const creatorId = 'c3-creator';
  const livestreamId = 'c3-livestream-tea';
  let product: ListedProduct;
  let complaintId: string;
  let creditBefore: number;

  beforeAll(async () => {
    const merchant = await onboardMerchant(platform, 300);
    product = await listProduct(platform, { key: 'c3-tea', merchantId: merchant.merchantId, title: 'Wuyi rock oolong tea gift tin 250 g', priceFen: 16_800n });
    const link = { productId: product.productId, merchantId: merchant.merchantId };
    // The creator already lost 3 credit points for an earlier video ("unbeatable": a MEDIUM claim).
    const earlier = await publishVideo(platform, {
      contentId: 'c3-video-earlier',
      creatorId,
      title: 'Oolong tasting notes',
      captions: 'An unbeatable oolong for the price, brewed three ways at home.',
      transcript: CLEAN_TRANSCRIPT,
      linkedProducts: [link],
      mediaFingerprint: 'fp-c3-earlier',
    });
    creditBefore = earlier.creatorCredit?.credit ?? 12;
    expect(creditBefore).toBe(9);

    const started = await ct().startLivestream({ requestId: 'c3-live-start', livestreamId, creatorId, title: 'Evening oolong tasting', linkedProducts: [link] });
    expect(started.refusedLinks).toEqual([]);
    // On air the host makes a medical claim once: the session is only warned (no credit penalty yet).
    const signal: StreamLivestreamSignalsRequest = {
      signal: {
        livestreamId,
        clientSequence: 1n,
        observeTime: new Date(),
        transcriptSegment: { text: 'This oolong is clinically proven to keep your arteries young, buy it tonight.', startOffsetMs: 60_000n, endOffsetMs: 66_000n },
      },
    };
    const actions = [];
    for await (const response of ct().streamLivestreamSignals((async function* () {
      yield signal;
    })())) {
      actions.push(response.action);
    }
    expect(actions).toHaveLength(1);
    expect(actions[0]?.level).toBe(LivestreamActionKind.LIVESTREAM_ACTION_KIND_WARN_HOST);
    await ct().endLivestream({ requestId: 'c3-live-end', livestreamId });
    expect((await ct().getCreatorCredit({ creatorId })).creatorCredit?.credit).toBe(creditBefore);

    clock.trigger();
    const { complaint } = await cx().fileComplaint({
      requestId: 'c3-complaint',
      buyerId: 'c3-buyer-1',
      targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT,
      targetId: livestreamId,
      merchantId: merchant.merchantId,
      category: ComplaintCategory.COMPLAINT_CATEGORY_MISLEADING_CLAIM,
      text: 'The host said the tea is clinically proven to keep arteries young. That is a false medical claim.',
      evidenceRefs: ['c3-screen-recording.mp4'],
    });
    complaintId = complaint?.complaintId ?? '';
    expect(complaint).toMatchObject({ status: ComplaintStatus.COMPLAINT_STATUS_ROUTED, routedTo: 'content' });
  }, 120_000);

  it('consumer-experience: the complaint is routed to content', async () => {
    const { complaint } = await cx().getComplaint({ complaintId });
    expect(complaint).toMatchObject({ targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT, targetId: livestreamId, routedTo: 'content' });
  });

  it('content: the livestream is re-assessed because of the complaint and the claim is found', async () => {
    const item = await clock.step('content re-assesses the livestream', async () => {
      const { contentItem } = await ct().getContentItem({ contentId: livestreamId });
      return contentItem?.latestAssessment?.trigger === AssessmentTrigger.ASSESSMENT_TRIGGER_COMPLAINT ? contentItem : undefined;
    });
    expect(item.latestAssessment?.violations.map((v) => v.kind)).toContain(ViolationKind.VIOLATION_KIND_PROHIBITED_CLAIM);
    expect([ContentTier.CONTENT_TIER_LIMITED, ContentTier.CONTENT_TIER_BLOCKED]).toContain(item.tier);
  });

  it('content: the creator loses credit for it', async () => {
    const penalty = await clock.step('content deducts the creator credit', async () => {
      const { penalties } = await ct().listPenalties({ contentId: livestreamId });
      return penalties.find((p) => p.source === PenaltySource.PENALTY_SOURCE_ASSESSMENT && p.creditPoints > 0);
    });
    const { creatorCredit } = await ct().getCreatorCredit({ creatorId });
    expect(creatorCredit?.credit).toBe(creditBefore - penalty.creditPoints);
  });

  it('content: at the suspension rung the creator may no longer link products', async () => {
    const credit = await clock.step('content suspends the creator linking', async () => {
      const { creatorCredit } = await ct().getCreatorCredit({ creatorId });
      return creatorCredit?.standing === CreatorStanding.CREATOR_STANDING_LINKING_SUSPENDED ? creatorCredit : undefined;
    });
    expect(credit.credit).toBeLessThanOrEqual(4);
    expect(credit.linkingAllowed).toBe(false);
    expect(credit.linkingSuspendedUntil?.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000);
    // The suspension bites: a new livestream's product link is refused.
    const next = await ct().startLivestream({
      requestId: 'c3-live-next',
      livestreamId: 'c3-livestream-next',
      creatorId,
      title: 'Morning tea',
      linkedProducts: [{ productId: product.productId, merchantId: product.merchantId }],
    });
    expect(next.refusedLinks.map((v) => v.kind)).toContain(ViolationKind.VIOLATION_KIND_CREATOR_LINKING_SUSPENDED);
    clock.total();
  });
});

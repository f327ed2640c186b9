import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppealDecidedEvent,
  AppealOutcome,
  AppealState,
  AssessmentTrigger,
  ContentRestoredEvent,
  ContentTier,
  ContentTierChangedEvent,
  CreatorCreditChangedEvent,
  CreatorLinkingRestoredEvent,
  CreatorLinkingSuspendedEvent,
  CreatorPrivilegesRevokedEvent,
  CreatorStanding,
  CreditChangeCause,
  LinkingRestoreCause,
  PenaltyState,
  ProductLinkState,
  RestoreCause,
  ViolationKind,
  ViolationSeverity,
} from '@govern/contracts-content';
import { DAY } from '@govern/policy-core';
import { approveListings, eventually, startContentForTest, type ContentUnderTest, errorOf } from './testing/content-test-kit';

const TEXT = {
  title: 'Linen shirt after ten washes',
  captions: 'I washed this linen shirt ten times: here is how the fabric and seams held up.',
  transcript: 'Hello everyone, today we look at the seams, the collar and the buttons after ten washes. '.repeat(4),
};
const SHIRT = { productId: 'p-shirt', merchantId: 'm-linen' };


const reasonOf = (code: string) => [{ code, message: 'operator decision', evidence: { ticket: 'T-1' }, weight: 0 }];

describe('creator credit and appeals over gRPC', () => {
  let cut: ContentUnderTest;
  beforeAll(async () => {
    cut = await startContentForTest();
    await approveListings(cut, [SHIRT]);
  });
  afterAll(async () => cut?.stop());

  it('climbs the credit ladder: warned and limited at 8, linking suspended 7 days at 4, privileges revoked at 0, restored on expiry', async () => {
    const { client, sut, events } = cut;
    const before = await client.assessVideo({ requestId: 'r-l-1', contentId: 'v-ladder', creatorId: 'cr-ladder', ...TEXT, linkedProducts: [SHIRT], mediaFingerprint: 'fp-ladder' });
    expect(before.contentItem?.tier).toBe(ContentTier.CONTENT_TIER_STANDARD);

    const medium = await client.deductCreatorCredit({ requestId: 'r-d-1', creatorId: 'cr-ladder', severity: ViolationSeverity.VIOLATION_SEVERITY_MEDIUM, operatorId: 'op-1', reasons: reasonOf('MANUAL.MISLEADING') });
    expect(medium.creatorCredit).toMatchObject({ credit: 9, standing: CreatorStanding.CREATOR_STANDING_GOOD, trafficLimited: false });
    expect(medium.deduction).toMatchObject({ points: 3, severity: ViolationSeverity.VIOLATION_SEVERITY_MEDIUM });

    const high = await client.deductCreatorCredit({ requestId: 'r-d-2', creatorId: 'cr-ladder', severity: ViolationSeverity.VIOLATION_SEVERITY_HIGH, operatorId: 'op-1', reasons: reasonOf('MANUAL.FAKE_REVIEW') });
    const suspendedUntil = new Date(sut.clock.now().getTime() + 7 * DAY);
    expect(high.creatorCredit).toMatchObject({ credit: 3, standing: CreatorStanding.CREATOR_STANDING_LINKING_SUSPENDED, linkingAllowed: false, linkingSuspendedUntil: suspendedUntil });
    const [suspended] = await events.waitFor(CreatorLinkingSuspendedEvent, 1);
    expect(suspended).toMatchObject({ creatorId: 'cr-ladder', until: suspendedUntil, credit: 3 });
    // Crossing the warning rung limits the creator's existing content.
    expect((await client.getContentItem({ contentId: 'v-ladder' })).contentItem?.tier).toBe(ContentTier.CONTENT_TIER_LIMITED);
    await eventually(async () => events.of(ContentTierChangedEvent).find((e) => e.contentId === 'v-ladder' && e.tier === ContentTier.CONTENT_TIER_LIMITED), 'tier changed');

    const whileSuspended = await client.assessVideo({ requestId: 'r-l-2', contentId: 'v-ladder-2', creatorId: 'cr-ladder', ...TEXT, linkedProducts: [SHIRT] });
    expect(whileSuspended.assessment?.violations.map((v) => v.kind)).toContain(ViolationKind.VIOLATION_KIND_CREATOR_LINKING_SUSPENDED);
    expect(whileSuspended.contentItem?.productLinks).toMatchObject([{ state: ProductLinkState.PRODUCT_LINK_STATE_UNLINKED, unlinkedReasonCode: 'CONTENT.CREATOR.LINKING_SUSPENDED' }]);

    sut.clock.advance(7 * DAY);
    expect(await sut.runDueJobs()).toBeGreaterThan(0);
    const [restored] = await events.waitFor(CreatorLinkingRestoredEvent, 1);
    expect(restored).toMatchObject({ creatorId: 'cr-ladder', credit: 3, cause: LinkingRestoreCause.LINKING_RESTORE_CAUSE_SUSPENSION_ENDED });
    expect((await client.getCreatorCredit({ creatorId: 'cr-ladder' })).creatorCredit).toMatchObject({ credit: 3, linkingAllowed: true, standing: CreatorStanding.CREATOR_STANDING_WARNED });

    const critical = await client.deductCreatorCredit({ requestId: 'r-d-3', creatorId: 'cr-ladder', severity: ViolationSeverity.VIOLATION_SEVERITY_CRITICAL, operatorId: 'op-1', reasons: reasonOf('MANUAL.FRAUD') });
    expect(critical.creatorCredit).toMatchObject({ credit: 0, standing: CreatorStanding.CREATOR_STANDING_PRIVILEGES_REVOKED, privilegesRevoked: true });
    await events.waitFor(CreatorPrivilegesRevokedEvent, 1);
    const refused = await errorOf(client.startLivestream({ requestId: 'r-live-revoked', livestreamId: 'ls-revoked', creatorId: 'cr-ladder', title: 'Shirts live' }));
    expect(refused).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'CREATOR.PRIVILEGES_REVOKED' });

    sut.clock.advance(366 * DAY);
    await sut.runDueJobs();
    expect((await client.getCreatorCredit({ creatorId: 'cr-ladder' })).creatorCredit).toMatchObject({ credit: 12, standing: CreatorStanding.CREATOR_STANDING_GOOD, activeDeductions: [] });
    // The three deductions lapse at once: the credit comes back in one announced change.
    const expiry = await eventually(
      async () => events.of(CreatorCreditChangedEvent).find((e) => e.creatorId === 'cr-ladder' && e.cause === CreditChangeCause.CREDIT_CHANGE_CAUSE_EXPIRY),
      'the expiry',
    );
    expect(expiry).toMatchObject({ credit: 12, delta: 12, standing: CreatorStanding.CREATOR_STANDING_GOOD });
    expect(events.of(CreatorCreditChangedEvent).filter((e) => e.creatorId === 'cr-ladder' && e.cause === CreditChangeCause.CREDIT_CHANGE_CAUSE_EXPIRY)).toHaveLength(1);
  });

  it('rejects a bad manual deduction with every violation, and NOT_FOUND for an unknown item', async () => {
    const bad = await errorOf(cut.client.deductCreatorCredit({ requestId: 'r-bad-d', creatorId: 'cr-x', severity: ViolationSeverity.VIOLATION_SEVERITY_UNSPECIFIED, reasons: [] }));
    expect(bad.fieldViolations.map((v) => `${v.field}:${v.reason}`).sort()).toEqual(['operator_id:REQUIRED', 'reasons:REQUIRED', 'severity:REQUIRED']);
    const unknown = await errorOf(
      cut.client.deductCreatorCredit({ requestId: 'r-unknown-d', creatorId: 'cr-x', severity: ViolationSeverity.VIOLATION_SEVERITY_LOW, operatorId: 'op', contentId: 'v-none', reasons: reasonOf('X') }),
    );
    expect(unknown).toMatchObject({ codeName: 'NOT_FOUND', reason: 'CONTENT.NOT_FOUND' });
  });

  it('overturns a penalty on appeal: tier, credit and links come back, and the claim no longer counts for the item', async () => {
    const { client, events } = cut;
    const published = await client.assessVideo({ requestId: 'r-a-1', contentId: 'v-appeal', creatorId: 'cr-appeal', ...TEXT, title: 'The cheapest linen shirt', linkedProducts: [SHIRT], mediaFingerprint: 'fp-appeal' });
    const penaltyId = published.penalties[0]?.penaltyId ?? '';
    expect(published.contentItem?.tier).toBe(ContentTier.CONTENT_TIER_LIMITED);
    expect(published.creatorCredit?.credit).toBe(6);

    expect(await errorOf(client.fileAppeal({ requestId: 'r-a-x', penaltyId, creatorId: 'cr-other', statement: 'not mine' }))).toMatchObject({
      codeName: 'PERMISSION_DENIED',
      reason: 'APPEAL.NOT_PENALISED_CREATOR',
    });
    expect(await errorOf(client.fileAppeal({ requestId: 'r-a-y', penaltyId: 'pen-none', creatorId: 'cr-appeal', statement: 'x' }))).toMatchObject({ codeName: 'NOT_FOUND' });
    const filed = await client.fileAppeal({ requestId: 'r-a-2', penaltyId, creatorId: 'cr-appeal', statement: '"Cheapest" is the price-match guarantee of the shop, documented.', evidenceRefs: ['s3://evidence/price-match.pdf'] });
    expect(filed.appeal).toMatchObject({ state: AppealState.APPEAL_STATE_PENDING, evidenceRefs: ['s3://evidence/price-match.pdf'] });
    expect(await errorOf(client.fileAppeal({ requestId: 'r-a-3', penaltyId, creatorId: 'cr-appeal', statement: 'again' }))).toMatchObject({ reason: 'APPEAL.ALREADY_PENDING' });
    const queue = await client.listAppeals({ state: AppealState.APPEAL_STATE_PENDING });
    expect(queue.appeals.map((a) => a.appealId)).toContain(filed.appeal?.appealId);

    expect((await client.getAppeal({ appealId: filed.appeal?.appealId ?? '' })).appeal).toEqual(filed.appeal);
    const decided = await client.decideAppeal({ requestId: 'r-a-4', appealId: filed.appeal?.appealId ?? '', outcome: AppealOutcome.APPEAL_OUTCOME_OVERTURN, reviewerId: 'rev-1', note: 'price-match documented' });
    expect((await client.getAppeal({ appealId: filed.appeal?.appealId ?? '' })).appeal).toEqual(decided.appeal);
    expect(decided.appeal).toMatchObject({ reviewerId: 'rev-1', decisionNote: 'price-match documented' });
    expect(await errorOf(client.getAppeal({ appealId: 'appeal-none' }))).toMatchObject({ codeName: 'NOT_FOUND', reason: 'APPEAL.NOT_FOUND' });
    expect((await errorOf(client.getAppeal({ appealId: '' }))).fieldViolations.map((v) => `${v.field}:${v.reason}`)).toEqual(['appeal_id:REQUIRED']);
    expect(decided.appeal?.state).toBe(AppealState.APPEAL_STATE_OVERTURNED);
    expect(decided.penalty?.state).toBe(PenaltyState.PENALTY_STATE_OVERTURNED);
    expect(decided.contentItem?.tier).toBe(ContentTier.CONTENT_TIER_STANDARD);
    expect(decided.contentItem?.activePenaltyIds).toEqual([]);
    expect(decided.creatorCredit?.credit).toBe(12);
    const restored = await eventually(async () => events.of(ContentRestoredEvent).find((e) => e.contentId === 'v-appeal'), 'restored event');
    expect(restored).toMatchObject({ penaltyId, cause: RestoreCause.RESTORE_CAUSE_APPEAL_OVERTURNED, tier: ContentTier.CONTENT_TIER_STANDARD });
    await eventually(async () => events.of(AppealDecidedEvent).find((e) => e.penaltyId === penaltyId), 'appeal decided event');
    await eventually(
      async () => events.of(CreatorCreditChangedEvent).find((e) => e.creatorId === 'cr-appeal' && e.cause === CreditChangeCause.CREDIT_CHANGE_CAUSE_APPEAL_OVERTURNED && e.delta === 6),
      'credit restored event',
    );

    expect(
      await errorOf(client.decideAppeal({ requestId: 'r-a-5', appealId: filed.appeal?.appealId ?? '', outcome: AppealOutcome.APPEAL_OUTCOME_UPHOLD, reviewerId: 'rev-2' })),
    ).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'APPEAL.ALREADY_DECIDED' });

    const again = await client.reassessContent({ requestId: 'r-a-6', contentId: 'v-appeal', trigger: AssessmentTrigger.ASSESSMENT_TRIGGER_MANUAL });
    expect(again.assessment?.violations).toEqual([]);
    expect(again.assessment?.reasons.map((r) => r.code)).toContain('CONTENT.VIOLATION_WAIVED');
    expect(again.penalties).toEqual([]);
  });

  it('closes the appeal window after 7 days', async () => {
    const { client, sut } = cut;
    const published = await client.assessVideo({ requestId: 'r-w-1', contentId: 'v-window', creatorId: 'cr-window', ...TEXT, title: 'The cheapest linen shirt', linkedProducts: [SHIRT] });
    sut.clock.advance(7 * DAY + 1_000);
    const late = await errorOf(client.fileAppeal({ requestId: 'r-w-2', penaltyId: published.penalties[0]?.penaltyId ?? '', creatorId: 'cr-window', statement: 'late' }));
    expect(late).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'APPEAL.WINDOW_CLOSED' });
  });

  it('answers a retried appeal with its first answer, even once the window has closed (retries are answered before time checks)', async () => {
    const { client, sut } = cut;
    const published = await client.assessVideo({ requestId: 'r-w-3', contentId: 'v-window-retry', creatorId: 'cr-window-retry', ...TEXT, title: 'The cheapest linen shirt', linkedProducts: [SHIRT] });
    const appeal = { requestId: 'r-w-4', penaltyId: published.penalties[0]?.penaltyId ?? '', creatorId: 'cr-window-retry', statement: 'in time' };
    const first = await client.fileAppeal(appeal);
    sut.clock.advance(7 * DAY + 1_000);
    expect(await client.fileAppeal(appeal)).toEqual(first);
    expect(await sut.db.appeal.count({ where: { penaltyId: appeal.penaltyId } })).toBe(1);
    // Another request for the same penalty is a new request: refused now.
    expect(await errorOf(client.fileAppeal({ ...appeal, requestId: 'r-w-5' }))).toMatchObject({ codeName: 'FAILED_PRECONDITION' });
  });
});

import { AppealDecision, AppealStatus, MerchantAccessServiceDefinition, MerchantAppealDecidedEvent, MerchantReinstatedEvent, MerchantRemovedEvent, MerchantSanctionedEvent, MerchantStatus, MerchantViolationRecordedEvent, ReinstatementCause, SanctionKind, ViolationSource, ViolationStatus, ViolationType, type RecordViolationRequest } from '@govern/contracts-merchant-access';
import { DefectClass, InspectionFailed, InspectionFailedEvent, ListingRejected, ListingRejectedEvent } from '@govern/contracts-product-quality';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { type ServiceClient } from '@govern/platform-grpc';
import { type EventCollector, type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { DAY, HOUR } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { failureOf, onboardMerchant, startMerchantAccessForTest } from './testing/service';

describe('merchant-access violations, sanctions and appeals over gRPC', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof MerchantAccessServiceDefinition>;
  let events: EventCollector;
  useForSuite(startMerchantAccessForTest, (ma) => ({ sut, client, events } = ma));

  const onboard = (seed: number): Promise<string> => onboardMerchant(client, seed);

  const violation = (requestId: string, merchantId: string, type: ViolationType, extra: Partial<RecordViolationRequest> = {}): RecordViolationRequest => ({
    requestId,
    merchantId,
    type,
    source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
    sourceRef: '',
    productId: '',
    description: '',
    evidence: {},
    ...extra,
  });

  const inspectionFailed = (eventId: string, merchantId: string): InspectionFailed =>
    InspectionFailed.fromPartial({
      meta: { eventId, occurredAt: sut.clock.now(), causationId: eventId, correlationId: eventId },
      resultId: `lab-${eventId}`,
      productId: `product-${eventId}`,
      merchantId,
      criticalDefects: 1,
      severity: DefectClass.DEFECT_CLASS_CRITICAL,
      reportRef: `report-${eventId}`,
    });

  it('removes a merchant at 48 points, and exactly one MerchantRemoved reaches the stream', async () => {
    const merchantId = await onboard(100);
    // 12 + 12 through product-quality's events (one delivered twice), 12 + 12 through the RPC.
    await sut.publish(InspectionFailedEvent, inspectionFailed('lab-event-1', merchantId));
    await sut.publish(InspectionFailedEvent, inspectionFailed('lab-event-1', merchantId));
    await sut.publish(InspectionFailedEvent, inspectionFailed('lab-event-2', merchantId));
    await expect.poll(async () => (await client.getMerchantStanding({ merchantId })).standing?.activePoints, { timeout: 10_000 }).toBe(24);
    const third = await client.recordViolation(violation('critical-3', merchantId, ViolationType.VIOLATION_TYPE_CRITICAL_INSPECTION_FAILURE));
    expect(third.standing).toMatchObject({ activePoints: 36, status: MerchantStatus.MERCHANT_STATUS_SUSPENDED });
    const fourth = await client.recordViolation(violation('critical-4', merchantId, ViolationType.VIOLATION_TYPE_CRITICAL_INSPECTION_FAILURE));
    expect(fourth).toMatchObject({ removed: true, depositForfeited: false, sanction: { kind: SanctionKind.SANCTION_KIND_REMOVED } });
    expect(fourth.standing).toMatchObject({ status: MerchantStatus.MERCHANT_STATUS_REMOVED, canList: false, canSell: false, activePoints: 48 });

    // Another violation after removal is kept on record and removes nothing again.
    const after = await client.recordViolation(violation('late-after-removal', merchantId, ViolationType.VIOLATION_TYPE_LATE_DISPATCH));
    expect(after.removed).toBe(false);
    await expect
      .poll(() => events.of(MerchantViolationRecordedEvent).filter((e) => e.merchantId === merchantId).length, { timeout: 10_000 })
      .toBe(5);
    expect(events.of(MerchantRemovedEvent).filter((e) => e.merchantId === merchantId)).toMatchObject([
      { zeroTolerance: false, depositForfeited: false, sanctionId: fourth.sanction?.sanctionId },
    ]);
    const ladder = events.of(MerchantSanctionedEvent).filter((e) => e.merchantId === merchantId);
    expect(ladder.map((e) => [e.kind, e.activePoints])).toEqual([
      [SanctionKind.SANCTION_KIND_LISTING_RESTRICTED, 12],
      [SanctionKind.SANCTION_KIND_SUSPENDED, 24],
      [SanctionKind.SANCTION_KIND_SUSPENDED, 36],
    ]);
  });

  it('records a violation once per request_id, with the same answer', async () => {
    const merchantId = await onboard(110);
    const request = violation('claim-once', merchantId, ViolationType.VIOLATION_TYPE_PROHIBITED_CLAIM, { description: '"No.1" in the title' });
    const [first, second] = await Promise.all([client.recordViolation(request), client.recordViolation(request)]);
    expect(second).toEqual(first);
    const listed = await client.listViolations({ merchantId, pageSize: 10, pageToken: '', status: ViolationStatus.VIOLATION_STATUS_ACTIVE });
    expect(listed.violations).toHaveLength(1);
    expect((await client.getMerchantStanding({ merchantId })).standing?.activePoints).toBe(3);
  });

  it('records a three-no listing rejection from product-quality as points, and ignores other rejections', async () => {
    const merchantId = await onboard(120);
    const meta = (eventId: string) => ({ eventId, occurredAt: sut.clock.now(), causationId: eventId, correlationId: eventId });
    await sut.publish(ListingRejectedEvent, ListingRejected.fromPartial({ meta: meta('listing-claim'), merchantId, listingId: 'l-0', threeNo: false }));
    await sut.publish(ListingRejectedEvent, ListingRejected.fromPartial({ meta: meta('listing-3no'), merchantId, listingId: 'l-1', productId: 'p-1', threeNo: true }));
    await expect.poll(async () => (await client.getMerchantStanding({ merchantId })).standing?.activePoints, { timeout: 10_000 }).toBe(6);
    const listed = await client.listViolations({ merchantId, pageSize: 10, pageToken: '', status: 0 });
    expect(listed.violations).toMatchObject([
      { type: ViolationType.VIOLATION_TYPE_THREE_NO_LISTING, points: 6, source: ViolationSource.VIOLATION_SOURCE_PRODUCT_QUALITY, sourceRef: 'three-no-listing:l-1', productId: 'p-1', evidence: { listing_id: 'l-1' } },
    ]);
  });

  it('adds no points again for the same three-no listing re-submitted, or the same lab result announced again', async () => {
    const merchantId = await onboard(125);
    const meta = (eventId: string) => ({ eventId, occurredAt: sut.clock.now(), causationId: eventId, correlationId: eventId });
    const threeNo = (eventId: string, listingId: string) =>
      ListingRejected.fromPartial({ meta: meta(eventId), merchantId, listingId, productId: `p-${listingId}`, threeNo: true });
    // Each re-submission is a new evaluation with its own event; the listing is the same fact.
    await sut.publish(ListingRejectedEvent, threeNo('resubmit-1', 'l-9'));
    await sut.publish(ListingRejectedEvent, threeNo('resubmit-2', 'l-9'));
    await sut.publish(InspectionFailedEvent, { ...inspectionFailed('lab-a', merchantId), resultId: 'lab-result-9' });
    await sut.publish(InspectionFailedEvent, { ...inspectionFailed('lab-b', merchantId), resultId: 'lab-result-9' });
    // A different listing afterwards: when its points are in, the repeats before it were handled.
    await sut.publish(ListingRejectedEvent, threeNo('other-listing', 'l-10'));
    await expect.poll(async () => (await client.listViolations({ merchantId, pageSize: 10, pageToken: '', status: 0 })).violations.length, { timeout: 10_000 }).toBe(3);
    const listed = await client.listViolations({ merchantId, pageSize: 10, pageToken: '', status: 0 });
    expect(listed.violations.map((v) => v.sourceRef).sort()).toEqual(['inspection-result:lab-result-9', 'three-no-listing:l-10', 'three-no-listing:l-9']);
    expect((await client.getMerchantStanding({ merchantId })).standing?.activePoints).toBe(24);
  });

  it('ends a sanction by itself when its time is up, and lets points expire after 365 days', async () => {
    const merchantId = await onboard(130);
    const recorded = await client.recordViolation(violation('restrict-130', merchantId, ViolationType.VIOLATION_TYPE_CRITICAL_INSPECTION_FAILURE));
    expect(recorded.sanction).toMatchObject({ kind: SanctionKind.SANCTION_KIND_LISTING_RESTRICTED });
    expect(recorded.standing).toMatchObject({ status: MerchantStatus.MERCHANT_STATUS_LISTING_RESTRICTED, canList: false, canSell: true });

    sut.clock.advance(7 * DAY);
    await sut.runDueJobs();
    const standing = (await client.getMerchantStanding({ merchantId })).standing;
    expect(standing).toMatchObject({ status: MerchantStatus.MERCHANT_STATUS_ACTIVE, canList: true, activePoints: 12 });
    await expect
      .poll(() => events.of(MerchantReinstatedEvent).find((e) => e.sanctionId === recorded.sanction?.sanctionId), { timeout: 10_000 })
      .toMatchObject({ merchantId, cause: ReinstatementCause.REINSTATEMENT_CAUSE_EXPIRED, status: MerchantStatus.MERCHANT_STATUS_ACTIVE });
    expect((await client.listMerchants({ pageSize: 500, pageToken: '', status: MerchantStatus.MERCHANT_STATUS_ACTIVE })).merchants.map((m) => m.merchantId)).toContain(merchantId);

    sut.clock.advance(358 * DAY + HOUR);
    const later = await client.batchGetMerchantStandings({ merchantIds: [merchantId, 'no-such-merchant'] });
    expect(later.standings).toMatchObject([{ merchantId, activePoints: 0 }]);
    expect(later.missingMerchantIds).toEqual(['no-such-merchant']);
    const expired = await client.listViolations({ merchantId, pageSize: 10, pageToken: '', status: ViolationStatus.VIOLATION_STATUS_EXPIRED });
    expect(expired.violations).toHaveLength(1);
  });

  it('removes at once for a zero-tolerance violation and forfeits the deposit', async () => {
    const merchantId = await onboard(140);
    const removed = await client.recordViolation(violation('fraud-140', merchantId, ViolationType.VIOLATION_TYPE_FRAUD, { description: 'fake orders' }));
    expect(removed).toMatchObject({ removed: true, depositForfeited: true, sanction: { kind: SanctionKind.SANCTION_KIND_REMOVED } });
    expect(removed.reasons.map((r) => r.code)).toContain('MERCHANT.VIOLATION.ZERO_TOLERANCE');
    await expect
      .poll(() => events.of(MerchantRemovedEvent).find((e) => e.merchantId === merchantId), { timeout: 10_000 })
      .toMatchObject({ zeroTolerance: true, depositForfeited: true, depositForfeitedFen: 200_000n });
    expect((await client.getMerchant({ merchantId })).merchant?.removedAt).toBeDefined();
  });

  it('overturns a violation on appeal: points restored, the sanction lifted, events published', async () => {
    const merchantId = await onboard(150);
    const recorded = await client.recordViolation(violation('restrict-150', merchantId, ViolationType.VIOLATION_TYPE_CRITICAL_INSPECTION_FAILURE));
    const violationId = recorded.violation?.violationId ?? '';
    const filed = await client.fileAppeal({ requestId: 'appeal-150', violationId, merchantId, statement: 'the sample was not ours', evidenceRefs: ['receipt-1'] });
    expect(filed.appeal).toMatchObject({ status: AppealStatus.APPEAL_STATUS_PENDING });
    const again = await failureOf(client.fileAppeal({ requestId: 'appeal-150-again', violationId, merchantId, statement: 'again', evidenceRefs: [] }));
    expect(again).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'APPEAL.ALREADY_FILED' });

    const caseId = filed.reviewCase?.caseId ?? '';
    await client.claimReviewCase({ requestId: 'claim-appeal-150', caseId, reviewerId: 'reviewer-c' });
    const decided = await client.decideAppeal({
      requestId: 'decide-appeal-150',
      appealId: filed.appeal?.appealId ?? '',
      reviewerId: 'reviewer-c',
      decision: AppealDecision.APPEAL_DECISION_OVERTURN,
      note: 'lab mixed up two samples',
    });
    expect(filed.appeal?.reviewerId).toBe('');
    expect(decided.appeal).toMatchObject({ status: AppealStatus.APPEAL_STATUS_OVERTURNED, restoredPoints: 12, liftedSanctionIds: [recorded.sanction?.sanctionId], reviewerId: 'reviewer-c' });
    expect((await client.getAppeal({ appealId: filed.appeal?.appealId ?? '' })).appeal?.reviewerId).toBe('reviewer-c');
    expect(decided.standing).toMatchObject({ status: MerchantStatus.MERCHANT_STATUS_ACTIVE, activePoints: 0, canList: true });
    await expect
      .poll(() => events.of(MerchantReinstatedEvent).find((e) => e.appealId === filed.appeal?.appealId), { timeout: 10_000 })
      .toMatchObject({ cause: ReinstatementCause.REINSTATEMENT_CAUSE_APPEAL_OVERTURNED, sanctionId: recorded.sanction?.sanctionId });
    await expect.poll(() => events.of(MerchantAppealDecidedEvent).find((e) => e.appealId === filed.appeal?.appealId), { timeout: 10_000 }).toBeDefined();
    const listed = await client.listViolations({ merchantId, pageSize: 10, pageToken: '', status: ViolationStatus.VIOLATION_STATUS_OVERTURNED });
    expect(listed.violations.map((v) => v.violationId)).toEqual([violationId]);

    // The lifted sanction's timer finds nothing to end.
    sut.clock.advance(8 * DAY);
    await sut.runDueJobs();
    expect(events.of(MerchantReinstatedEvent).filter((e) => e.sanctionId === recorded.sanction?.sanctionId)).toHaveLength(1);
  });

  it('refuses an appeal filed more than 7 days after the violation', async () => {
    const merchantId = await onboard(160);
    const recorded = await client.recordViolation(violation('late-appeal-160', merchantId, ViolationType.VIOLATION_TYPE_FAKE_SHIPMENT));
    sut.clock.advance(7 * DAY + HOUR);
    const late = await failureOf(
      client.fileAppeal({ requestId: 'appeal-160', violationId: recorded.violation?.violationId ?? '', merchantId, statement: 'late', evidenceRefs: [] }),
    );
    expect(late).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'APPEAL.WINDOW_CLOSED' });
  });

  it('refuses bad violations with every field violation, and unknown merchants with NOT_FOUND', async () => {
    const merchantId = await onboard(170);
    const bad = await failureOf(
      client.recordViolation({
        ...violation('', '', ViolationType.VIOLATION_TYPE_UNSPECIFIED),
        source: ViolationSource.VIOLATION_SOURCE_UNSPECIFIED,
        occurredAt: new Date(sut.clock.now().getTime() + DAY),
        description: 'x'.repeat(2001),
        evidence: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])),
      }),
    );
    expect(bad.codeName).toBe('INVALID_ARGUMENT');
    expect(bad.fieldViolations.map((f) => [f.field, f.reason])).toEqual([
      ['request_id', 'REQUIRED'],
      ['merchant_id', 'REQUIRED'],
      ['type', 'REQUIRED'],
      ['source', 'REQUIRED'],
      ['occurred_at', 'IN_FUTURE'],
      ['description', 'TOO_LONG'],
      ['evidence', 'TOO_MANY_ITEMS'],
    ]);
    expect((await client.listViolations({ merchantId, pageSize: 10, pageToken: '', status: 0 })).violations).toHaveLength(0);
    const unknown = await failureOf(client.recordViolation(violation('unknown-merchant', 'no-such-merchant', ViolationType.VIOLATION_TYPE_OTHER, { description: 'x' })));
    expect(unknown).toMatchObject({ codeName: 'NOT_FOUND', reason: 'MERCHANT.NOT_FOUND' });
    const tooMany = await failureOf(client.batchGetMerchantStandings({ merchantIds: Array.from({ length: 501 }, (_, i) => `m-${i}`) }));
    expect(tooMany.fieldViolations).toMatchObject([{ field: 'merchant_ids', reason: 'TOO_MANY_ITEMS' }]);
  });
});

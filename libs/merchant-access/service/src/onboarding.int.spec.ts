import { ApplicationStatus, IdentifierKind, MerchantAccessServiceDefinition, MerchantApplicationRejectedEvent, MerchantOnboardedEvent, MerchantRemovedEvent, MerchantReviewOpenedEvent, MerchantStatus, ReviewCaseStatus, ReviewDecision, RiskBand, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { type ServiceClient } from '@govern/platform-grpc';
import { type EventCollector, type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { HOUR } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { failureOf, startMerchantAccessForTest } from './testing/service';
import { syntheticIdentity } from '@govern/platform-testing';
import { applicationInput, reviewBandCategories, withBankAccount } from './testing/applications';

/** Everything a value carries, as text (bigints included), to look for numbers in clear. */
const textOf = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

describe('merchant-access onboarding over gRPC', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof MerchantAccessServiceDefinition>;
  let events: EventCollector;
  useForSuite(startMerchantAccessForTest, (ma) => ({ sut, client, events } = ma));

  const receivedApplications = async (): Promise<bigint> => {
    const stats = await client.getGovernanceStats({ window: { startTime: new Date(0), endTime: new Date('2100-01-01T00:00:00Z') } });
    return stats.applicationsReceived;
  };

  it('approves a clean application with the standard terms and publishes MerchantOnboarded', async () => {
    const { application, merchant } = await client.submitApplication({ requestId: 'submit-clean-1', application: applicationInput(1) });
    expect(application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_APPROVED);
    expect(application?.decision).toMatchObject({ riskScore: 0, band: RiskBand.RISK_BAND_APPROVE, policy: { name: 'merchant-onboarding' } });
    expect(application?.decision?.restrictions).toMatchObject({ listingQuota: 0, depositFen: 200_000n, approvedCategoryCodes: ['general'] });
    // identity numbers only ever come back masked
    expect(application?.businessLicenceCodeMasked).toMatch(/^9135\*+\w{3}$/);
    expect(application?.bankAccountMasked).toMatch(/^\*\*\*\* \d{4}$/);
    expect(textOf(application)).not.toContain(syntheticIdentity(1).bankCard);
    expect(merchant?.standing).toMatchObject({ status: MerchantStatus.MERCHANT_STATUS_ACTIVE, canList: true, canSell: true, activePoints: 0 });
    expect(merchant).toMatchObject({ storeExperienceScore: 4, affiliateEligible: true });

    const onboarded = await events.waitFor(MerchantOnboardedEvent, 1);
    expect(onboarded[0]).toMatchObject({ merchantId: merchant?.merchantId, applicationId: application?.applicationId, band: RiskBand.RISK_BAND_APPROVE });
  });

  it('rejects an application sharing a bank account with a removed merchant, the link as evidence', async () => {
    const first = await client.submitApplication({ requestId: 'submit-ring-origin', application: applicationInput(10) });
    const removedId = first.merchant?.merchantId ?? '';
    const removal = await client.recordViolation({
      requestId: 'counterfeit-ring-origin',
      merchantId: removedId,
      type: ViolationType.VIOLATION_TYPE_COUNTERFEIT,
      source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
      sourceRef: 'case-77',
      productId: 'p-1',
      description: 'counterfeit handbags confirmed by the brand owner',
      evidence: { brand_report: 'br-1' },
    });
    expect(removal).toMatchObject({ removed: true, depositForfeited: true });
    await events.waitFor(MerchantRemovedEvent, 1);

    // Everything else differs: only the settlement account is the removed merchant's.
    const sharedAccount = applicationInput(10).bankAccount?.accountNumber ?? '';
    const spaced = sharedAccount.replace(/(\d{4})/g, '$1 ');
    const input = applicationInput(11);
    const { application, merchant } = await client.submitApplication({
      requestId: 'submit-ring-applicant',
      application: withBankAccount(input, { accountNumber: spaced }),
    });
    expect(merchant).toBeUndefined();
    expect(application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_REJECTED);
    expect(application?.decision).toMatchObject({ riskScore: 100, band: RiskBand.RISK_BAND_REJECT });
    const ringReason = application?.decision?.reasons.find((r) => r.code === 'MERCHANT.RISK.RING_REMOVED');
    expect(ringReason?.evidence).toMatchObject({ merchant_id: removedId, hops: '1', identifier_kinds: 'BANK_ACCOUNT' });
    expect(ringReason?.evidence['path']).toContain(`-> ${removedId} (REMOVED)`);
    expect(application?.decision?.ringLinks[0]).toMatchObject({
      merchantId: removedId,
      merchantStatus: MerchantStatus.MERCHANT_STATUS_REMOVED,
      path: [{ identifierKind: IdentifierKind.IDENTIFIER_KIND_BANK_ACCOUNT, merchantId: removedId }],
    });
    expect(textOf(application)).not.toContain(sharedAccount);

    const rejected = (await events.waitFor(MerchantApplicationRejectedEvent, 1)).find((e) => e.applicationId === application?.applicationId);
    expect(rejected).toMatchObject({ ringLink: true, riskScore: 100 });

    const check = await client.checkIdentifierLinks({ identifiers: [{ kind: IdentifierKind.IDENTIFIER_KIND_BANK_ACCOUNT, value: sharedAccount }], excludeMerchantId: '' });
    expect(check).toMatchObject({ linkedToRemoved: true, links: [{ merchantId: removedId }] });
  });

  it('answers a repeated request_id with the first answer and changes state once', async () => {
    const before = await receivedApplications();
    const request = { requestId: 'submit-twice', application: applicationInput(20) };
    const first = await client.submitApplication(request);
    const [again, concurrent] = await Promise.all([client.submitApplication(request), client.submitApplication(request)]);
    expect(again).toEqual(first);
    expect(concurrent).toEqual(first);
    expect(await receivedApplications()).toBe(before + 1n);
    const merchants = await client.listMerchants({ pageSize: 500, pageToken: '', status: 0 });
    expect(merchants.merchants.filter((m) => m.applicationId === first.application?.applicationId)).toHaveLength(1);

    const reused = await failureOf(client.submitApplication({ requestId: 'submit-twice', application: applicationInput(21) }));
    expect(reused).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'REQUEST_ID.REUSED' });
  });

  it('refuses bad input with every field violation and writes nothing', async () => {
    const before = await receivedApplications();
    const good = applicationInput(30);
    const bad = {
      ...good,
      companyName: '',
      businessLicenceCode: '91350100M000100Y44',
      legalRepresentative: undefined,
      categoryCodes: ['general', 'firearms'],
      deviceIds: Array.from({ length: 21 }, (_, i) => `d-${i}`),
      registeredCapitalFen: -5n,
    };
    const failure = await failureOf(client.submitApplication({ requestId: 'submit-bad', application: bad }));
    expect(failure.codeName).toBe('INVALID_ARGUMENT');
    expect(failure.fieldViolations.map((f) => [f.field, f.reason])).toEqual([
      ['application.company_name', 'REQUIRED'],
      ['application.business_licence_code', 'CHECK_DIGIT_MISMATCH'],
      ['application.legal_representative.name', 'REQUIRED'],
      ['application.legal_representative.id_number', 'REQUIRED'],
      ['application.device_ids', 'TOO_MANY_ITEMS'],
      ['application.category_codes[1]', 'UNKNOWN_CATEGORY'],
      ['application.registered_capital_fen', 'OUT_OF_RANGE'],
    ]);
    const missing = await failureOf(client.submitApplication({ requestId: '', application: undefined }));
    expect(missing.fieldViolations.map((f) => f.field)).toEqual(['request_id', 'application']);
    expect(await receivedApplications()).toBe(before);
    // The request_id was not used up by the refused call.
    const accepted = await client.submitApplication({ requestId: 'submit-bad', application: good });
    expect(accepted.application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_APPROVED);
  });

  it('approves a 40-69 application with a listing quota and a higher deposit', async () => {
    const input = applicationInput(40, { categoryCodes: ['general', 'cosmetics'] });
    const { application, merchant } = await client.submitApplication({
      requestId: 'submit-restricted',
      application: withBankAccount(input, { accountHolder: '王五' }),
    });
    expect(application?.decision).toMatchObject({ riskScore: 50, band: RiskBand.RISK_BAND_APPROVE_WITH_RESTRICTIONS });
    expect(application?.decision?.reasons.map((r) => [r.code, r.weight])).toEqual(
      expect.arrayContaining([
        ['MERCHANT.RISK.MISSING_QUALIFICATION', 20],
        ['MERCHANT.RISK.HIGH_RISK_CATEGORY', 10],
        ['MERCHANT.RISK.BANK_HOLDER_MISMATCH', 20],
      ]),
    );
    expect(merchant?.restrictions).toMatchObject({ listingQuota: 50, depositFen: 400_000n, approvedCategoryCodes: ['general'] });
  });

  it('keeps identity numbers out of its database and its events: hashes and masks only', async () => {
    const tables = ['applications', 'application_identifiers', 'merchants', 'ring_graph_entries', 'review_cases'];
    const stored = await Promise.all(tables.map((t) => sut.db.$queryRawUnsafe<unknown[]>(`SELECT * FROM ${t}`)));
    const outbox = await sut.db.$queryRawUnsafe<{ payload: Uint8Array }[]>(`SELECT payload FROM outbox_events`);
    const everything = textOf(stored) + outbox.map((row) => Buffer.from(row.payload).toString('latin1')).join('');
    for (const seed of [1, 10, 11, 20]) {
      const { bankCard, residentId, mobilePhone } = syntheticIdentity(seed);
      for (const secret of [bankCard, residentId, mobilePhone]) expect(everything).not.toContain(secret);
    }
    expect(everything).toContain('**** ');
  });

  it('sends a 70-84 application to a review case with a 72 h SLA, decided by its claimant', async () => {
    const { application, reviewCase, merchant } = await client.submitApplication({
      requestId: 'submit-review',
      application: applicationInput(50, { categoryCodes: reviewBandCategories }),
    });
    expect(merchant).toBeUndefined();
    expect(application).toMatchObject({ status: ApplicationStatus.APPLICATION_STATUS_IN_REVIEW, decision: { riskScore: 70, band: RiskBand.RISK_BAND_MANUAL_REVIEW } });
    expect(reviewCase?.slaDueAt?.getTime()).toBe((reviewCase?.openedAt?.getTime() ?? 0) + 72 * HOUR);
    const opened = await events.waitFor(MerchantReviewOpenedEvent, 1);
    expect(opened[0]).toMatchObject({ caseId: reviewCase?.caseId, applicationId: application?.applicationId, riskScore: 70 });

    const queue = await client.listReviewCases({ pageSize: 10, pageToken: '', status: ReviewCaseStatus.REVIEW_CASE_STATUS_OPEN, kind: 0, assigneeId: '', overdueOnly: false });
    expect(queue.reviewCases.map((c) => c.caseId)).toContain(reviewCase?.caseId);
    const caseId = reviewCase?.caseId ?? '';
    await client.claimReviewCase({ requestId: 'claim-1', caseId, reviewerId: 'reviewer-a' });
    const notMine = await failureOf(client.claimReviewCase({ requestId: 'claim-2', caseId, reviewerId: 'reviewer-b' }));
    expect(notMine).toMatchObject({ codeName: 'FAILED_PRECONDITION', reason: 'REVIEW_CASE.CLAIMED_BY_OTHER' });

    sut.clock.advance(73 * HOUR);
    const overdue = await client.listReviewCases({ pageSize: 10, pageToken: '', status: 0, kind: 0, assigneeId: 'reviewer-a', overdueOnly: true });
    expect(overdue.reviewCases).toMatchObject([{ caseId, overdue: true, status: ReviewCaseStatus.REVIEW_CASE_STATUS_CLAIMED }]);

    const decided = await client.decideReviewCase({
      requestId: 'decide-1',
      caseId,
      reviewerId: 'reviewer-a',
      decision: ReviewDecision.REVIEW_DECISION_APPROVE_WITH_RESTRICTIONS,
      note: 'documents checked by phone',
    });
    expect(decided.application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_APPROVED);
    expect(decided.merchant?.restrictions).toMatchObject({ listingQuota: 50, approvedCategoryCodes: ['general', 'apparel', 'electronics', 'home'] });
    expect(decided.reviewCase).toMatchObject({ status: ReviewCaseStatus.REVIEW_CASE_STATUS_DECIDED, overdue: true });
    // One case by id, as the queue shows it: decided, by whom, past its SLA.
    const { reviewCase: read } = await client.getReviewCase({ caseId });
    expect(read).toEqual(decided.reviewCase);
    expect(read).toMatchObject({ assigneeId: 'reviewer-a', note: 'documents checked by phone', reviewDecision: ReviewDecision.REVIEW_DECISION_APPROVE_WITH_RESTRICTIONS });
    expect(await failureOf(client.getReviewCase({ caseId: 'no-such-case' }))).toMatchObject({ codeName: 'NOT_FOUND', reason: 'REVIEW_CASE.NOT_FOUND' });
    expect((await failureOf(client.getReviewCase({ caseId: '' }))).fieldViolations).toEqual([expect.objectContaining({ field: 'case_id', reason: 'REQUIRED' })]);
    const onboarded = await events.waitFor(MerchantOnboardedEvent, 1);
    await expect
      .poll(() => events.of(MerchantOnboardedEvent).find((e) => e.merchantId === decided.merchant?.merchantId))
      .toMatchObject({ band: RiskBand.RISK_BAND_APPROVE_WITH_RESTRICTIONS });
    expect(onboarded.length).toBeGreaterThan(0);

    const stats = await client.getGovernanceStats({ window: { startTime: new Date(0), endTime: new Date('2100-01-01T00:00:00Z') } });
    expect(stats).toMatchObject({ applicationsSentToReview: 1n, reviewCasesOpened: 1n, reviewCasesSlaBreached: 1n, ringLinksIntercepted: 1n });
  });
});

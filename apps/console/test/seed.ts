import { ViolationSeverity } from '@govern/contracts-content';
import { ReviewCaseKind, ReviewCaseStatus, ViolationSource, ViolationType, type ApplicationInput } from '@govern/contracts-merchant-access';
import type { PlatformClients } from '@govern/platform-clients';
import { syntheticApplication } from '@govern/platform-testing';

/**
 * Data the browser tests work on, made through the services' public APIs the way the platform's
 * callers make it (merchant back office, an operator's earlier deduction): a review case whose
 * applicant shares a phone with an active merchant, a merchant restricted by a violation it
 * appeals, and a creator whose deduction is appealed.
 */

/** A clean applicant of `seed` (well-formed identity numbers, distinct per seed). */
const application = (seed: number, overrides: Partial<ApplicationInput> = {}): ApplicationInput => ({ ...syntheticApplication(seed), ...overrides });

/** Two regulated categories without their licences, six in all: 20+20+20+10, the manual review band. */
const REVIEW_BAND_CATEGORIES = ['general', 'apparel', 'electronics', 'home', 'cosmetics', 'medical_device'];

export interface Seeded {
  /** Application case in review; its applicant shares a phone with `linkedMerchantId`. */
  applicationCaseId: string;
  linkedMerchantId: string;
  /** Appeal case of a merchant restricted by a 12-point violation. */
  appealCaseId: string;
  restrictedMerchantId: string;
  /** A creator whose 6-point deduction is appealed. */
  creatorId: string;
  creatorAppealId: string;
}

export const seedPlatform = async (clients: PlatformClients, run: string): Promise<Seeded> => {
  const ma = clients.merchantAccess;
  const base = Number.parseInt(run.slice(-4), 36) % 5_000;
  const linked = await ma.submitApplication({ requestId: `${run}-app-a`, application: application(base + 1) });
  const linkedMerchantId = linked.merchant?.merchantId;
  if (!linkedMerchantId) throw new Error(`merchant A was not approved: ${JSON.stringify(linked.application?.decision?.reasons)}`);

  const reviewed = await ma.submitApplication({
    requestId: `${run}-app-b`,
    application: application(base + 2, { categoryCodes: REVIEW_BAND_CATEGORIES, contactPhone: application(base + 1).contactPhone }),
  });
  const applicationCaseId = reviewed.reviewCase?.caseId;
  if (!applicationCaseId) throw new Error(`the application did not go to review: score ${reviewed.application?.decision?.riskScore}`);

  const restricted = await ma.submitApplication({ requestId: `${run}-app-c`, application: application(base + 3) });
  const restrictedMerchantId = restricted.merchant?.merchantId as string;
  const violation = await ma.recordViolation({
    requestId: `${run}-vio-c`,
    merchantId: restrictedMerchantId,
    type: ViolationType.VIOLATION_TYPE_CRITICAL_INSPECTION_FAILURE,
    source: ViolationSource.VIOLATION_SOURCE_PRODUCT_QUALITY,
    sourceRef: `${run}-lab-1`,
    productId: `${run}-prd-1`,
    description: '抽检发现严重缺陷（铅含量超标）',
    evidence: { report_ref: 'CNAS-2026-0012' },
  });
  const filed = await ma.fileAppeal({
    requestId: `${run}-appeal-c`,
    violationId: violation.violation?.violationId as string,
    merchantId: restrictedMerchantId,
    statement: '送检样品并非本店销售批次，附进货单据。',
    evidenceRefs: ['invoice-2026-118.pdf'],
  });
  const appealCaseId = filed.reviewCase?.caseId as string;

  const creatorId = `${run}-creator`;
  const deduction = await clients.content.deductCreatorCredit({
    requestId: `${run}-deduct`,
    creatorId,
    severity: ViolationSeverity.VIOLATION_SEVERITY_HIGH,
    operatorId: 'ops.earlier',
    reasons: [{ code: 'MANUAL.MISLEADING', message: '直播口播“全网第一”', evidence: { ticket: 'T-1' }, weight: 0 }],
  });
  const appeal = await clients.content.fileAppeal({
    requestId: `${run}-content-appeal`,
    penaltyId: deduction.penalty?.penaltyId as string,
    creatorId,
    statement: '该口播为引用消费者评价，并非本人宣称。',
    evidenceRefs: ['clip-0412.mp4'],
  });
  const open = await ma.listReviewCases({ pageSize: 50, pageToken: '', status: ReviewCaseStatus.REVIEW_CASE_STATUS_OPEN, kind: ReviewCaseKind.REVIEW_CASE_KIND_UNSPECIFIED, assigneeId: '', overdueOnly: false });
  if (!open.reviewCases.some((c) => c.caseId === appealCaseId)) throw new Error('the appeal case is not in the open queue');
  return { applicationCaseId, linkedMerchantId, appealCaseId, restrictedMerchantId, creatorId, creatorAppealId: appeal.appeal?.appealId as string };
};

import { ViolationSeverity } from '@govern/contracts-content';
import { ReviewCaseKind, ReviewCaseStatus, ViolationSource, ViolationType, type ApplicationInput } from '@govern/contracts-merchant-access';
import type { PlatformClients } from '@govern/platform-clients';

/**
 * Data the browser tests work on, made through the services' public APIs the way the platform's
 * callers make it (merchant back office, an operator's earlier deduction): a review case whose
 * applicant shares a phone with an active merchant, a merchant restricted by a violation it
 * appeals, and a creator whose deduction is appealed.
 */

// Well-formed identity numbers (GB 32100 credit code, GB 11643 ID, Luhn card), as the CLI's
// simulation makes them (tools/cli/src/simulation/identity.ts; tools are not importable here).
const CREDIT_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditCode = (seed: number): string => {
  const body = String(10_000_000 + seed).slice(-8);
  const orgWeights = [3, 7, 9, 10, 5, 8, 4, 2];
  const orgSum = [...body].reduce((sum, ch, i) => sum + Number(ch) * (orgWeights[i] as number), 0);
  const orgCheck = 11 - (orgSum % 11);
  const first17 = `91350100${body}${orgCheck === 10 ? 'X' : orgCheck === 11 ? '0' : String(orgCheck)}`;
  let sum = 0;
  let weight = 1;
  for (const ch of first17) {
    sum += CREDIT_CHARSET.indexOf(ch) * weight;
    weight = (weight * 3) % 31;
  }
  return first17 + CREDIT_CHARSET[(31 - (sum % 31)) % 31];
};
const residentId = (seed: number): string => {
  const first17 = `35010219900101${String(seed % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (weights[i] as number), 0);
  return first17 + '10X98765432'[sum % 11];
};
const luhnCard = (seed: number): string => {
  const body = `622202${String(1_000_000_000_000 + seed).slice(-12)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
};

const application = (seed: number, overrides: Partial<ApplicationInput> = {}): ApplicationInput => {
  const company = `测试商贸有限公司${seed}`;
  return {
    companyName: company,
    businessLicenceCode: creditCode(seed),
    legalRepresentative: { name: `林晓${seed}`, idNumber: residentId(seed) },
    contactPhone: `138${String(10_000_000 + seed).slice(-8)}`,
    bankAccount: { accountNumber: luhnCard(seed), bankName: '中国工商银行', accountHolder: company },
    deviceIds: [`device-${seed}`],
    address: { regionCode: '350102', province: '福建省', city: '福州市', district: '鼓楼区', line: `五四路 ${seed} 号` },
    categoryCodes: ['general'],
    qualifications: [],
    registeredCapitalFen: 10_000_000n,
    ...overrides,
  };
};

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

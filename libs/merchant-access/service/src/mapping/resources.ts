import type { PolicyRef as PolicyRefProto, Reason as ReasonProto } from '@govern/contracts-common';
import type {
  Appeal,
  Application,
  Merchant,
  MerchantRestrictions,
  MerchantStanding as MerchantStandingProto,
  ReviewCase,
  RingLink as RingLinkProto,
  Sanction,
  StoreExperienceScore as StoreExperienceScoreProto,
  Violation,
} from '@govern/contracts-merchant-access';
import type {
  AppealRow,
  ApplicationRow,
  MerchantRow,
  ReviewCaseRow,
  SanctionRow,
  StoreExperienceScoreRow,
  ViolationRow,
} from '@govern/merchant-access-data-access';
import {
  isOverdue,
  isSanctionedStatus,
  STORE_EXPERIENCE_POLICY,
  type MerchantStanding,
  type RingLink,
  type ScoreComponent,
  type StoreExperienceScore,
} from '@govern/merchant-access-domain';
import type { PolicyRef, Reason } from '@govern/policy-core';
import type { StandingView } from '../adapters/prisma-standing.repository';
import { reviewCaseStateOf } from '../adapters/records';
import {
  appealDecisionCodec,
  appealStatusCodec,
  applicationStatusCodec,
  identifierKindCodec,
  merchantStatusCodec,
  reinstatementCauseCodec,
  reviewCaseKindCodec,
  reviewCaseStatusCodec,
  reviewDecisionCodec,
  riskBandCodec,
  sanctionKindCodec,
  violationSourceCodec,
  violationStatusCodec,
  violationTypeCodec,
  type AppealDecisionName,
  type AppealStatusName,
  type ApplicationStatusName,
  type ReviewDecisionName,
  type ViolationSourceName,
  type ViolationStatusName,
} from './enums';
import { evidenceOf, reasonsOf, ringLinksOf, stringsOf } from './json';

export const reasonToProto = (r: Reason): ReasonProto => ({ code: r.code, message: r.message, evidence: { ...r.evidence }, weight: r.weight });
export const reasonsToProto = (reasons: readonly Reason[]): ReasonProto[] => reasons.map(reasonToProto);
export const policyToProto = (p: PolicyRef): PolicyRefProto => ({ name: p.name, version: p.version });
const policyOfRow = (row: { policyName: string; policyVersion: string }): PolicyRefProto => ({ name: row.policyName, version: row.policyVersion });

export const ringLinkToProto = (link: RingLink): RingLinkProto => ({
  merchantId: link.merchantId,
  merchantStatus: merchantStatusCodec.toProto(link.status),
  sanctioned: isSanctionedStatus(link.status),
  path: link.path.map((step) => ({
    identifierKind: identifierKindCodec.toProto(step.identifierKind),
    identifierFingerprint: step.identifierFingerprint,
    merchantId: step.merchantId,
    merchantStatus: merchantStatusCodec.toProto(step.merchantStatus),
  })),
});

export const restrictionsToProto = (terms: { listingQuota: number; depositFen: bigint; approvedCategoryCodes: readonly string[] }): MerchantRestrictions => ({
  listingQuota: terms.listingQuota,
  depositFen: terms.depositFen,
  approvedCategoryCodes: [...terms.approvedCategoryCodes],
});

/** The terms a merchant trades under; undefined when there is no merchant (in review, rejected). */
export const merchantTermsToProto = (merchant: MerchantRow | null | undefined): MerchantRestrictions | undefined =>
  merchant
    ? restrictionsToProto({ listingQuota: merchant.listingQuota, depositFen: merchant.depositFen, approvedCategoryCodes: stringsOf(merchant.approvedCategoryCodes) })
    : undefined;

/** The application, masked as stored, with its automatic decision. */
export const applicationToProto = (row: ApplicationRow, terms?: MerchantRestrictions): Application => ({
  applicationId: row.id,
  status: applicationStatusCodec.toProto(row.status as ApplicationStatusName),
  companyName: row.companyName,
  businessLicenceCodeMasked: row.creditCodeMasked,
  legalRepresentativeNameMasked: row.legalRepNameMasked,
  contactPhoneMasked: row.phoneMasked,
  bankAccountMasked: row.bankAccountMasked,
  regionCode: row.regionCode,
  categoryCodes: stringsOf(row.categoryCodes),
  decision: {
    riskScore: row.riskScore,
    band: riskBandCodec.toProto(row.band as Parameters<typeof riskBandCodec.toProto>[0]),
    restrictions: terms,
    reasons: reasonsToProto(reasonsOf(row.reasons)),
    policy: policyOfRow(row),
    ringLinks: ringLinksOf(row.ringLinks).map(ringLinkToProto),
    decidedAt: row.decidedAt,
  },
  reviewCaseId: row.reviewCaseId ?? '',
  merchantId: row.merchantId ?? '',
  submittedAt: row.submittedAt,
  closedAt: row.closedAt ?? undefined,
  registeredCapitalFen: row.registeredCapitalFen,
});

export const sanctionToProto = (row: SanctionRow): Sanction => ({
  sanctionId: row.id,
  merchantId: row.merchantId,
  kind: sanctionKindCodec.toProto(row.kind as Parameters<typeof sanctionKindCodec.toProto>[0]),
  startsAt: row.startsAt,
  endsAt: row.endsAt ?? undefined,
  triggerPoints: row.triggerPoints,
  violationIds: stringsOf(row.violationIds),
  reasons: reasonsToProto(reasonsOf(row.reasons)),
  policy: policyOfRow(row),
  liftedAt: row.liftedAt ?? undefined,
  liftCause: row.liftCause === 'APPEAL_OVERTURNED' ? reinstatementCauseCodec.toProto('APPEAL_OVERTURNED') : 0,
});

export const standingToProto = (merchantId: string, standing: MerchantStanding, activeSanctionRow?: SanctionRow): MerchantStandingProto => ({
  merchantId,
  status: merchantStatusCodec.toProto(standing.status),
  canList: standing.canList,
  canSell: standing.canSell,
  activeSanction: activeSanctionRow ? sanctionToProto(activeSanctionRow) : undefined,
  activePoints: standing.activePoints,
  nextPointsExpiryAt: standing.nextPointsExpiryAt,
  evaluatedAt: standing.evaluatedAt,
  policy: policyToProto(standing.policy),
});

export const standingViewToProto = (view: StandingView): MerchantStandingProto => standingToProto(view.merchantId, view.standing, view.activeSanctionRow);

/** Whether a violation's points count at `at`, as the contract names it. */
export const violationStatusAt = (row: Pick<ViolationRow, 'overturnedAt' | 'expiresAt'>, at: Date): ViolationStatusName => {
  if (row.overturnedAt && row.overturnedAt.getTime() <= at.getTime()) return 'OVERTURNED';
  return at.getTime() >= row.expiresAt.getTime() ? 'EXPIRED' : 'ACTIVE';
};

export const violationToProto = (row: ViolationRow, at: Date): Violation => ({
  violationId: row.id,
  merchantId: row.merchantId,
  type: violationTypeCodec.toProto(row.type as Parameters<typeof violationTypeCodec.toProto>[0]),
  points: row.points,
  zeroTolerance: row.zeroTolerance,
  status: violationStatusCodec.toProto(violationStatusAt(row, at)),
  occurredAt: row.occurredAt,
  recordedAt: row.recordedAt,
  expiresAt: row.expiresAt,
  appealDeadline: row.appealDeadline,
  source: violationSourceCodec.toProto(row.source as ViolationSourceName),
  sourceRef: row.sourceRef,
  productId: row.productId,
  description: row.description,
  evidence: evidenceOf(row.evidence),
  appealId: row.appealId ?? '',
  policy: policyOfRow(row),
});

export const reviewCaseToProto = (row: ReviewCaseRow, at: Date): ReviewCase => ({
  caseId: row.id,
  kind: reviewCaseKindCodec.toProto(row.kind as Parameters<typeof reviewCaseKindCodec.toProto>[0]),
  status: reviewCaseStatusCodec.toProto(row.status as Parameters<typeof reviewCaseStatusCodec.toProto>[0]),
  applicationId: row.applicationId ?? '',
  appealId: row.appealId ?? '',
  merchantId: row.merchantId ?? '',
  riskScore: row.riskScore,
  reasons: reasonsToProto(reasonsOf(row.reasons)),
  assigneeId: row.assigneeId ?? '',
  openedAt: row.openedAt,
  slaDueAt: row.slaDueAt,
  overdue: isOverdue(reviewCaseStateOf(row), at),
  claimedAt: row.claimedAt ?? undefined,
  decidedAt: row.decidedAt ?? undefined,
  reviewDecision: row.reviewDecision ? reviewDecisionCodec.toProto(row.reviewDecision as ReviewDecisionName) : 0,
  appealDecision: row.appealDecision ? appealDecisionCodec.toProto(row.appealDecision as AppealDecisionName) : 0,
  note: row.note,
});

export const appealToProto = (row: AppealRow): Appeal => ({
  appealId: row.id,
  violationId: row.violationId,
  merchantId: row.merchantId,
  status: appealStatusCodec.toProto(row.status as AppealStatusName),
  statement: row.statement,
  evidenceRefs: stringsOf(row.evidenceRefs),
  reviewCaseId: row.reviewCaseId,
  filedAt: row.filedAt,
  decidedAt: row.decidedAt ?? undefined,
  restoredPoints: row.restoredPoints,
  liftedSanctionIds: stringsOf(row.liftedSanctionIds),
  reasons: reasonsToProto(reasonsOf(row.reasons)),
  policy: policyOfRow(row),
  reviewerId: row.reviewerId ?? '',
});

/** A stored score, or the neutral score of a merchant no metrics have reached yet. */
export const storedScoreOf = (row: StoreExperienceScoreRow | null | undefined, at: Date): StoreExperienceScore & { computedAt: Date } => {
  if (!row) {
    const n = STORE_EXPERIENCE_POLICY.neutralScore;
    return {
      score: n,
      product: n,
      logistics: n,
      service: n,
      neutral: true,
      orderCount: 0,
      windowStart: new Date(at.getTime() - STORE_EXPERIENCE_POLICY.windowMs),
      windowEnd: at,
      components: [],
      policy: { name: STORE_EXPERIENCE_POLICY.name, version: STORE_EXPERIENCE_POLICY.version },
      computedAt: at,
    };
  }
  return {
    score: row.score,
    product: row.productScore,
    logistics: row.logisticsScore,
    service: row.serviceScore,
    neutral: row.neutral,
    orderCount: Number(row.orderCount),
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    components: Array.isArray(row.components) ? (row.components as unknown as ScoreComponent[]) : [],
    policy: { name: row.policyName, version: row.policyVersion },
    computedAt: row.computedAt,
  };
};

/** A store score's figures, named alike on the stored row, the StoreExperienceScore message and StoreExperienceScoreChanged. */
export const storeScoreFigures = (score: StoreExperienceScore) => ({
  score: score.score,
  productScore: score.product,
  logisticsScore: score.logistics,
  serviceScore: score.service,
  neutral: score.neutral,
});

export const scoreToProto = (merchantId: string, score: StoreExperienceScore & { computedAt: Date }): StoreExperienceScoreProto => ({
  merchantId,
  ...storeScoreFigures(score),
  orderCount: BigInt(score.orderCount),
  window: { startTime: score.windowStart, endTime: score.windowEnd },
  components: score.components.map((c) => ({ metric: c.metric, dimension: c.dimension, observed: c.observed, score: c.score, weight: c.weight })),
  policy: policyToProto(score.policy),
  computedAt: score.computedAt,
});

export const merchantToProto = (row: MerchantRow, standing: StandingView, score: number): Merchant => ({
  merchantId: row.id,
  applicationId: row.applicationId,
  companyName: row.companyName,
  businessLicenceCodeMasked: row.creditCodeMasked,
  standing: standingViewToProto(standing),
  restrictions: restrictionsToProto({ listingQuota: row.listingQuota, depositFen: row.depositFen, approvedCategoryCodes: stringsOf(row.approvedCategoryCodes) }),
  storeExperienceScore: score,
  affiliateEligible: row.affiliateEligible,
  onboardedAt: row.onboardedAt,
  removedAt: row.removedAt ?? undefined,
  onboardingBand: riskBandCodec.toProto(row.onboardingBand as Parameters<typeof riskBandCodec.toProto>[0]),
});

export const merchantViewToProto = (view: { row: MerchantRow; standing: StandingView; score: number }): Merchant => merchantToProto(view.row, view.standing, view.score);

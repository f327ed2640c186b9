import type {
  AppealRow,
  ContentAssessmentRow,
  ContentItemRow,
  ContentProductLinkRow,
  CreditDeductionRow,
  LivestreamRow,
  PenaltyRow,
} from '@govern/content-data-access';
import type { CreatorStanding, AxisScore as DomainAxisScore, QualityScores as DomainQuality, Violation as DomainViolation } from '@govern/content-domain';
import type {
  Appeal,
  AxisScore,
  ContentAssessment,
  ContentItem,
  CreatorCredit,
  CreditDeduction,
  Livestream,
  Penalty,
  ProductLink,
  QualityScores,
  Violation,
} from '@govern/contracts-content';
import {
  appealStateToProto,
  kindToProto,
  linkStateToProto,
  liveLevelToProto,
  livestreamStateToProto,
  penaltyActionToProto,
  penaltySourceToProto,
  penaltyStateToProto,
  severityToProto,
  standingToProto,
  tierToProto,
  triggerToProto,
  violationKindToProto,
} from './enums';
import type { ContentItemView } from '../use-cases/content-view';
import { engagementOf, qualityOf, reasonsOf, stringsOf, violationsOf } from './json';

/** Rows and domain values → the v1 messages callers see. */

export const violationMessage = (v: DomainViolation): Violation => ({
  kind: violationKindToProto(v.kind),
  severity: severityToProto(v.severity),
  reason: { ...v.reason, evidence: { ...v.reason.evidence } },
});

const axisMessage = (axis: DomainAxisScore): AxisScore => ({ score: axis.score, explanation: axis.explanation, reasons: axis.reasons.map((r) => ({ ...r })) });

export const qualityMessage = (q: DomainQuality): QualityScores => ({
  authentic: axisMessage(q.authentic),
  credible: axisMessage(q.credible),
  professional: axisMessage(q.professional),
  engaging: axisMessage(q.engaging),
  overall: q.overall,
});

export const assessmentMessage = (row: ContentAssessmentRow): ContentAssessment => ({
  assessmentId: row.id,
  contentId: row.contentId,
  trigger: triggerToProto(row.trigger),
  violations: violationsOf(row.violations).map(violationMessage),
  quality: qualityMessage(qualityOf(row.quality)),
  tier: tierToProto(row.tier),
  trafficWeight: row.trafficWeight,
  reasons: reasonsOf(row.reasons),
  policy: { name: row.policyName, version: row.policyVersion },
  assessedAt: row.assessedAt,
});

export const productLinkMessage = (row: Pick<ContentProductLinkRow, 'productId' | 'merchantId' | 'state' | 'unlinkedReasonCode'>): ProductLink => ({
  productId: row.productId,
  merchantId: row.merchantId,
  state: linkStateToProto(row.state),
  unlinkedReasonCode: row.unlinkedReasonCode ?? '',
});

export const contentItemMessage = (
  row: ContentItemRow,
  links: readonly ContentProductLinkRow[],
  latest: ContentAssessmentRow | undefined,
  activePenaltyIds: readonly string[],
): ContentItem => {
  const engagement = engagementOf(row.engagement);
  return {
    contentId: row.contentId,
    kind: kindToProto(row.kind),
    creatorId: row.creatorId,
    title: row.title,
    captions: row.captions,
    transcriptChars: [...row.transcript].length,
    mediaFingerprint: row.mediaFingerprint ?? '',
    productLinks: [...links].sort((a, b) => a.position - b.position).map(productLinkMessage),
    tier: tierToProto(row.tier),
    trafficWeight: row.trafficWeight,
    latestAssessment: latest ? assessmentMessage(latest) : undefined,
    engagement: engagement
      ? {
          views: BigInt(engagement.views),
          completionRate: engagement.completionRate,
          likes: BigInt(engagement.likes),
          comments: BigInt(engagement.comments),
          shares: BigInt(engagement.shares),
        }
      : undefined,
    attribution: { orders: row.attributionOrders, refunds: row.attributionRefunds, complaints: row.attributionComplaints },
    activePenaltyIds: [...activePenaltyIds],
    createTime: row.createdAt,
    updateTime: row.updatedAt,
    livestreamId: row.livestreamId ?? '',
  };
};

export const penaltyMessage = (row: PenaltyRow): Penalty => ({
  penaltyId: row.id,
  creatorId: row.creatorId,
  contentId: row.contentId ?? '',
  livestreamId: row.livestreamId ?? '',
  action: penaltyActionToProto(row.action),
  severity: severityToProto(row.severity),
  creditPoints: row.creditPoints,
  source: penaltySourceToProto(row.source),
  previousTier: tierToProto(row.previousTier),
  unlinkedProductIds: stringsOf(row.unlinkedProductIds),
  reasons: reasonsOf(row.reasons),
  policy: { name: row.policyName, version: row.policyVersion },
  state: penaltyStateToProto(row.state),
  imposeTime: row.imposedAt,
  appealDeadline: row.appealDeadline ?? undefined,
  appliedTier: tierToProto(row.appliedTier),
  deductionIds: stringsOf(row.deductionIds),
});

export const appealMessage = (row: AppealRow): Appeal => ({
  appealId: row.id,
  penaltyId: row.penaltyId,
  creatorId: row.creatorId,
  statement: row.statement,
  evidenceRefs: stringsOf(row.evidenceRefs),
  state: appealStateToProto(row.state),
  reviewerId: row.reviewerId ?? '',
  decisionNote: row.decisionNote ?? '',
  reasons: reasonsOf(row.reasons),
  policy: { name: row.policyName, version: row.policyVersion },
  fileTime: row.filedAt,
  decideTime: row.decidedAt ?? undefined,
});

export const deductionMessage = (row: CreditDeductionRow, now: Date): CreditDeduction => ({
  deductionId: row.id,
  creatorId: row.creatorId,
  points: row.points,
  severity: severityToProto(row.severity),
  penaltyId: row.penaltyId,
  source: penaltySourceToProto(row.source),
  reasons: reasonsOf(row.reasons),
  // A deduction past its lifetime is expired whether or not its timer has run yet.
  state: penaltyStateToProto(row.state === 'ACTIVE' && row.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : row.state),
  deductTime: row.deductedAt,
  expireTime: row.expiresAt,
});

export const creatorCreditMessage = (creatorId: string, standing: CreatorStanding, deductions: readonly CreditDeductionRow[], now: Date): CreatorCredit => {
  const active = new Set(standing.activeDeductions.map((d) => d.id));
  return {
    creatorId,
    credit: standing.credit,
    maxCredit: standing.maxCredit,
    standing: standingToProto(standing.standing),
    trafficLimited: standing.trafficLimited,
    linkingAllowed: standing.linkingAllowed,
    linkingSuspendedUntil: standing.linkingSuspendedUntil,
    privilegesRevoked: standing.privilegesRevoked,
    activeDeductions: deductions.filter((d) => active.has(d.id)).map((d) => deductionMessage(d, now)),
    nextRestoreTime: standing.nextRestoreAt,
    reasons: standing.reasons,
    policy: standing.policy,
  };
};

export const livestreamMessage = (row: LivestreamRow, links: readonly ContentProductLinkRow[]): Livestream => ({
  livestreamId: row.livestreamId,
  creatorId: row.creatorId,
  title: row.title,
  productLinks: [...links].sort((a, b) => a.position - b.position).map(productLinkMessage),
  state: livestreamStateToProto(row.state),
  level: liveLevelToProto(row.level),
  trafficWeight: row.trafficWeight,
  warnings: row.warnings,
  lastClientSequence: row.lastClientSequence,
  reasons: reasonsOf(row.reasons),
  policy: { name: row.policyName, version: row.policyVersion },
  startTime: row.startedAt,
  endTime: row.endedAt ?? undefined,
});

export const viewMessage = (view: ContentItemView): ContentItem => contentItemMessage(view.item, view.links, view.latest, view.activePenaltyIds);

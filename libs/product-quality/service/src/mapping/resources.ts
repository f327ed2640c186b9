import type {
  Ban as ProtoBan,
  BanAppeal as ProtoBanAppeal,
  Brand as ProtoBrand,
  BrandAuthorisation as ProtoBrandAuthorisation,
  ClaimHit as ProtoClaimHit,
  Defect,
  InspectionCampaign as ProtoCampaign,
  InspectionSample as ProtoSample,
  IpComplaint as ProtoIpComplaint,
  LabResult as ProtoLabResult,
  ListingEvaluation as ProtoListingEvaluation,
  LotInspection as ProtoLotInspection,
  Product as ProtoProduct,
  QualityScore as ProtoQualityScore,
  SwitchingState as ProtoSwitchingState,
} from '@govern/contracts-product-quality';
import type {
  BanAppealRow,
  BrandAuthorisationRow,
  BrandRow,
  InspectionCampaignRow,
  InspectionSampleRow,
  IpComplaintRow,
  LabResultRow,
  ListingEvaluationRow,
  LotInspectionRow,
  ProductRow,
  QualityScoreRow,
} from '@govern/product-quality-data-access';
import { counterNoticeDueAt, type Ban, type BanAppeal, type BrandAuthorisationRecord, type IpComplaint, type ListingClaimHit, type QualityComponent, type SwitchingState } from '@govern/product-quality-domain';
import type { PolicyRef, Reason } from '@govern/policy-core';
import {
  appealStatuses,
  banCauses,
  banStatuses,
  campaignStatuses,
  defectClasses,
  ipComplaintKinds,
  inspectionLevels,
  ipComplaintStatuses,
  labVerdicts,
  lotDispositions,
  listingActions,
  listingDecisions,
  productStatuses,
  qualityTiers,
  sampleStatuses,
  samplingStages,
  selectionBases,
  stored,
  unbanCauses,
} from './enums';
import { jsonReasons, jsonStrings, policyOf, toProtoPolicy, toProtoReasons } from './json';

export const toProtoBan = (ban: Ban): ProtoBan => ({
  banId: ban.banId,
  productId: ban.productId,
  merchantId: ban.merchantId,
  skuId: ban.skuId,
  categoryCode: ban.categoryCode,
  cause: banCauses.toProto(ban.cause),
  status: banStatuses.toProto(ban.status),
  reasons: toProtoReasons(ban.reasons),
  policy: policyOf(ban.policy),
  sourceRef: ban.sourceRef,
  bannedAt: ban.bannedAt,
  liftedAt: ban.liftedAt,
  unbanCause: ban.unbanCause ? unbanCauses.toProto(ban.unbanCause) : 0,
  appealId: ban.appealIds.at(-1) ?? '',
});

export const banAppealFromRow = (row: BanAppealRow): BanAppeal => ({
  appealId: row.appealId,
  banId: row.banId,
  merchantId: row.merchantId,
  statement: row.statement,
  evidenceRefs: jsonStrings(row.evidenceRefs),
  status: stored(appealStatuses, row.status),
  filedAt: row.filedAt,
  reviewerId: row.reviewerId ?? undefined,
  decisionNote: row.decisionNote ?? undefined,
  decidedAt: row.decidedAt ?? undefined,
  reasons: jsonReasons(row.reasons),
  policy: { name: row.policyName, version: row.policyVersion },
});

export const toProtoBanAppeal = (appeal: BanAppeal): ProtoBanAppeal => ({
  appealId: appeal.appealId,
  banId: appeal.banId,
  merchantId: appeal.merchantId,
  statement: appeal.statement,
  evidenceRefs: [...appeal.evidenceRefs],
  status: appealStatuses.toProto(appeal.status),
  reviewerId: appeal.reviewerId ?? '',
  decisionNote: appeal.decisionNote ?? '',
  filedAt: appeal.filedAt,
  decidedAt: appeal.decidedAt,
  reasons: toProtoReasons(appeal.reasons),
  policy: policyOf(appeal.policy),
});

export const toProtoProduct = (row: ProductRow, listings: readonly { listingId: string; skuId: string }[]): ProtoProduct => ({
  productId: row.productId,
  merchantId: row.merchantId,
  categoryCode: row.categoryCode,
  title: row.title,
  brand: row.brand,
  skuIds: [...new Set([row.skuId, ...listings.map((l) => l.skuId)])],
  listingIds: listings.map((l) => l.listingId),
  status: productStatuses.toProto(stored(productStatuses, row.status)),
  qualityScore: row.qualityScore,
  qualityTier: qualityTiers.toProto(stored(qualityTiers, row.qualityTier)),
  activeBanId: row.activeBanId ?? '',
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** A computed score as the API shows it. */
export interface ScoreView {
  productId: string;
  merchantId: string;
  score: number;
  tier: string;
  components: readonly QualityComponent[];
  reasons: readonly Reason[];
  policy: PolicyRef;
  computedAt: Date;
  trigger: string;
}

export const componentsFromJson = (value: unknown): QualityComponent[] =>
  Array.isArray(value) ? (value as QualityComponent[]).map((c) => ({ name: c.name, value: c.value, weight: c.weight, contribution: c.contribution, explanation: c.explanation })) : [];

export const scoreViewFromRow = (row: QualityScoreRow): ScoreView => ({
  productId: row.productId,
  merchantId: row.merchantId,
  score: row.score,
  tier: row.tier,
  components: componentsFromJson(row.components),
  reasons: jsonReasons(row.reasons),
  policy: { name: row.policyName, version: row.policyVersion },
  computedAt: row.computedAt,
  trigger: row.trigger,
});

export const toProtoQualityScore = (view: ScoreView): ProtoQualityScore => ({
  productId: view.productId,
  merchantId: view.merchantId,
  score: view.score,
  tier: qualityTiers.toProto(stored(qualityTiers, view.tier)),
  components: view.components.map((c) => ({ name: c.name, value: c.value, weight: c.weight, contribution: c.contribution, explanation: c.explanation })),
  reasons: toProtoReasons(view.reasons),
  policy: policyOf(view.policy),
  computedAt: view.computedAt,
  trigger: view.trigger,
});

export const toProtoClaimHit = (hit: ListingClaimHit): ProtoClaimHit => ({
  field: hit.field,
  term: hit.term,
  category: hit.category,
  severity: hit.severity,
  start: hit.start,
  end: hit.end,
});

export const claimHitsFromJson = (value: unknown): ProtoClaimHit[] =>
  Array.isArray(value)
    ? (value as ProtoClaimHit[]).map((h) => ({ field: h.field, term: h.term, category: h.category, severity: h.severity, start: h.start, end: h.end }))
    : [];

export const toProtoListingEvaluation = (row: ListingEvaluationRow): ProtoListingEvaluation => ({
  evaluationId: row.evaluationId,
  listingId: row.listingId,
  productId: row.productId,
  merchantId: row.merchantId,
  skuId: row.skuId,
  categoryCode: row.categoryCode,
  action: listingActions.toProto(stored(listingActions, row.action)),
  decision: listingDecisions.toProto(stored(listingDecisions, row.decision)),
  reasons: toProtoReasons(jsonReasons(row.reasons)),
  policy: toProtoPolicy(row.policyName, row.policyVersion),
  threeNo: row.threeNo,
  zeroTolerance: row.zeroTolerance,
  claimHits: claimHitsFromJson(row.claimHits),
  titleFingerprint: row.titleFingerprint,
  decidedAt: row.decidedAt,
  requestId: row.requestId,
});

type StoredCategoryCost = { category_code: string; cost_fen: string };

export const categoryCostsFromJson = (value: unknown): { categoryCode: string; costFen: bigint }[] =>
  Array.isArray(value) ? (value as StoredCategoryCost[]).map((c) => ({ categoryCode: c.category_code, costFen: BigInt(c.cost_fen) })) : [];

export const categoryCostsJson = (costs: readonly { categoryCode: string; costFen: bigint }[]): StoredCategoryCost[] =>
  costs.map((c) => ({ category_code: c.categoryCode, cost_fen: c.costFen.toString() }));

export const toProtoCampaign = (row: InspectionCampaignRow): ProtoCampaign => ({
  campaignId: row.campaignId,
  name: row.name,
  budgetFen: row.budgetFen,
  categoryCosts: categoryCostsFromJson(row.categoryCosts),
  defaultCostFen: row.defaultCostFen,
  categoryCodes: jsonStrings(row.categoryCodes),
  status: campaignStatuses.toProto(stored(campaignStatuses, row.status)),
  seed: row.seed === null ? 0 : Number(row.seed),
  plannedCostFen: row.plannedCostFen,
  sampleCount: row.sampleCount,
  policy: toProtoPolicy(row.policyName, row.policyVersion),
  createdAt: row.createdAt,
  planReasons: toProtoReasons(jsonReasons(row.planReasons)),
});

export const toProtoSample = (row: InspectionSampleRow): ProtoSample => ({
  sampleId: row.sampleId,
  campaignId: row.campaignId,
  productId: row.productId,
  skuId: row.skuId,
  merchantId: row.merchantId,
  categoryCode: row.categoryCode,
  costFen: row.costFen,
  basis: selectionBases.toProto(stored(selectionBases, row.basis)),
  risk: row.risk,
  weight: row.weight,
  status: sampleStatuses.toProto(stored(sampleStatuses, row.status)),
});

type StoredDefect = { defect_class: 'CRITICAL' | 'MAJOR' | 'MINOR'; code: string; description: string };

export const defectsJson = (defects: readonly { defectClass: 'CRITICAL' | 'MAJOR' | 'MINOR'; code: string; description: string }[]): StoredDefect[] =>
  defects.map((d) => ({ defect_class: d.defectClass, code: d.code, description: d.description }));

export const toProtoLabResult = (row: LabResultRow): ProtoLabResult => ({
  resultId: row.resultId,
  campaignId: row.campaignId ?? '',
  sampleId: row.sampleId ?? '',
  productId: row.productId,
  skuId: row.skuId,
  merchantId: row.merchantId,
  categoryCode: row.categoryCode,
  verdict: labVerdicts.toProto(stored(labVerdicts, row.verdict)),
  criticalDefects: row.criticalDefects,
  majorDefects: row.majorDefects,
  minorDefects: row.minorDefects,
  defects: (Array.isArray(row.defects) ? (row.defects as unknown as StoredDefect[]) : []).map(
    (d): Defect => ({ defectClass: defectClasses.toProto(d.defect_class), code: d.code, description: d.description }),
  ),
  severity: row.severity ? defectClasses.toProto(stored(defectClasses, row.severity)) : 0,
  reportRef: row.reportRef,
  labName: row.labName,
  testedAt: row.testedAt,
  recordedAt: row.recordedAt,
});

export const toProtoSwitchingState = (merchantId: string, skuId: string, state: SwitchingState, updatedAt: Date | undefined): ProtoSwitchingState => {
  const trailingAccepted = (): number => {
    let n = 0;
    for (let i = state.normalRecent.length - 1; i >= 0 && state.normalRecent[i]; i--) n++;
    return n;
  };
  return {
    merchantId,
    skuId,
    severity: samplingStages.toProto(state.stage),
    recentAccepted: [...state.normalRecent],
    consecutiveAccepted: state.stage === 'TIGHTENED' ? state.tightenedConsecutiveAccepted : state.stage === 'NORMAL' ? trailingAccepted() : 0,
    switchingScore: state.switchingScore,
    rejectedOnTightened: state.tightenedRejected,
    updatedAt,
  };
};

export const toProtoBrand = (row: BrandRow): ProtoBrand => ({
  brandId: row.brandId,
  name: row.name,
  aliases: jsonStrings(row.aliases),
  ownerId: row.ownerId,
  trademarkNumber: row.trademarkNumber,
  authorisationRequired: row.authorisationRequired,
  categoryCodes: jsonStrings(row.categoryCodes),
  registeredAt: row.registeredAt,
  expiresAt: row.expiresAt ?? undefined,
});

export const brandAuthorisationFromRow = (row: BrandAuthorisationRow): BrandAuthorisationRecord => ({
  authorisationId: row.authorisationId,
  brandId: row.brandId,
  merchantId: row.merchantId,
  categoryCodes: jsonStrings(row.categoryCodes),
  validFrom: row.validFrom,
  validUntil: row.validUntil ?? undefined,
  revokedAt: row.revokedAt ?? undefined,
});

/** The message has the record's fields. */
export const toProtoBrandAuthorisation = (row: BrandAuthorisationRow): ProtoBrandAuthorisation => {
  const authorisation = brandAuthorisationFromRow(row);
  return { ...authorisation, categoryCodes: [...authorisation.categoryCodes] };
};

/** Who complained of which product under which brand: the same on the row, the record and the message. */
const ipComplaintParties = (c: Pick<IpComplaint, 'complaintId' | 'brandId' | 'complainantId' | 'productId' | 'merchantId'>) => ({
  complaintId: c.complaintId,
  brandId: c.brandId,
  complainantId: c.complainantId,
  productId: c.productId,
  merchantId: c.merchantId,
});

export const ipComplaintFromRow = (row: IpComplaintRow): IpComplaint => ({
  ...ipComplaintParties(row),
  kind: stored(ipComplaintKinds, row.kind),
  statement: row.statement,
  evidenceRefs: jsonStrings(row.evidenceRefs),
  status: stored(ipComplaintStatuses, row.status),
  counterStatement: row.counterStatement ?? undefined,
  counterEvidenceRefs: jsonStrings(row.counterEvidenceRefs),
  banId: row.banId ?? undefined,
  reasons: jsonReasons(row.reasons),
  policy: { name: row.policyName, version: row.policyVersion },
  filedAt: row.filedAt,
  counterNoticedAt: row.counterNoticedAt ?? undefined,
  restoreDueAt: row.restoreDueAt ?? undefined,
  escalatedAt: row.escalatedAt ?? undefined,
  decidedAt: row.decidedAt ?? undefined,
  reviewerId: row.reviewerId ?? undefined,
});

export const toProtoIpComplaint = (c: IpComplaint): ProtoIpComplaint => ({
  ...ipComplaintParties(c),
  kind: ipComplaintKinds.toProto(c.kind),
  statement: c.statement,
  evidenceRefs: [...c.evidenceRefs],
  status: ipComplaintStatuses.toProto(c.status),
  counterStatement: c.counterStatement ?? '',
  counterEvidenceRefs: [...c.counterEvidenceRefs],
  banId: c.banId ?? '',
  reasons: toProtoReasons(c.reasons),
  policy: policyOf(c.policy),
  filedAt: c.filedAt,
  counterNoticedAt: c.counterNoticedAt,
  decidedAt: c.decidedAt,
  restoreDueAt: c.restoreDueAt,
  escalatedAt: c.escalatedAt,
  reviewerId: c.reviewerId ?? '',
  counterNoticeDueAt: counterNoticeDueAt(c),
});

type StoredLotOutcome = {
  defect_class: 'CRITICAL' | 'MAJOR' | 'MINOR';
  aql: number;
  code_letter: string;
  sample_size: number;
  acceptance: number;
  rejection: number;
  full_inspection: boolean;
  defects_found: number;
  accepted: boolean;
};

export const toProtoLotInspection = (row: LotInspectionRow): ProtoLotInspection => ({
  inspectionId: row.inspectionId,
  lotId: row.lotId,
  merchantId: row.merchantId,
  skuId: row.skuId,
  productId: row.productId,
  lotSize: row.lotSize,
  level: inspectionLevels.toProto(stored(inspectionLevels, row.inspectionLevel)),
  severity: samplingStages.toProto(stored(samplingStages, row.severity)),
  disposition: lotDispositions.toProto(stored(lotDispositions, row.disposition)),
  originalInspection: row.originalInspection,
  outcomes: (Array.isArray(row.outcomes) ? (row.outcomes as unknown as StoredLotOutcome[]) : []).map((o) => ({
    plan: {
      defectClass: defectClasses.toProto(o.defect_class),
      aqlPercent: o.aql,
      codeLetter: o.code_letter,
      sampleSize: o.sample_size,
      acceptanceNumber: o.acceptance,
      rejectionNumber: o.rejection,
      hundredPercent: o.full_inspection,
    },
    defectsFound: o.defects_found,
    disposition: lotDispositions.toProto(o.accepted ? 'ACCEPTED' : 'REJECTED'),
  })),
  sampleSizeInspected: row.sampleSizeInspected,
  severityAfter: samplingStages.toProto(stored(samplingStages, row.stageAfter)),
  reasons: toProtoReasons(jsonReasons(row.reasons)),
  policy: toProtoPolicy(row.policyName, row.policyVersion),
  inspectedAt: row.inspectedAt,
});

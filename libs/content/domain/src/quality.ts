import { reason, type Reason } from '@govern/policy-core';
import { CONTENT_POLICY, type ContentPolicy } from './content.policy';
import type { ContentText, LinkedProductRef, LocatedClaim } from './violations';

/** Orders a content item drove and what went wrong with them (consumer-experience attribution). */
export interface AttributionFigures {
  orders: number;
  refunds: number;
  complaints: number;
}

export interface EngagementFigures {
  views: number;
  /** 0..1 */
  completionRate: number;
  likes: number;
  comments: number;
  shares: number;
}

export interface QualityInput {
  text: ContentText;
  linkedProducts: readonly LinkedProductRef[];
  mediaFingerprint?: string;
  /** The media belongs to another creator. */
  reposted: boolean;
  /** Distinct prohibited claims found (from `findViolations`). */
  claims: readonly LocatedClaim[];
  attribution?: AttributionFigures;
  creatorCredit: number;
  engagement?: EngagementFigures;
}

export interface AxisScore {
  /** 0..100 */
  score: number;
  explanation: string;
  /** Signals that moved the score; `weight` is the points they cost (negative) or earned. */
  reasons: Reason[];
}

export interface QualityScores {
  authentic: AxisScore;
  credible: AxisScore;
  professional: AxisScore;
  engaging: AxisScore;
  /** Weighted overall 0..100 that the tier ladder applies to. */
  overall: number;
  /** Engagement was measured on enough views to judge (PREMIUM needs it). */
  engagementMeasured: boolean;
}

const clamp = (x: number, lo = 0, hi = 100): number => Math.min(hi, Math.max(lo, x));
const ratio = (n: number, d: number): number => (d > 0 ? n / d : 0);
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const codePoints = (s: string): number => [...s.trim()].length;

const explain = (reasons: readonly Reason[], clean: string): string => (reasons.length === 0 ? clean : reasons.map((r) => r.message).join('; '));

/** Authentic: original media and truthful words. */
export const scoreAuthentic = (input: QualityInput, policy: ContentPolicy = CONTENT_POLICY): AxisScore => {
  const rules = policy.quality.authentic;
  const reasons: Reason[] = [];
  let score = 100;
  if (input.reposted) {
    reasons.push(reason('QUALITY.AUTHENTIC.REPOSTED', 'Re-post of another creator’s media', {}, rules.repostedScore - 100));
    score = rules.repostedScore;
  } else if (!input.mediaFingerprint) {
    reasons.push(reason('QUALITY.AUTHENTIC.NO_FINGERPRINT', 'Originality unknown: no media fingerprint', {}, -rules.missingFingerprintPenalty));
    score -= rules.missingFingerprintPenalty;
  }
  for (const claim of input.claims) {
    const cost = rules.claimPenalty[claim.severity];
    reasons.push(reason('QUALITY.AUTHENTIC.CLAIM', `Prohibited claim "${claim.hit.term}" (${claim.severity})`, { field: claim.field, term: claim.hit.term }, -cost));
    score -= cost;
  }
  return { score: clamp(score), explanation: explain(reasons, 'Original media with no prohibited claims'), reasons };
};

const linearPenalty = (rate: number, rule: { ok: number; bad: number; maxPenalty: number }): number =>
  rate <= rule.ok ? 0 : Math.round(rule.maxPenalty * Math.min(1, (rate - rule.ok) / (rule.bad - rule.ok)));

/** Credible: what buyers experienced with the orders the item drove, and the creator's record. */
export const scoreCredible = (input: QualityInput, policy: ContentPolicy = CONTENT_POLICY): AxisScore => {
  const rules = policy.quality.credible;
  const reasons: Reason[] = [];
  let score = 100;
  const a = input.attribution;
  if (a && a.orders >= rules.minOrders) {
    const refundRate = ratio(a.refunds, a.orders);
    const complaintRate = ratio(a.complaints, a.orders);
    const refundCost = linearPenalty(refundRate, rules.refund);
    const complaintCost = linearPenalty(complaintRate, rules.complaint);
    const evidence = { orders: String(a.orders), refunds: String(a.refunds), complaints: String(a.complaints) };
    if (refundCost > 0) reasons.push(reason('QUALITY.CREDIBLE.REFUND_RATE', `Refund rate ${pct(refundRate)} of ${a.orders} attributed orders`, evidence, -refundCost));
    if (complaintCost > 0) {
      reasons.push(reason('QUALITY.CREDIBLE.COMPLAINT_RATE', `Complaint rate ${pct(complaintRate)} of ${a.orders} attributed orders`, evidence, -complaintCost));
    }
    score -= refundCost + complaintCost;
  }
  const missingCredit = Math.max(0, policy.credit.maxCredit - input.creatorCredit);
  if (missingCredit > 0) {
    const cost = missingCredit * rules.perMissingCreditPoint;
    reasons.push(reason('QUALITY.CREDIBLE.CREATOR_CREDIT', `Creator credit ${input.creatorCredit}/${policy.credit.maxCredit}`, { credit: String(input.creatorCredit) }, -cost));
    score -= cost;
  }
  const clean =
    a && a.orders >= rules.minOrders
      ? `Buyers of ${a.orders} attributed orders refund and complain at normal rates`
      : 'Creator in good standing; too few attributed orders to judge yet';
  return { score: clamp(score), explanation: explain(reasons, clean), reasons };
};

/** Professional: complete titles, captions and transcript, products linked with their merchant. */
export const scoreProfessional = (input: QualityInput, policy: ContentPolicy = CONTENT_POLICY): AxisScore => {
  const rules = policy.quality.professional;
  const reasons: Reason[] = [];
  let score = 0;
  for (const field of ['title', 'captions', 'transcript'] as const) {
    const rule = rules[field];
    const length = codePoints(input.text[field]);
    const earned = Math.round(rule.share * Math.min(1, length / rule.targetChars));
    score += earned;
    if (earned < rule.share) {
      reasons.push(reason(`QUALITY.PROFESSIONAL.SHORT_${field.toUpperCase()}`, length === 0 ? `No ${field}` : `Short ${field} (${length} characters)`, { chars: String(length) }, earned - rule.share));
    }
  }
  const linked = input.linkedProducts.length > 0 && input.linkedProducts.every((l) => l.productId && l.merchantId);
  if (linked) score += rules.productLinks.share;
  else reasons.push(reason('QUALITY.PROFESSIONAL.NO_PRODUCT_INFO', 'No product linked with its merchant', {}, -rules.productLinks.share));
  return { score: clamp(score), explanation: explain(reasons, 'Complete title, captions, transcript and product links'), reasons };
};

/** Engaging: completion and interactions, once enough views exist to judge. */
export const scoreEngaging = (input: QualityInput, policy: ContentPolicy = CONTENT_POLICY): AxisScore & { measured: boolean } => {
  const rules = policy.quality.engaging;
  const e = input.engagement;
  if (!e || e.views < rules.minViews) {
    return {
      score: rules.neutralScore,
      explanation: `Not enough views to judge engagement yet (${e?.views ?? 0} of ${rules.minViews})`,
      reasons: [reason('QUALITY.ENGAGING.NOT_MEASURED', 'Neutral engagement score until enough views', { views: String(e?.views ?? 0) })],
      measured: false,
    };
  }
  const completion = clamp(e.completionRate, 0, 1);
  const interactions = ratio(e.likes + 2 * e.comments + 3 * e.shares, e.views);
  const completionEarned = Math.round(rules.completion.share * Math.min(1, completion / rules.completion.target));
  const interactionEarned = Math.round(rules.interaction.share * Math.min(1, interactions / rules.interaction.target));
  const reasons = [
    reason('QUALITY.ENGAGING.COMPLETION', `Completion rate ${pct(completion)}`, { completion_rate: completion.toFixed(3) }, completionEarned),
    reason('QUALITY.ENGAGING.INTERACTION', `Interaction rate ${pct(interactions)} over ${e.views} views`, { views: String(e.views) }, interactionEarned),
  ];
  return {
    score: clamp(completionEarned + interactionEarned),
    explanation: reasons.map((r) => r.message).join('; '),
    reasons,
    measured: true,
  };
};

/** The four axes and their weighted overall score. */
export const scoreQuality = (input: QualityInput, policy: ContentPolicy = CONTENT_POLICY): QualityScores => {
  const w = policy.quality.weights;
  const authentic = scoreAuthentic(input, policy);
  const credible = scoreCredible(input, policy);
  const professional = scoreProfessional(input, policy);
  const { measured, ...engaging } = scoreEngaging(input, policy);
  const overall = Math.round(
    authentic.score * w.authentic + credible.score * w.credible + professional.score * w.professional + engaging.score * w.engaging,
  );
  return { authentic, credible, professional, engaging, overall: clamp(overall), engagementMeasured: measured };
};

import { Violations, reason, type PolicyRef, type Reason } from '@govern/policy-core';
import type { ClaimScanner } from './claim-scanner.port';
import { maxSeverity, type Severity, type Tier, type Violation } from './content-types';
import { CONTENT_POLICY, policyRef, type ContentPolicy } from './content.policy';
import { scoreQuality, type AttributionFigures, type EngagementFigures, type QualityScores } from './quality';
import { decideTier } from './tier';
import { claimViolationKey, findViolations, violationKey, type ViolationInput } from './violations';

export interface AssessContentInput extends ViolationInput {
  attribution?: AttributionFigures;
  engagement?: EngagementFigures;
  /** Merchants that lost affiliate eligibility (from merchant-access events). */
  affiliateIneligibleMerchantIds: ReadonlySet<string>;
  /** The creator's credit is at the traffic-limit rung (from `creatorStanding`). */
  creatorTrafficLimited: boolean;
  /**
   * Violation keys (`violationKey`) an earlier penalty of this item already punished: they still
   * cap the tier and refuse links, but cost no credit and make no penalty a second time.
   */
  punishedViolationKeys?: ReadonlySet<string>;
  /** Violation keys of this item that an appeal overturned: the reviewer judged them no violation. */
  waivedViolationKeys?: ReadonlySet<string>;
}

/** Violations a reviewer can judge away on appeal; link refusals follow upstream facts instead. */
const WAIVABLE: ReadonlySet<string> = new Set(['PROHIBITED_CLAIM', 'REPOSTED_CONTENT']);

export type PenaltyAction = 'CREDIT_ONLY' | 'LIMITED' | 'BLOCKED' | 'UNLINKED';

/** What the assessment asks the service to impose; one appealable penalty per assessment. */
export interface PenaltyPlan {
  action: PenaltyAction;
  severity: Severity;
  /** Credit to deduct: the points of the most severe violation that is the creator's fault (0 if none). */
  creditPoints: number;
  /** Severity the points were charged for, if any. */
  creditSeverity: Severity | undefined;
  unlinkProductIds: string[];
  reasons: Reason[];
  /** Keys of the violations this penalty punishes (`violationKey`), so no later assessment punishes them again. */
  violationKeys: string[];
}

export interface ContentAssessmentResult {
  violations: Violation[];
  quality: QualityScores;
  tier: Tier;
  trafficWeight: number;
  /** Reasons for the tier. */
  reasons: Reason[];
  /** Links that must not go live. */
  refusedProductIds: string[];
  /** Undefined when the item is clean or every violation was already punished. */
  penalty: PenaltyPlan | undefined;
  /** Violations found again but waived by an earlier appeal overturn; they count for nothing. */
  waivedViolations: Violation[];
  policy: PolicyRef;
}

export interface ContentInputShape {
  contentId: string;
  creatorId: string;
  title: string;
  captions: string;
  transcript: string;
  linkedProducts: readonly { productId: string; merchantId: string }[];
}

/**
 * Bad input is rejected with every offending field: ids missing, no text at all to assess,
 * oversized text or too many links, a link without its product or merchant, a product twice.
 */
export const validateContentInput = (input: ContentInputShape, policy: ContentPolicy = CONTENT_POLICY): void => {
  const limits = policy.limits;
  const v = new Violations();
  v.require('content_id', input.contentId);
  v.require('creator_id', input.creatorId);
  v.check(
    [input.title, input.captions, input.transcript].some((t) => t.trim().length > 0),
    'transcript',
    'title, captions and transcript are all empty: nothing to assess',
    'EMPTY_CONTENT',
  );
  v.maxLength('title', input.title, limits.maxTitleChars);
  v.maxLength('captions', input.captions, limits.maxCaptionsChars);
  v.maxLength('transcript', input.transcript, limits.maxTranscriptChars);
  v.maxItems('linked_products', input.linkedProducts, limits.maxLinkedProducts);
  const seen = new Set<string>();
  input.linkedProducts.forEach((link, i) => {
    v.require(`linked_products[${i}].product_id`, link.productId);
    v.require(`linked_products[${i}].merchant_id`, link.merchantId);
    if (link.productId) v.check(!seen.has(link.productId), `linked_products[${i}].product_id`, `product ${link.productId} is linked twice`, 'DUPLICATE');
    seen.add(link.productId);
  });
  v.throwIfAny('CONTENT.INVALID_INPUT');
};

const planPenalty = (
  violations: readonly Violation[],
  tier: Tier,
  refusedProductIds: string[],
  policy: ContentPolicy,
): PenaltyPlan | undefined => {
  if (violations.length === 0) return undefined;
  let severity: Severity | undefined;
  let creditSeverity: Severity | undefined;
  for (const v of violations) {
    severity = maxSeverity(severity, v.severity);
    if (policy.violations.deductsCredit[v.kind]) creditSeverity = maxSeverity(creditSeverity, v.severity);
  }
  const action: PenaltyAction =
    tier === 'BLOCKED' ? 'BLOCKED' : tier === 'LIMITED' ? 'LIMITED' : refusedProductIds.length > 0 ? 'UNLINKED' : 'CREDIT_ONLY';
  return {
    action,
    severity: severity as Severity,
    creditPoints: creditSeverity === undefined ? 0 : policy.credit.points[creditSeverity],
    creditSeverity,
    unlinkProductIds: refusedProductIds,
    reasons: violations.map((v) => v.reason),
    violationKeys: [...new Set(violations.map(violationKey))],
  };
};

/** Links refused because of violations punished now (not ones an earlier penalty already refused). */
const refusedByFresh = (fresh: readonly Violation[], refusedProductIds: readonly string[]): string[] => {
  if (fresh.some((v) => v.kind === 'CREATOR_LINKING_SUSPENDED' || v.kind === 'CREATOR_PRIVILEGES_REVOKED')) return [...refusedProductIds];
  const named = new Set(
    fresh.filter((v) => v.kind === 'BANNED_PRODUCT_LINK' || v.kind === 'REMOVED_MERCHANT_LINK').map((v) => v.reason.evidence['product_id'] ?? ''),
  );
  return refusedProductIds.filter((id) => named.has(id));
};

/**
 * Assesses a product-linked content item: violations, four-axis quality, tier and traffic
 * weight, and the penalty to impose. Pure: every fact about other services comes in the input.
 */
export const assessContent = (input: AssessContentInput, scanner: ClaimScanner, policy: ContentPolicy = CONTENT_POLICY): ContentAssessmentResult => {
  const found = findViolations(input, scanner, policy);
  const waivedKeys = input.waivedViolationKeys ?? new Set<string>();
  const isWaived = (v: Violation): boolean => WAIVABLE.has(v.kind) && waivedKeys.has(violationKey(v));
  const findings = {
    violations: found.violations.filter((v) => !isWaived(v)),
    claims: found.claims.filter((c) => !waivedKeys.has(claimViolationKey(c.field, c.hit.category, c.hit.term))),
    refusedProductIds: found.refusedProductIds,
  };
  const waivedViolations = found.violations.filter(isWaived);
  const quality = scoreQuality(
    {
      text: input.text,
      linkedProducts: input.linkedProducts,
      reposted: findings.violations.some((v) => v.kind === 'REPOSTED_CONTENT'),
      claims: findings.claims,
      creatorCredit: input.creator.credit,
      ...(input.mediaFingerprint === undefined ? {} : { mediaFingerprint: input.mediaFingerprint }),
      ...(input.attribution === undefined ? {} : { attribution: input.attribution }),
      ...(input.engagement === undefined ? {} : { engagement: input.engagement }),
    },
    policy,
  );
  const ineligible = [...new Set(input.linkedProducts.map((l) => l.merchantId).filter((m) => input.affiliateIneligibleMerchantIds.has(m)))];
  const decision = decideTier(
    {
      overall: quality.overall,
      engagementMeasured: quality.engagementMeasured,
      violations: findings.violations,
      creatorTrafficLimited: input.creatorTrafficLimited,
      affiliateIneligibleMerchantIds: ineligible,
    },
    policy,
  );
  const reasons = [...decision.reasons];
  for (const v of waivedViolations) {
    reasons.push(reason('CONTENT.VIOLATION_WAIVED', `${v.reason.code} was overturned on appeal for this item and no longer counts`, { ...v.reason.evidence, code: v.reason.code }));
  }
  if (findings.refusedProductIds.length > 0) {
    reasons.push(reason('CONTENT.LINKS_REFUSED', `${findings.refusedProductIds.length} product link(s) refused`, { product_ids: findings.refusedProductIds.join(',') }));
  }
  const punished = input.punishedViolationKeys ?? new Set<string>();
  const fresh = findings.violations.filter((v) => !punished.has(violationKey(v)));
  return {
    violations: findings.violations,
    quality,
    tier: decision.tier,
    trafficWeight: decision.trafficWeight,
    reasons,
    refusedProductIds: findings.refusedProductIds,
    penalty: planPenalty(fresh, decision.tier, refusedByFresh(fresh, findings.refusedProductIds), policy),
    waivedViolations,
    policy: policyRef(policy),
  };
};

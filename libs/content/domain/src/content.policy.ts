import { definePolicyVersions, type PolicyRef, type Rung } from '@govern/policy-core';
import type { Severity, Tier, ViolationKind } from './content-types';

export type CascadeAction = 'LIMIT' | 'UNLINK';
export type LiveLevel = 'NONE' | 'WARN_HOST' | 'LIMIT_TRAFFIC' | 'INTERRUPT';

interface LinearPenalty {
  ok: number;
  bad: number;
  maxPenalty: number;
}

interface LengthShare {
  share: number;
  targetChars: number;
}

/** Shape of a content policy document; `CONTENT_POLICY` is the default version. */
export interface ContentPolicy {
  name: string;
  version: string;
  limits: {
    maxTitleChars: number;
    maxCaptionsChars: number;
    maxTranscriptChars: number;
    maxLinkedProducts: number;
    maxLiveSegmentChars: number;
    maxIdChars: number;
    maxFingerprintChars: number;
    maxNoteChars: number;
    maxStatementChars: number;
    maxEvidenceRefs: number;
    maxEvidenceRefChars: number;
    maxReasons: number;
    maxReasonMessageChars: number;
    maxClockSkewMs: number;
    maxEngagementCount: number;
  };
  violations: {
    severity: Record<'BANNED_PRODUCT_LINK' | 'REMOVED_MERCHANT_LINK' | 'CREATOR_LINKING_SUSPENDED' | 'CREATOR_PRIVILEGES_REVOKED' | 'REPOSTED_CONTENT', Severity>;
    deductsCredit: Record<ViolationKind, boolean>;
    claimSeverityAliases: Record<string, Severity>;
    claimSeverityFallback: Severity;
  };
  quality: {
    weights: { authentic: number; credible: number; professional: number; engaging: number };
    authentic: { repostedScore: number; missingFingerprintPenalty: number; claimPenalty: Record<Severity, number> };
    credible: { minOrders: number; refund: LinearPenalty; complaint: LinearPenalty; perMissingCreditPoint: number };
    professional: { title: LengthShare; captions: LengthShare; transcript: LengthShare; productLinks: { share: number } };
    engaging: {
      minViews: number;
      neutralScore: number;
      completion: { share: number; target: number };
      interaction: { share: number; target: number };
    };
  };
  tiers: {
    ladder: readonly Rung<Tier>[];
    trafficWeight: Record<Tier, number>;
    violationCap: Record<Severity, Tier>;
    creatorTrafficLimitedCap: Tier;
    affiliateIneligibleCap: Tier;
    premiumNeedsMeasuredEngagement: boolean;
  };
  credit: {
    maxCredit: number;
    points: Record<Severity, number>;
    deductionLifetimeDays: number;
    warnAtOrBelow: number;
    suspendLinkingAtOrBelow: number;
    linkingSuspensionDays: number;
    revokeAtOrBelow: number;
  };
  livestream: {
    windowMs: number;
    claimPoints: Record<Severity, number>;
    interruptOnCritical: boolean;
    oneStepPerSignal: boolean;
    complaintPoints: number;
    reportPoints: number;
    reportAudienceUnit: number;
    ladder: readonly Rung<Exclude<LiveLevel, 'NONE'>>[];
    trafficWeight: Record<LiveLevel, number>;
    penaltySeverity: Partial<Record<LiveLevel, Severity>>;
  };
  appeals: { windowDays: number };
  cascade: {
    productBanned: Record<string, CascadeAction>;
    productBannedFallback: CascadeAction;
    merchantRemoved: CascadeAction;
    limitTier: Tier;
  };
}

/**
 * The content governance policy: every threshold, weight and ladder the content rules use.
 * Decisions record `{ name, version }` so they can be explained and replayed; a change to
 * any number here is a new version.
 */
export const CONTENT_POLICY: ContentPolicy = {
  name: 'content-governance',
  version: '2026-11-28.1',

  /** Request bounds: oversized input is rejected, never truncated. */
  limits: {
    maxTitleChars: 200,
    maxCaptionsChars: 5_000,
    maxTranscriptChars: 100_000,
    maxLinkedProducts: 50,
    maxLiveSegmentChars: 2_000,
    /** Ids of content items, creators, products, penalties, appeals and operators. */
    maxIdChars: 128,
    maxFingerprintChars: 256,
    /** Operator and reviewer notes. */
    maxNoteChars: 2_000,
    /** A creator's appeal statement. */
    maxStatementChars: 5_000,
    maxEvidenceRefs: 20,
    maxEvidenceRefChars: 512,
    /** Reasons an operator gives with a manual deduction. */
    maxReasons: 20,
    maxReasonMessageChars: 1_000,
    /** A client timestamp this far ahead of the service clock is refused as coming from the future. */
    maxClockSkewMs: 5_000,
    /** Engagement counters above this are not believable (views, likes, comments, shares). */
    maxEngagementCount: 1e13,
  },

  violations: {
    /** Severity of each non-claim violation. Claims take the lexicon's severity. */
    severity: {
      BANNED_PRODUCT_LINK: 'HIGH',
      REMOVED_MERCHANT_LINK: 'HIGH',
      CREATOR_LINKING_SUSPENDED: 'MEDIUM',
      CREATOR_PRIVILEGES_REVOKED: 'HIGH',
      REPOSTED_CONTENT: 'MEDIUM',
    },
    /**
     * Which violations are the creator's fault and cost credit. Links to banned products or
     * removed merchants and an existing suspension are enforced (links refused), not punished again.
     */
    deductsCredit: {
      PROHIBITED_CLAIM: true,
      REPOSTED_CONTENT: true,
      BANNED_PRODUCT_LINK: false,
      REMOVED_MERCHANT_LINK: false,
      CREATOR_LINKING_SUSPENDED: false,
      CREATOR_PRIVILEGES_REVOKED: false,
      VIEWER_REPORTS: true,
      MANUAL: true,
    },
    /** Severity names a claims lexicon may use, mapped onto ours (matched case-insensitively). */
    claimSeverityAliases: {
      low: 'LOW',
      minor: 'LOW',
      info: 'LOW',
      medium: 'MEDIUM',
      moderate: 'MEDIUM',
      major: 'HIGH',
      high: 'HIGH',
      severe: 'HIGH',
      critical: 'CRITICAL',
      blocker: 'CRITICAL',
    },
    /** A lexicon severity we do not know counts as this. */
    claimSeverityFallback: 'MEDIUM',
  },

  quality: {
    /** Weights of the four axes in the overall score (sum 1). */
    weights: { authentic: 0.3, credible: 0.3, professional: 0.2, engaging: 0.2 },
    authentic: {
      /** Score of a re-post of another creator's media. */
      repostedScore: 10,
      /** Deducted when no media fingerprint was given (originality unknown). */
      missingFingerprintPenalty: 20,
      /** Deducted per distinct prohibited claim, by severity. */
      claimPenalty: { LOW: 10, MEDIUM: 25, HIGH: 50, CRITICAL: 100 },
    },
    credible: {
      /** Attribution rates are judged only from this many attributed orders. */
      minOrders: 20,
      /** Refund rate at or below `ok` costs nothing; at `bad` or above costs `maxPenalty`; linear between. */
      refund: { ok: 0.05, bad: 0.3, maxPenalty: 50 },
      complaint: { ok: 0.01, bad: 0.1, maxPenalty: 50 },
      /** Points deducted per missing creator credit point (12 - credit). */
      perMissingCreditPoint: 3,
    },
    professional: {
      /** Each part scores its share in proportion to its length up to the target. */
      title: { share: 25, targetChars: 8 },
      captions: { share: 35, targetChars: 40 },
      transcript: { share: 30, targetChars: 200 },
      /** Share earned by linking at least one product with its merchant. */
      productLinks: { share: 10 },
    },
    engaging: {
      /** Engagement is judged only from this many views; below, the neutral score applies. */
      minViews: 500,
      neutralScore: 50,
      /** Completion rate earning the full completion share. */
      completion: { share: 60, target: 0.5 },
      /** (likes + 2*comments + 3*shares) / views earning the full interaction share. */
      interaction: { share: 40, target: 0.1 },
    },
  },

  tiers: {
    /** Overall score ladder (highest rung reached). */
    ladder: [
      { atLeast: 0, outcome: 'BLOCKED' },
      { atLeast: 20, outcome: 'LIMITED' },
      { atLeast: 50, outcome: 'STANDARD' },
      { atLeast: 85, outcome: 'PREMIUM' },
    ],
    trafficWeight: { PREMIUM: 1.5, STANDARD: 1.0, LIMITED: 0.3, BLOCKED: 0 },
    /** The best tier an item may have with a violation of each severity. */
    violationCap: { LOW: 'STANDARD', MEDIUM: 'STANDARD', HIGH: 'LIMITED', CRITICAL: 'BLOCKED' },
    /** Best tier of a creator who is traffic limited by their credit (credit at or below the warning rung). */
    creatorTrafficLimitedCap: 'LIMITED',
    /** Best tier when a linked merchant lost affiliate eligibility (no boost for its goods). */
    affiliateIneligibleCap: 'STANDARD',
    /** Boost only proven content: PREMIUM needs measured engagement (views >= quality.engaging.minViews). */
    premiumNeedsMeasuredEngagement: true,
  },

  credit: {
    maxCredit: 12,
    /** Points deducted by severity. */
    points: { LOW: 1, MEDIUM: 3, HIGH: 6, CRITICAL: 12 },
    /** A deduction is in force for this many days, then the points return. */
    deductionLifetimeDays: 365,
    /** At or below: warning and traffic limit. */
    warnAtOrBelow: 8,
    /** At or below: product linking suspended for `linkingSuspensionDays` from the deduction that reached it. */
    suspendLinkingAtOrBelow: 4,
    linkingSuspensionDays: 7,
    /** At or below: e-commerce privileges revoked. */
    revokeAtOrBelow: 0,
  },

  livestream: {
    /** Sliding window over which strike points add up. */
    windowMs: 5 * 60_000,
    /** Strike points per claim hit, by severity; a CRITICAL hit interrupts at once whatever the points. */
    claimPoints: { LOW: 1, MEDIUM: 3, HIGH: 6, CRITICAL: 100 },
    interruptOnCritical: true,
    /** One signal raises the level by one step at most (warn before limit, limit before interrupt); CRITICAL excepted. */
    oneStepPerSignal: true,
    /** Strike points per viewer complaint. */
    complaintPoints: 4,
    /**
     * Strike points per viewer report, scaled down by audience size: reports / max(1, viewers / reportAudienceUnit).
     * A handful of reports in a 100k-viewer room weighs less than in a 200-viewer room.
     */
    reportPoints: 1,
    reportAudienceUnit: 1_000,
    /** Windowed points at which each level is reached (levels never go down within a session). */
    ladder: [
      { atLeast: 3, outcome: 'WARN_HOST' },
      { atLeast: 9, outcome: 'LIMIT_TRAFFIC' },
      { atLeast: 18, outcome: 'INTERRUPT' },
    ],
    /** Traffic weight of a session at each level. */
    trafficWeight: { NONE: 1.0, WARN_HOST: 1.0, LIMIT_TRAFFIC: 0.3, INTERRUPT: 0 },
    /** Credit severity charged to the host when the session reaches a level (none for WARN_HOST). */
    penaltySeverity: { LIMIT_TRAFFIC: 'MEDIUM', INTERRUPT: 'HIGH' },
  },

  appeals: {
    /** Days after a penalty within which it may be appealed. */
    windowDays: 7,
  },

  cascade: {
    /** What happens to content linking a product banned for each cause. */
    productBanned: {
      LAB_CRITICAL: 'LIMIT',
      MANUAL: 'LIMIT',
      MERCHANT_REMOVED: 'UNLINK',
      IP_TAKEDOWN: 'UNLINK',
      RE_UPLOAD: 'UNLINK',
    },
    /** A ban cause not listed above. */
    productBannedFallback: 'LIMIT',
    /** What happens to content linking any product of a removed merchant. */
    merchantRemoved: 'UNLINK',
    /** Tier an item is capped to by LIMIT. */
    limitTier: 'LIMITED',
  },
};

export const policyRef = (policy: { name: string; version: string } = CONTENT_POLICY): PolicyRef => ({
  name: policy.name,
  version: policy.version,
});

/**
 * Candidate: stricter tiers (STANDARD from an overall score of 80, PREMIUM from 90) and, for
 * livestreams, a steeper ladder (warn, limit, interrupt at 2 / 6 / 12 strike points) in place of
 * the interrupt-at-once on a critical claim: the host is warned first, as for any claim.
 * Shipped to run in shadow beside the live policy and be backtested (issue 16); not live
 * until made active.
 */
export const CONTENT_POLICY_2026_12: ContentPolicy = {
  ...CONTENT_POLICY,
  version: '2026-12-05.1',
  tiers: {
    ...CONTENT_POLICY.tiers,
    ladder: [
      { atLeast: 0, outcome: 'BLOCKED' },
      { atLeast: 20, outcome: 'LIMITED' },
      { atLeast: 80, outcome: 'STANDARD' },
      { atLeast: 90, outcome: 'PREMIUM' },
    ],
  },
  livestream: {
    ...CONTENT_POLICY.livestream,
    interruptOnCritical: false,
    ladder: [
      { atLeast: 2, outcome: 'WARN_HOST' },
      { atLeast: 6, outcome: 'LIMIT_TRAFFIC' },
      { atLeast: 12, outcome: 'INTERRUPT' },
    ],
  },
};

/** Every shipped version of the content policy (records name theirs), and the active one. */
export const CONTENT_POLICIES = definePolicyVersions(
  { [CONTENT_POLICY.version]: CONTENT_POLICY, [CONTENT_POLICY_2026_12.version]: CONTENT_POLICY_2026_12 },
  CONTENT_POLICY.version,
);

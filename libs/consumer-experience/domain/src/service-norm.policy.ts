import { DAY, definePolicyVersions, HOUR, MINUTE, type VersionedPolicy } from '@govern/policy-core';

/** How a buyer reached the merchant's customer service. */
export type ContactChannel = 'CHAT' | 'MESSAGE';

/** What the buyer contacted the merchant about. */
export type ContactTopic = 'PRE_SALE' | 'ORDER_PROBLEM' | 'AFTER_SALE';

/** A daily window of service hours in the platform's local time (minutes after local midnight, [opens, closes)). */
export interface ServiceHours {
  readonly utcOffsetMinutes: number;
  readonly opensAtMinute: number;
  readonly closesAtMinute: number;
}

export interface ChannelNorm {
  /** The first reply is due this long after the contact. */
  readonly firstReplyWithinMs: number;
  /** The clock runs only within service hours (a chat at 3 am is due 3 minutes after opening). */
  readonly serviceHoursOnly: boolean;
}

/**
 * Merchant service norms (issue 19): response SLAs per channel, what counts as resolved, how
 * satisfaction is read from buyers' post-contact ratings, and when breaches become a violation
 * candidate for merchant-access.
 */
export interface ServiceNormPolicy extends VersionedPolicy {
  readonly serviceHours: ServiceHours;
  readonly channels: Readonly<Record<ContactChannel, ChannelNorm>>;
  /**
   * A reply reaches the platform a little after the merchant sends it: an unanswered contact is
   * found in breach this long after its due time, so a reply sent in time but recorded late is
   * judged by when it was sent, not turned into a breach by the timer.
   */
  readonly noReplyFoundAfterMs: number;
  readonly resolution: {
    /** The buyer's own verdict in the rating (solved or not) prevails over the merchant's mark. */
    readonly buyerVerdictPrevails: boolean;
    /** Without a buyer verdict, a reply the merchant marked as resolving counts when given within this long of the contact. */
    readonly merchantMarkCountsWithinMs: number;
  };
  /** Ratings 1-5 at or above count as satisfied. */
  readonly satisfiedRatingAtLeast: number;
  /** A buyer rates a contact within this long of it, else the rating is refused. */
  readonly ratingWithinMs: number;
  /** Breaches of a merchant within the rolling window that make a violation candidate (sent to merchant-access). */
  readonly violationCandidate: { readonly windowMs: number; readonly minBreaches: number };
}

export const SERVICE_NORM_POLICY: ServiceNormPolicy = {
  name: 'consumer-service-norms',
  version: '2026-12-05.1',
  /** 08:00-23:00 China Standard Time (UTC+8, no daylight saving), every day. */
  serviceHours: { utcOffsetMinutes: 8 * 60, opensAtMinute: 8 * 60, closesAtMinute: 23 * 60 },
  channels: {
    /** Instant chat: the first reply within 3 minutes of service hours. */
    CHAT: { firstReplyWithinMs: 3 * MINUTE, serviceHoursOnly: true },
    /** Messages left for the merchant: answered within 24 h, hours or not. */
    MESSAGE: { firstReplyWithinMs: 24 * HOUR, serviceHoursOnly: false },
  },
  /** The request checks' clock skew: what a reply's time may be off by. */
  noReplyFoundAfterMs: 5 * MINUTE,
  resolution: { buyerVerdictPrevails: true, merchantMarkCountsWithinMs: 48 * HOUR },
  satisfiedRatingAtLeast: 4,
  ratingWithinMs: 7 * DAY,
  /** Five breaches in 7 days: a merchant that ignores buyers, not one slow afternoon. */
  violationCandidate: { windowMs: 7 * DAY, minBreaches: 5 },
};

/** Every shipped version of the service-norm policy (contacts name theirs), and the active one. */
export const SERVICE_NORM_POLICIES = definePolicyVersions({ [SERVICE_NORM_POLICY.version]: SERVICE_NORM_POLICY }, SERVICE_NORM_POLICY.version);

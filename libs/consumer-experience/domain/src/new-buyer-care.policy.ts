import { DAY, definePolicyVersions, HOUR, type VersionedPolicy } from '@govern/policy-core';

/** How a new buyer's order can get stuck, each watched by its own durable timer. */
export type CareKind = 'DISPATCH_STUCK' | 'NO_LOGISTICS_SCAN' | 'REFUND_PENDING' | 'RETURN_FEE_UNSETTLED';

/**
 * One watch: both bounds are measured from the kind's anchor (DISPATCH_STUCK: the dispatch
 * deadline; NO_LOGISTICS_SCAN: the dispatch; REFUND_PENDING: the after-sale request;
 * RETURN_FEE_UNSETTLED: the return's shipment, when its freight became owed). At
 * `nudgeAtMs` a case opens and the merchant is nudged; at `stepInAtMs` the platform steps in.
 */
export interface CareWatch {
  readonly nudgeAtMs: number;
  readonly stepInAtMs: number;
}

/**
 * Proactive care for new buyers (issue 19): which orders are a new buyer's, when a stuck one opens
 * a care case and nudges the merchant, and when the platform steps in (the fund pays, recovered
 * from the merchant's deposit through the ledger).
 */
export interface NewBuyerCarePolicy extends VersionedPolicy {
  /** An order is a new buyer's while it is among the buyer's first `firstOrders` and within `firstDays` of the first (whichever ends first). */
  readonly newBuyer: { readonly firstOrders: number; readonly firstDaysMs: number };
  /** The watches of this version; a kind it does not name is not watched under it. */
  readonly watches: Readonly<Partial<Record<CareKind, CareWatch>>>;
}

export const NEW_BUYER_CARE_POLICY_2026_12_05: NewBuyerCarePolicy = {
  name: 'consumer-new-buyer-care',
  version: '2026-12-05.1',
  newBuyer: { firstOrders: 3, firstDaysMs: 30 * DAY },
  watches: {
    /** 12 h before the 48 h promise runs out the merchant is nudged; a day past it the platform refunds the buyer. */
    DISPATCH_STUCK: { nudgeAtMs: -12 * HOUR, stepInAtMs: 24 * HOUR },
    /** No carrier scan 12 h after dispatch: nudged; none after 72 h: the parcel is treated as lost and refunded. */
    NO_LOGISTICS_SCAN: { nudgeAtMs: 12 * HOUR, stepInAtMs: 72 * HOUR },
    /** A refund request still open after 24 h: nudged; after 72 h the fund pays what was asked. */
    REFUND_PENDING: { nudgeAtMs: 24 * HOUR, stepInAtMs: 72 * HOUR },
  },
};

/**
 * Active: also watches the return freight a merchant owes a new buyer (the source's customer service
 * helps new users with shipping-fee problems too): unpaid a day after the return shipped, the
 * merchant is nudged; three days after, the fund pays it and recovers it from the deposit.
 */
export const NEW_BUYER_CARE_POLICY: NewBuyerCarePolicy = {
  ...NEW_BUYER_CARE_POLICY_2026_12_05,
  version: '2026-12-05.2',
  watches: { ...NEW_BUYER_CARE_POLICY_2026_12_05.watches, RETURN_FEE_UNSETTLED: { nudgeAtMs: 24 * HOUR, stepInAtMs: 72 * HOUR } },
};

/** Every shipped version of the new-buyer care policy (cases name theirs), and the active one. */
export const NEW_BUYER_CARE_POLICIES = definePolicyVersions(
  { [NEW_BUYER_CARE_POLICY_2026_12_05.version]: NEW_BUYER_CARE_POLICY_2026_12_05, [NEW_BUYER_CARE_POLICY.version]: NEW_BUYER_CARE_POLICY },
  NEW_BUYER_CARE_POLICY.version,
);

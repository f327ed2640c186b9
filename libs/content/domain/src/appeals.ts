import { DAY, DomainError, failedPrecondition, reason, type PolicyRef, type Reason } from '@govern/policy-core';
import { lowerTier, type Tier } from './content-types';
import { CONTENT_POLICY, policyRef, type ContentPolicy } from './content.policy';

/** LIFTED: its upstream cause went away (product unbanned, merchant reinstated). */
export type PenaltyState = 'ACTIVE' | 'EXPIRED' | 'OVERTURNED' | 'LIFTED';

/** A penalty as stored: what it did, so an overturn can undo exactly that. */
export interface PenaltyRecord {
  id: string;
  creatorId: string;
  contentId?: string;
  state: PenaltyState;
  imposedAt: Date;
  /** Tier of the item before the penalty. */
  previousTier?: Tier;
  /** Tier the penalty capped the item at, if it did. */
  appliedTier?: Tier;
  /** Product links the penalty removed. */
  unlinkedProductIds: readonly string[];
  /** Credit deductions made with it. */
  deductionIds: readonly string[];
  /** Where it came from; a cascade penalty follows its upstream cause instead of an appeal. */
  source?: 'ASSESSMENT' | 'LIVESTREAM' | 'CASCADE' | 'MANUAL';
}

export type AppealState = 'PENDING' | 'UPHELD' | 'OVERTURNED';
export type AppealOutcome = 'UPHOLD' | 'OVERTURN';

export const appealDeadline = (penalty: Pick<PenaltyRecord, 'imposedAt'>, policy: ContentPolicy = CONTENT_POLICY): Date =>
  new Date(penalty.imposedAt.getTime() + policy.appeals.windowDays * DAY);

/**
 * A penalty may be appealed by the creator who bears it, while it is in force, within the
 * window, and once at a time. Throws a DomainError with a stable code otherwise.
 */
export const assertAppealable = (
  input: { penalty: PenaltyRecord; creatorId: string; at: Date; hasPendingAppeal: boolean },
  policy: ContentPolicy = CONTENT_POLICY,
): void => {
  const { penalty } = input;
  if (penalty.creatorId !== input.creatorId) {
    throw new DomainError('PERMISSION_DENIED', 'APPEAL.NOT_PENALISED_CREATOR', 'Only the penalised creator may appeal', { penalty_id: penalty.id });
  }
  if (penalty.source === 'CASCADE') {
    // The creator is not at fault: the penalty lifts by itself when the product is unbanned or the
    // merchant reinstated, and the ban or removal is appealed where it was decided.
    throw failedPrecondition('APPEAL.CASCADE_PENALTY', `Penalty ${penalty.id} follows an upstream ban or removal and lifts with it`, {
      penalty_id: penalty.id,
    });
  }
  if (penalty.state !== 'ACTIVE') {
    throw failedPrecondition('APPEAL.PENALTY_NOT_ACTIVE', `Penalty ${penalty.id} is ${penalty.state.toLowerCase()}`, { penalty_id: penalty.id, state: penalty.state });
  }
  const deadline = appealDeadline(penalty, policy);
  if (input.at.getTime() > deadline.getTime()) {
    throw failedPrecondition('APPEAL.WINDOW_CLOSED', `The appeal window closed at ${deadline.toISOString()}`, {
      penalty_id: penalty.id,
      deadline: deadline.toISOString(),
    });
  }
  if (input.hasPendingAppeal) {
    throw failedPrecondition('APPEAL.ALREADY_PENDING', `Penalty ${penalty.id} already has a pending appeal`, { penalty_id: penalty.id });
  }
};

/** A pending appeal may be decided once. */
export const assertDecidable = (appeal: { id: string; state: AppealState }): void => {
  if (appeal.state !== 'PENDING') {
    throw failedPrecondition('APPEAL.ALREADY_DECIDED', `Appeal ${appeal.id} is already ${appeal.state.toLowerCase()}`, { appeal_id: appeal.id });
  }
};

export interface OverturnPlan {
  /** Tier to give the item back, or undefined when the penalty did not touch it. */
  restoredTier: Tier | undefined;
  relinkProductIds: string[];
  /** Links that stay down because another rule still applies (banned product, removed merchant). */
  keptUnlinked: { productId: string; code: string }[];
  /** Deductions to mark overturned: the creator's credit is recomputed without them. */
  overturnDeductionIds: string[];
  reasons: Reason[];
  policy: PolicyRef;
}

/**
 * What an overturn restores: the item's tier as it was (still capped by other penalties in
 * force), the links the penalty removed (unless the product is banned or its merchant removed
 * since), and the credit deducted with it.
 */
export const planOverturn = (
  input: {
    penalty: PenaltyRecord;
    /** Other penalties in force on the same item. */
    otherActivePenalties: readonly PenaltyRecord[];
    /** Merchant of each unlinked product. */
    merchantOf: ReadonlyMap<string, string>;
    bannedProductIds: ReadonlySet<string>;
    removedMerchantIds: ReadonlySet<string>;
  },
  policy: ContentPolicy = CONTENT_POLICY,
): OverturnPlan => {
  const { penalty } = input;
  const reasons: Reason[] = [reason('APPEAL.OVERTURNED', `Penalty ${penalty.id} overturned on appeal`, { penalty_id: penalty.id })];

  let restoredTier: Tier | undefined;
  if (penalty.appliedTier !== undefined && penalty.previousTier !== undefined) {
    restoredTier = penalty.previousTier;
    for (const other of input.otherActivePenalties) {
      if (other.id === penalty.id || other.state !== 'ACTIVE' || other.appliedTier === undefined) continue;
      const capped = lowerTier(restoredTier, other.appliedTier);
      if (capped !== restoredTier) {
        reasons.push(reason('APPEAL.TIER_STILL_CAPPED', `Penalty ${other.id} still caps the tier at ${other.appliedTier}`, { penalty_id: other.id }));
        restoredTier = capped;
      }
    }
  }

  const relinkProductIds: string[] = [];
  const keptUnlinked: { productId: string; code: string }[] = [];
  for (const productId of penalty.unlinkedProductIds) {
    const merchantId = input.merchantOf.get(productId);
    if (input.bannedProductIds.has(productId)) keptUnlinked.push({ productId, code: 'CONTENT.LINK.BANNED_PRODUCT' });
    else if (merchantId !== undefined && input.removedMerchantIds.has(merchantId)) keptUnlinked.push({ productId, code: 'CONTENT.LINK.REMOVED_MERCHANT' });
    else relinkProductIds.push(productId);
  }
  for (const kept of keptUnlinked) {
    reasons.push(reason('APPEAL.LINK_STILL_REFUSED', `Product ${kept.productId} stays unlinked`, { product_id: kept.productId, code: kept.code }));
  }

  return { restoredTier, relinkProductIds, keptUnlinked, overturnDeductionIds: [...penalty.deductionIds], reasons, policy: policyRef(policy) };
};

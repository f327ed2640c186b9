import { reason, type PolicyRef, type Reason } from '@govern/policy-core';
import { lowerTier, type ProductLink, type Tier } from './content-types';
import { CONTENT_POLICY, policyRef, type CascadeAction, type ContentPolicy } from './content.policy';

/** An upstream decision that content must follow (from product-quality / merchant-access events). */
export type CascadeTrigger =
  | { type: 'PRODUCT_BANNED'; productId: string; cause: string }
  | { type: 'MERCHANT_REMOVED'; merchantId: string };

export interface CascadeItem {
  contentId: string;
  creatorId: string;
  tier: Tier;
  productLinks: readonly ProductLink[];
}

export interface CascadeDecision {
  contentId: string;
  creatorId: string;
  action: CascadeAction;
  previousTier: Tier;
  tier: Tier;
  trafficWeight: number;
  /** False when the item already was at or below the limit tier (nothing to emit for the tier). */
  tierChanged: boolean;
  /** Links to remove (UNLINK only). */
  unlinkProductIds: string[];
  /** Active links that the trigger concerns. */
  affectedProductIds: string[];
  reasons: Reason[];
}

export interface CascadePlan {
  action: CascadeAction;
  decisions: CascadeDecision[];
  /** Items that have no active link concerned (already unlinked, or never linked): nothing to do. */
  untouchedContentIds: string[];
  policy: PolicyRef;
}

/** The policy's action for a trigger: by ban cause for products, one action for merchant removals. */
export const cascadeActionFor = (trigger: CascadeTrigger, policy: ContentPolicy = CONTENT_POLICY): CascadeAction =>
  trigger.type === 'MERCHANT_REMOVED' ? policy.cascade.merchantRemoved : (policy.cascade.productBanned[trigger.cause] ?? policy.cascade.productBannedFallback);

/**
 * Plans, for a batch of content items, what a product ban or merchant removal does to each:
 * LIMIT caps the item's tier (links stay, the product itself is delisted upstream); UNLINK
 * removes the concerned links and leaves the tier. Pure and linear in the batch, so the service
 * can apply it to thousands of items with a few bulk writes. Re-running it on its own output
 * changes nothing (idempotent): unlinked links are skipped, tiers only go down.
 */
export const planCascade = (trigger: CascadeTrigger, items: readonly CascadeItem[], policy: ContentPolicy = CONTENT_POLICY): CascadePlan => {
  const action = cascadeActionFor(trigger, policy);
  const concerns = (link: ProductLink): boolean =>
    link.state === 'ACTIVE' && (trigger.type === 'PRODUCT_BANNED' ? link.productId === trigger.productId : link.merchantId === trigger.merchantId);
  const triggerReason =
    trigger.type === 'PRODUCT_BANNED'
      ? reason('CONTENT.CASCADE.PRODUCT_BANNED', `Linked product ${trigger.productId} was banned (${trigger.cause})`, {
          product_id: trigger.productId,
          cause: trigger.cause,
          action,
        })
      : reason('CONTENT.CASCADE.MERCHANT_REMOVED', `Merchant ${trigger.merchantId} of a linked product was removed`, {
          merchant_id: trigger.merchantId,
          action,
        });

  const decisions: CascadeDecision[] = [];
  const untouchedContentIds: string[] = [];
  for (const item of items) {
    const affectedProductIds = item.productLinks.filter(concerns).map((l) => l.productId);
    if (affectedProductIds.length === 0) {
      untouchedContentIds.push(item.contentId);
      continue;
    }
    const tier = action === 'LIMIT' ? lowerTier(item.tier, policy.cascade.limitTier) : item.tier;
    decisions.push({
      contentId: item.contentId,
      creatorId: item.creatorId,
      action,
      previousTier: item.tier,
      tier,
      trafficWeight: policy.tiers.trafficWeight[tier],
      tierChanged: tier !== item.tier,
      unlinkProductIds: action === 'UNLINK' ? affectedProductIds : [],
      affectedProductIds,
      reasons: [{ ...triggerReason, evidence: { ...triggerReason.evidence, affected_product_ids: affectedProductIds.join(',') } }],
    });
  }
  return { action, decisions, untouchedContentIds, policy: policyRef(policy) };
};

export interface BoostItem {
  contentId: string;
  creatorId: string;
  tier: Tier;
}

export interface BoostRemoval {
  contentId: string;
  creatorId: string;
  previousTier: Tier;
  tier: Tier;
  trafficWeight: number;
  reasons: Reason[];
}

/**
 * A merchant lost affiliate-programme eligibility: content selling its goods is no longer
 * boosted (tier capped at the policy's `affiliateIneligibleCap`). Not a penalty: the creator
 * did nothing wrong, and items already at or below the cap are left alone.
 */
export const planBoostRemoval = (merchantId: string, items: readonly BoostItem[], policy: ContentPolicy = CONTENT_POLICY): BoostRemoval[] => {
  const cap = policy.tiers.affiliateIneligibleCap;
  const removals: BoostRemoval[] = [];
  for (const item of items) {
    const tier = lowerTier(item.tier, cap);
    if (tier === item.tier) continue;
    removals.push({
      contentId: item.contentId,
      creatorId: item.creatorId,
      previousTier: item.tier,
      tier,
      trafficWeight: policy.tiers.trafficWeight[tier],
      reasons: [
        reason('CONTENT.TIER.MERCHANT_NOT_AFFILIATE_ELIGIBLE', `Merchant ${merchantId} lost affiliate eligibility: no boost for its goods`, {
          merchant_id: merchantId,
          from: item.tier,
          to: tier,
        }),
      ],
    });
  }
  return removals;
};

import type { MerchantSnapshot, MerchantStanding } from '../listing/listing';
import { MERCHANT_STANDING_POLICY, type MerchantStandingPolicy } from './merchant-standing.policy';

/**
 * A merchant as product-quality keeps it from merchant-access events (MerchantOnboarded,
 * MerchantSanctioned, MerchantReinstated, MerchantRemoved, StoreExperienceScoreChanged).
 */
export interface MerchantRecord {
  merchantId: string;
  standing: MerchantStanding;
  /** Category codes merchant-access approved (its own codes, e.g. "food", "cosmetics"). */
  approvedCategoryCodes: readonly string[];
  /** 0 = no quota. */
  listingQuota: number;
  /** Store experience score 1.0-5.0; undefined while neutral or never reported. */
  storeScore?: number | undefined;
}

/** Qualifications merchant-access verified, as the listing gate checks them. */
export const merchantQualifications = (approvedCategoryCodes: readonly string[], policy: MerchantStandingPolicy = MERCHANT_STANDING_POLICY): string[] => {
  const held = new Set<string>();
  for (const code of approvedCategoryCodes) for (const kind of policy.qualificationsByApprovedCategory[code] ?? []) held.add(kind);
  return [...held].sort();
};

/** The gate's view of a merchant; `activeListingCount` only matters when there is a quota. */
export const merchantSnapshot = (
  record: MerchantRecord,
  activeListingCount: number | undefined,
  policy: MerchantStandingPolicy = MERCHANT_STANDING_POLICY,
): MerchantSnapshot => ({
  merchantId: record.merchantId,
  standing: record.standing,
  qualifications: merchantQualifications(record.approvedCategoryCodes, policy),
  ...(record.listingQuota !== policy.unlimitedQuota ? { listingQuota: record.listingQuota, activeListingCount: activeListingCount ?? 0 } : {}),
});

/**
 * The standing after a sanction: a listing restriction or suspension replaces a lighter
 * standing, never a removal (merchant-access lifts a removal only with MerchantReinstated).
 */
export const standingAfterSanction = (current: MerchantStanding | undefined, sanction: MerchantStanding): MerchantStanding =>
  current === 'REMOVED' ? 'REMOVED' : sanction;

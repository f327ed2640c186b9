/** What a merchant may do right now (mirrors the contract's MerchantStatus). */
export type MerchantStatus = 'ACTIVE' | 'LISTING_RESTRICTED' | 'SUSPENDED' | 'REMOVED';

export const isSanctionedStatus = (status: MerchantStatus): boolean => status === 'LISTING_RESTRICTED' || status === 'SUSPENDED';

/** Severity order: a more severe sanction wins when two are active at once. */
export const STATUS_SEVERITY: Readonly<Record<MerchantStatus, number>> = {
  ACTIVE: 0,
  LISTING_RESTRICTED: 1,
  SUSPENDED: 2,
  REMOVED: 3,
};

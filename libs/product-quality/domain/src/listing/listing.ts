/** A listing as submitted on publish or edit (the domain view of the contract's Listing). */
export interface ListingInput {
  listingId: string;
  productId: string;
  skuId: string;
  merchantId: string;
  categoryCode: string;
  title: string;
  description: string;
  /** Declared brand; empty for unbranded goods. */
  brand: string;
  manufacturer: string;
  productionDate?: Date | undefined;
  batchNumber: string;
  /** Product certificate (e.g. CCC) or executive standard code (e.g. "GB 4806.7-2016"). */
  certificateCode: string;
  imageHashes: readonly string[];
  /** Qualification kinds the merchant declares for this listing. */
  declaredQualifications: readonly string[];
  priceFen: bigint;
}

export type ListingAction = 'PUBLISH' | 'EDIT';

/** Merchant standing as product-quality knows it from merchant-access events. */
export type MerchantStanding = 'ACTIVE' | 'LISTING_RESTRICTED' | 'SUSPENDED' | 'REMOVED';

export interface MerchantSnapshot {
  merchantId: string;
  standing: MerchantStanding;
  /** Qualification kinds merchant-access verified for this merchant. */
  qualifications: readonly string[];
  /** Listing quota of a merchant approved with restrictions; undefined when unlimited. */
  listingQuota?: number | undefined;
  /** Listings the merchant currently has on sale (checked against the quota on publish). */
  activeListingCount?: number | undefined;
}

/** A registered brand (see RegisterBrand). */
export interface BrandRecord {
  brandId: string;
  name: string;
  aliases: readonly string[];
  /** Rights holder account; a merchant with this id sells its own brand. */
  ownerId: string;
  authorisationRequired: boolean;
  /** Categories the trademark covers; empty means all. */
  categoryCodes: readonly string[];
  expiresAt?: Date | undefined;
}

/** A brand owner's authorisation for a merchant. */
export interface BrandAuthorisationRecord {
  authorisationId: string;
  brandId: string;
  merchantId: string;
  /** Categories covered; empty means every category of the brand. */
  categoryCodes: readonly string[];
  validFrom: Date;
  validUntil?: Date | undefined;
  revokedAt?: Date | undefined;
}

/** What the gate needs to know of a banned product to recognise its re-upload. */
export interface BannedProductPrint {
  productId: string;
  banId: string;
  merchantId: string;
  imageHashes: readonly string[];
  title: string;
  /** Precomputed titleFingerprint(title), when stored; computed otherwise. */
  titleFingerprint?: string | undefined;
}

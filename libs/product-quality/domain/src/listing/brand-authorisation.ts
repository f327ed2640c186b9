import { anyCategoryCovers } from '../shared/category';
import type { BrandAuthorisationRecord, BrandRecord } from './listing';

/** Whether the authorisation lets the merchant sell the brand in the category at `now`. */
export const authorisationCovers = (
  auth: BrandAuthorisationRecord,
  brandId: string,
  merchantId: string,
  categoryCode: string,
  now: Date,
): boolean =>
  auth.brandId === brandId &&
  auth.merchantId === merchantId &&
  auth.revokedAt === undefined &&
  auth.validFrom.getTime() <= now.getTime() &&
  (auth.validUntil === undefined || now.getTime() < auth.validUntil.getTime()) &&
  anyCategoryCovers(auth.categoryCodes, categoryCode);

/** The brand owner itself, or a merchant holding a covering authorisation. */
export const mayMerchantSellBrand = (
  brand: BrandRecord,
  merchantId: string,
  categoryCode: string,
  authorisations: readonly BrandAuthorisationRecord[],
  now: Date,
): boolean => brand.ownerId === merchantId || authorisations.some((a) => authorisationCovers(a, brand.brandId, merchantId, categoryCode, now));

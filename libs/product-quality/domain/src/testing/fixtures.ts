import type { DomainError } from '@govern/policy-core';
import type { ListingGateContext } from '../listing/evaluate-listing';
import type { ClaimScanner } from '../listing/claim-scanner.port';
import type { ListingInput } from '../listing/listing';

/** Fixtures of the domain's unit specs. */

/** The code of the DomainError `fn` throws, or 'NO_ERROR'. */
export const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'NO_ERROR';
};

/** A complete, lawful listing of an ordinary product (a vacuum flask). */
export const listingInput = (over: Partial<ListingInput> = {}): ListingInput => ({
  listingId: 'L-1',
  productId: 'P-1',
  skuId: 'SKU-1',
  merchantId: 'M-1',
  categoryCode: 'home.kitchen',
  title: '316不锈钢保温杯 500ml',
  description: '双层真空，保温12小时。',
  brand: '',
  manufacturer: '浙江某某杯业有限公司',
  productionDate: new Date('2026-09-01T00:00:00Z'),
  batchNumber: '',
  certificateCode: 'GB/T 29606-2013',
  imageHashes: [],
  declaredQualifications: [],
  priceFen: 5900n,
  ...over,
});

/** The gate's context for an active merchant publishing, with no brands, authorisations or banned prints. */
export const gateContext = (claimScanner: ClaimScanner, now: Date, over: Partial<ListingGateContext> = {}): ListingGateContext => ({
  action: 'PUBLISH',
  merchant: { merchantId: 'M-1', standing: 'ACTIVE', qualifications: [] },
  brands: [],
  authorisations: [],
  bannedPrints: [],
  claimScanner,
  now,
  ...over,
});

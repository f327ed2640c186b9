import { describe, expect, it } from 'vitest';
import { merchantQualifications, merchantSnapshot, standingAfterSanction } from './merchant-standing';

describe('merchant standing from merchant-access events', () => {
  it('reads approved categories as the qualifications merchant-access verified for them', () => {
    expect(merchantQualifications(['food', 'cosmetics', 'apparel'])).toEqual(['COSMETICS_FILING', 'FOOD_BUSINESS_LICENCE']);
    expect(merchantQualifications([])).toEqual([]);
  });

  it('applies a listing quota only when merchant-access set one', () => {
    const record = { merchantId: 'M-1', standing: 'ACTIVE' as const, approvedCategoryCodes: ['food'] };
    expect(merchantSnapshot({ ...record, listingQuota: 0 }, 3)).toEqual({ merchantId: 'M-1', standing: 'ACTIVE', qualifications: ['FOOD_BUSINESS_LICENCE'] });
    expect(merchantSnapshot({ ...record, listingQuota: 50 }, 3)).toMatchObject({ listingQuota: 50, activeListingCount: 3 });
  });

  it('never lets a sanction replace a removal', () => {
    expect(standingAfterSanction('ACTIVE', 'LISTING_RESTRICTED')).toBe('LISTING_RESTRICTED');
    expect(standingAfterSanction('SUSPENDED', 'LISTING_RESTRICTED')).toBe('LISTING_RESTRICTED');
    expect(standingAfterSanction('REMOVED', 'SUSPENDED')).toBe('REMOVED');
    expect(standingAfterSanction(undefined, 'SUSPENDED')).toBe('SUSPENDED');
  });
});

import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import type { ClaimHit, ClaimScanner } from './claim-scanner.port';
import { type ListingGateContext, evaluateListing, imageHashDistance, validateListingInput } from './evaluate-listing';
import type { BrandRecord, ListingInput } from './listing';
import { LISTING_GATE_POLICY } from './listing-gate.policy';
import { listingInput, gateContext } from '../testing/fixtures';

const NOW = new Date('2026-11-10T08:00:00Z');

/** A stand-in for the shared lexicon: exact terms only (the real one normalises). */
const stubScanner = (terms: Record<string, { category: string; severity: string }>): ClaimScanner => ({
  scan(text: string): ClaimHit[] {
    const hits: ClaimHit[] = [];
    for (const [term, meta] of Object.entries(terms)) {
      for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
        hits.push({ term, ...meta, start: at, end: at + term.length });
      }
    }
    return hits.sort((a, b) => a.start - b.start);
  },
});

const scanner = stubScanner({
  最好: { category: 'ABSOLUTE', severity: 'HIGH' },
  治疗: { category: 'MEDICAL', severity: 'CRITICAL' },
  'best': { category: 'ABSOLUTE', severity: 'HIGH' },
  '推荐': { category: 'ENDORSEMENT', severity: 'LOW' },
});

const listing = (over: Partial<ListingInput> = {}): ListingInput => listingInput({ imageHashes: ['f0e1d2c3b4a59687'], ...over });

const context = (over: Partial<ListingGateContext> = {}): ListingGateContext => gateContext(scanner, NOW, over);

const codes = (d: { reasons: { code: string }[] }) => d.reasons.map((r) => r.code);

describe('listing gate: approval', () => {
  it('approves a complete listing and records every check passed with the policy version', () => {
    const d = evaluateListing(listing(), context());
    expect(d.decision).toBe('APPROVED');
    expect(d.reasons.map((r) => r.evidence['check']).sort()).toEqual(
      ['BRAND', 'CLAIMS', 'MERCHANT', 'QUALIFICATIONS', 'RE_UPLOAD', 'THREE_NO'],
    );
    expect(d.reasons.every((r) => r.code === 'LISTING.CHECK_PASSED')).toBe(true);
    expect(d.policy).toEqual({ name: 'listing-gate', version: LISTING_GATE_POLICY.version });
    expect(d.zeroTolerance).toBe(false);
    expect(d.titleFingerprint).toMatch(/^tf1:/);
  });

  it('accepts a batch number in place of a production date', () => {
    const d = evaluateListing(listing({ productionDate: undefined, batchNumber: '20260901A' }), context());
    expect(d.decision).toBe('APPROVED');
  });
});

describe('listing gate: three-no, zero tolerance', () => {
  it.each([
    ['manufacturer', { manufacturer: '' }],
    ['production_date', { productionDate: undefined, batchNumber: '' }],
    ['certificate_code', { certificateCode: '' }],
  ] as const)('rejects a listing missing only its %s', (field, over) => {
    const d = evaluateListing(listing(over), context());
    expect(d.decision).toBe('REJECTED');
    expect(d.threeNo).toBe(true);
    expect(d.zeroTolerance).toBe(true);
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]).toMatchObject({ code: 'LISTING.THREE_NO', evidence: { field } });
  });

  it.each([
    ['manufacturer', { manufacturer: ' 无 ' }],
    ['manufacturer', { manufacturer: 'N/A' }],
    ['production_date', { productionDate: undefined, batchNumber: '见包装' }],
    ['certificate_code', { certificateCode: '——' }],
    ['certificate_code', { certificateCode: 'GB' }],
  ] as const)('treats a placeholder %s (%j) as missing', (field, over) => {
    const d = evaluateListing(listing(over), context());
    expect(d.reasons.map((r) => r.evidence['field'])).toEqual([field]);
  });

  it('treats a production date in the future as missing', () => {
    const d = evaluateListing(listing({ productionDate: new Date('2027-01-01T00:00:00Z') }), context());
    expect(d.reasons[0]).toMatchObject({ code: 'LISTING.THREE_NO', evidence: { field: 'production_date', problem: 'in_future' } });
  });

  it('lists all three missing fields, not just the first', () => {
    const d = evaluateListing(listing({ manufacturer: '', productionDate: undefined, certificateCode: '' }), context());
    expect(d.reasons.map((r) => r.evidence['field'])).toEqual(['manufacturer', 'production_date', 'certificate_code']);
  });
});

describe('listing gate: prohibited claims', () => {
  it('rejects each claim found in title and description with its position', () => {
    const d = evaluateListing(listing({ title: '最好的保温杯', description: '可以治疗失眠' }), context());
    expect(d.decision).toBe('REJECTED');
    expect(d.reasons.map((r) => [r.code, r.evidence['field'], r.evidence['term'], r.evidence['start']])).toEqual([
      ['LISTING.PROHIBITED_CLAIM', 'title', '最好', '0'],
      ['LISTING.PROHIBITED_CLAIM', 'description', '治疗', '2'],
    ]);
    expect(d.claimHits).toHaveLength(2);
    expect(d.zeroTolerance).toBe(true);
    expect(d.threeNo).toBe(false);
  });

  it('rejects a low-severity claim without calling it zero tolerance', () => {
    const d = evaluateListing(listing({ description: '店长推荐' }), context());
    expect(d.decision).toBe('REJECTED');
    expect(d.zeroTolerance).toBe(false);
  });
});

describe('listing gate: qualifications', () => {
  it('rejects food from a merchant without a food business licence, even if the listing declares one', () => {
    const d = evaluateListing(
      listing({ categoryCode: 'food.snacks', declaredQualifications: ['FOOD_BUSINESS_LICENCE'] }),
      context(),
    );
    expect(d.reasons).toEqual([
      expect.objectContaining({
        code: 'LISTING.QUALIFICATION_MISSING',
        evidence: { category_code: 'food.snacks', qualification: 'FOOD_BUSINESS_LICENCE', declared_on_listing: 'true' },
      }),
    ]);
  });

  it('uses the most specific category rule and lists every missing qualification', () => {
    const d = evaluateListing(
      listing({ categoryCode: 'food.health.capsules' }),
      context({ merchant: { merchantId: 'M-1', standing: 'ACTIVE', qualifications: ['FOOD_BUSINESS_LICENCE'] } }),
    );
    expect(d.reasons.map((r) => r.evidence['qualification'])).toEqual(['HEALTH_FOOD_REGISTRATION']);
  });

  it('approves when the merchant holds what the category needs', () => {
    const d = evaluateListing(
      listing({ categoryCode: 'cosmetics.skincare' }),
      context({ merchant: { merchantId: 'M-1', standing: 'ACTIVE', qualifications: ['COSMETICS_FILING'] } }),
    );
    expect(d.decision).toBe('APPROVED');
  });
});

describe('listing gate: protected brands', () => {
  const brand: BrandRecord = {
    brandId: 'B-1',
    name: 'Thermos',
    aliases: ['膳魔师'],
    ownerId: 'RH-1',
    authorisationRequired: true,
    categoryCodes: ['home'],
  };

  it('rejects a protected brand declared or named in the title without authorisation', () => {
    expect(codes(evaluateListing(listing({ brand: 'THERMOS' }), context({ brands: [brand] })))).toEqual(['LISTING.BRAND_UNAUTHORISED']);
    const inTitle = evaluateListing(listing({ title: '膳魔师 同款保温杯' }), context({ brands: [brand] }));
    expect(inTitle.reasons[0]).toMatchObject({ code: 'LISTING.BRAND_UNAUTHORISED', evidence: { matched_in: 'title', brand_id: 'B-1' } });
  });

  it('approves with a valid authorisation and rejects once it is revoked or expired', () => {
    const auth = { authorisationId: 'A-1', brandId: 'B-1', merchantId: 'M-1', categoryCodes: [], validFrom: new Date('2026-01-01') };
    expect(evaluateListing(listing({ brand: 'Thermos' }), context({ brands: [brand], authorisations: [auth] })).decision).toBe('APPROVED');
    const revoked = { ...auth, revokedAt: new Date('2026-10-01') };
    expect(evaluateListing(listing({ brand: 'Thermos' }), context({ brands: [brand], authorisations: [revoked] })).decision).toBe('REJECTED');
    const expired = { ...auth, validUntil: new Date('2026-11-01') };
    expect(evaluateListing(listing({ brand: 'Thermos' }), context({ brands: [brand], authorisations: [expired] })).decision).toBe('REJECTED');
  });

  it('lets the brand owner sell its own brand and ignores brands outside their categories', () => {
    expect(evaluateListing(listing({ brand: 'Thermos', merchantId: 'RH-1' }), context({ brands: [brand] })).decision).toBe('APPROVED');
    expect(evaluateListing(listing({ brand: 'Thermos', categoryCode: 'toys.outdoor' }), context({ brands: [brand] })).decision).toBe('APPROVED');
  });
});

describe('listing gate: merchant standing', () => {
  it('rejects a suspended or removed merchant, and an unknown one', () => {
    for (const standing of ['SUSPENDED', 'REMOVED'] as const) {
      const d = evaluateListing(listing(), context({ merchant: { merchantId: 'M-1', standing, qualifications: [] } }));
      expect(d.reasons[0]).toMatchObject({ code: 'LISTING.MERCHANT_NOT_ACTIVE', evidence: { standing } });
    }
    expect(codes(evaluateListing(listing(), context({ merchant: undefined })))).toEqual(['LISTING.MERCHANT_UNKNOWN']);
  });

  it('blocks new listings of a listing-restricted merchant but lets it edit existing ones', () => {
    const merchant = { merchantId: 'M-1', standing: 'LISTING_RESTRICTED' as const, qualifications: [] };
    expect(evaluateListing(listing(), context({ merchant })).decision).toBe('REJECTED');
    expect(evaluateListing(listing(), context({ merchant, action: 'EDIT' })).decision).toBe('APPROVED');
  });

  it('rejects a publish over the listing quota', () => {
    const merchant = { merchantId: 'M-1', standing: 'ACTIVE' as const, qualifications: [], listingQuota: 50, activeListingCount: 50 };
    expect(codes(evaluateListing(listing(), context({ merchant })))).toEqual(['LISTING.QUOTA_EXCEEDED']);
    expect(evaluateListing(listing(), context({ merchant, action: 'EDIT' })).decision).toBe('APPROVED');
  });
});

describe('listing gate: re-upload of a banned product', () => {
  const banned = {
    productId: 'P-OLD',
    banId: 'BAN-9',
    merchantId: 'M-2',
    imageHashes: ['AAAABBBBCCCCDDDD'],
    title: 'Nike Air Max 270 男款跑步鞋',
  };

  it('catches the same image hash (any case)', () => {
    const d = evaluateListing(listing({ imageHashes: ['aaaabbbbccccdddd'] }), context({ bannedPrints: [banned] }));
    expect(d.reasons[0]).toMatchObject({ code: 'LISTING.BANNED_RE_UPLOAD', evidence: { match: 'image_hash', ban_id: 'BAN-9' } });
    expect(d.zeroTolerance).toBe(true);
  });

  it('catches a trivially edited title by fingerprint, and a lightly extended one by similarity', () => {
    const fp = evaluateListing(listing({ title: 'ＮＩＫＥ air-max 270 男款 跑步鞋!!' }), context({ bannedPrints: [banned] }));
    expect(fp.reasons[0]?.evidence['match']).toBe('title_fingerprint');
    const near = evaluateListing(listing({ title: '【热卖】Nike Air Max 270 男款跑步鞋' }), context({ bannedPrints: [banned] }));
    expect(near.reasons[0]?.evidence['match']).toBe('title_similarity');
  });

  it('does not flag an unrelated product', () => {
    expect(evaluateListing(listing(), context({ bannedPrints: [banned] })).decision).toBe('APPROVED');
  });

  it('rejects a listing of a product that is itself banned', () => {
    expect(codes(evaluateListing(listing(), context({ productBan: { banId: 'BAN-1' } })))).toEqual(['LISTING.PRODUCT_BANNED']);
  });
});

describe('listing gate: every reason at once', () => {
  it('reports merchant, three-no, claims, qualification, brand and re-upload together', () => {
    const d = evaluateListing(
      listing({
        categoryCode: 'food.snacks',
        title: 'best Thermos snack',
        manufacturer: '',
        imageHashes: ['aaaabbbbccccdddd'],
        brand: 'Thermos',
      }),
      context({
        merchant: { merchantId: 'M-1', standing: 'SUSPENDED', qualifications: [] },
        brands: [{ brandId: 'B-1', name: 'Thermos', aliases: [], ownerId: 'RH', authorisationRequired: true, categoryCodes: [] }],
        bannedPrints: [{ productId: 'P-X', banId: 'BAN-X', merchantId: 'M-9', imageHashes: ['AAAABBBBCCCCDDDD'], title: 'x' }],
      }),
    );
    expect(d.failedChecks).toEqual(['MERCHANT', 'THREE_NO', 'CLAIMS', 'QUALIFICATIONS', 'BRAND', 'RE_UPLOAD']);
    expect(new Set(codes(d))).toEqual(
      new Set([
        'LISTING.MERCHANT_NOT_ACTIVE',
        'LISTING.THREE_NO',
        'LISTING.PROHIBITED_CLAIM',
        'LISTING.QUALIFICATION_MISSING',
        'LISTING.BRAND_UNAUTHORISED',
        'LISTING.BANNED_RE_UPLOAD',
      ]),
    );
    for (const r of d.reasons) expect(Object.keys(r.evidence).length).toBeGreaterThan(0);
  });
});

describe('validateListingInput', () => {
  it('rejects bad input with every field violation', () => {
    try {
      validateListingInput(listing({ listingId: '', title: ' ', priceFen: 0n }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).violations.map((v) => v.field)).toEqual(['listing.listing_id', 'listing.title', 'listing.price_fen']);
    }
  });

  it('bounds ids, short fields, image hashes and the price', () => {
    try {
      validateListingInput(listing({ skuId: 'S'.repeat(129), manufacturer: 'm'.repeat(201), imageHashes: ['', 'a'.repeat(201)], priceFen: 1_000_000_001n }));
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).violations.map((v) => v.field)).toEqual([
        'listing.sku_id',
        'listing.manufacturer',
        'listing.image_hashes[0]',
        'listing.image_hashes[1]',
        'listing.price_fen',
      ]);
    }
  });

  it('does not treat missing three-no fields as bad input (they are a rejection, not an error)', () => {
    expect(() => validateListingInput(listing({ manufacturer: '', certificateCode: '' }))).not.toThrow();
  });
});

describe('imageHashDistance', () => {
  it('counts differing bits of equal-length hex hashes', () => {
    expect(imageHashDistance('ff00', 'FF00')).toBe(0);
    expect(imageHashDistance('ff00', 'fe01')).toBe(2);
    expect(imageHashDistance('ff00', 'ff0000')).toBe(Number.POSITIVE_INFINITY);
  });
});

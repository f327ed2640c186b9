import { describe, expect, it } from 'vitest';
import { evaluateAffiliateEligibility, sweepAffiliates } from './affiliate-eligibility';

describe('affiliate eligibility', () => {
  it('needs a score of at least 4.0', () => {
    expect(evaluateAffiliateEligibility({ storeExperienceScore: 4.0, status: 'ACTIVE' }).eligible).toBe(true);
    const low = evaluateAffiliateEligibility({ storeExperienceScore: 3.99, status: 'ACTIVE' });
    expect(low.eligible).toBe(false);
    expect(low.reasons.map((r) => r.code)).toEqual(['MERCHANT.AFFILIATE.SCORE_TOO_LOW']);
    expect(low.policy).toEqual({ name: 'affiliate-programme', version: expect.any(String) });
  });

  it('excludes any active sanction, whatever the score', () => {
    for (const status of ['LISTING_RESTRICTED', 'SUSPENDED', 'REMOVED'] as const) {
      const e = evaluateAffiliateEligibility({ storeExperienceScore: 4.9, status });
      expect(e.eligible, status).toBe(false);
      expect(e.reasons.map((r) => r.code)).toEqual(['MERCHANT.AFFILIATE.SANCTIONED']);
    }
  });
});

describe('affiliate sweep', () => {
  it('clears the ineligible members, re-admits the recovered, and leaves the rest alone', () => {
    const sweep = sweepAffiliates([
      { merchantId: 'stays', inProgramme: true, storeExperienceScore: 4.5, status: 'ACTIVE' },
      { merchantId: 'low', inProgramme: true, storeExperienceScore: 3.8, status: 'ACTIVE' },
      { merchantId: 'suspended', inProgramme: true, storeExperienceScore: 4.8, status: 'SUSPENDED' },
      { merchantId: 'recovered', inProgramme: false, storeExperienceScore: 4.1, status: 'ACTIVE' },
      { merchantId: 'still-out', inProgramme: false, storeExperienceScore: 3.2, status: 'ACTIVE' },
      { merchantId: 'removed', inProgramme: false, storeExperienceScore: 4.9, status: 'REMOVED' },
    ]);
    expect(sweep.evaluated).toBe(6);
    expect(sweep.clear.map((c) => c.merchantId)).toEqual(['low', 'suspended']);
    expect(sweep.readmit.map((c) => c.merchantId)).toEqual(['recovered']);
    expect(sweep.clear[0]?.reasons[0]?.code).toBe('MERCHANT.AFFILIATE.SCORE_TOO_LOW');
  });

  it('takes any iterable, so the service can stream merchants through it', () => {
    function* merchants() {
      for (let i = 0; i < 1000; i++) yield { merchantId: `m${i}`, inProgramme: true, storeExperienceScore: i % 10 === 0 ? 3.5 : 4.5, status: 'ACTIVE' as const };
    }
    expect(sweepAffiliates(merchants()).clear).toHaveLength(100);
  });
});

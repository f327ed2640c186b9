import { compileClaimScanner } from '@govern/policy-claims';
import { describe, expect, it } from 'vitest';
import type { ClaimScanner } from './claim-scanner.port';
import { type ListingGateContext, evaluateListing } from './evaluate-listing';
import type { ListingInput } from './listing';
import { listingInput, gateContext } from '../testing/fixtures';

// The shared lexicon plugs into the gate's port as it is: this file fails to compile if it stops fitting.
const lexicon: ClaimScanner = compileClaimScanner();

const listing = (over: Partial<ListingInput> = {}): ListingInput => listingInput({ ...over });

const context = (over: Partial<ListingGateContext> = {}): ListingGateContext => gateContext(lexicon, new Date('2026-11-10T08:00:00Z'), over);

describe('listing gate with the shared claims lexicon', () => {
  it('rejects evasion spellings of absolute claims and records the lexicon version', () => {
    const d = evaluateListing(listing({ title: '全网 最 好 的保温杯 Ｎｏ．１' }), context());
    expect(d.decision).toBe('REJECTED');
    expect(d.reasons.every((r) => r.code === 'LISTING.PROHIBITED_CLAIM')).toBe(true);
    expect(d.reasons[0]?.evidence['lexicon']).toMatch(/@/);
  });

  it('approves innocent text', () => {
    expect(evaluateListing(listing(), context()).decision).toBe('APPROVED');
  });

  it('reports one reason per claim, not one per nested term ("最好" contains "最")', () => {
    const d = evaluateListing(listing({ title: '最好的保温杯' }), context());
    expect(d.reasons.map((r) => r.evidence['term'])).toEqual(['最好']);
  });

  it('waives a treatment claim for a licensed medical-device seller, but not for an ordinary seller', () => {
    const device = listing({ categoryCode: 'medical_devices.thermometers', title: '电子体温计', description: '用于治疗发热的辅助监测' });
    const licensed = evaluateListing(
      device,
      context({ merchant: { merchantId: 'M-1', standing: 'ACTIVE', qualifications: ['MEDICAL_DEVICE_LICENCE'] } }),
    );
    expect(licensed.decision).toBe('APPROVED');
    expect(licensed.reasons.find((r) => r.code === 'LISTING.CLAIM_WAIVED')?.evidence).toMatchObject({ term: '治疗', waived_by: 'MEDICAL_DEVICE' });

    const unlicensed = evaluateListing(device, context());
    expect(unlicensed.reasons.map((r) => r.code)).toEqual(['LISTING.PROHIBITED_CLAIM', 'LISTING.QUALIFICATION_MISSING']);

    const ordinary = evaluateListing(
      { ...device, categoryCode: 'home.kitchen' },
      context({ merchant: { merchantId: 'M-1', standing: 'ACTIVE', qualifications: ['MEDICAL_DEVICE_LICENCE'] } }),
    );
    expect(ordinary.reasons.map((r) => r.code)).toEqual(['LISTING.PROHIBITED_CLAIM']);
  });
});

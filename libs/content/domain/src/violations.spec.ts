import { describe, expect, it } from 'vitest';
import { CONTENT_POLICY } from './content.policy';
import { SCANNER, fakeClaimScanner } from './testing/fake-claim-scanner';
import { findViolations, violationKey, type ViolationInput } from './violations';

const GOOD_CREATOR = { linkingAllowed: true, linkingSuspendedUntil: undefined, privilegesRevoked: false, credit: 12 };

const video = (over: Partial<ViolationInput> = {}): ViolationInput => ({
  creatorId: 'cr-1',
  text: { title: 'Linen shirt review', captions: 'How it fits after ten washes', transcript: 'Today I try the shirt on and wash it' },
  linkedProducts: [{ productId: 'p-1', merchantId: 'm-1' }],
  mediaFingerprint: 'fp-1',
  creator: GOOD_CREATOR,
  bannedProductIds: new Set(),
  removedMerchantIds: new Set(),
  ...over,
});

describe('findViolations', () => {
  it('finds nothing in a clean video', () => {
    const found = findViolations(video(), SCANNER);
    expect(found.violations).toEqual([]);
    expect(found.refusedProductIds).toEqual([]);
  });

  it('reports a prohibited claim with where it was said and the lexicon severity', () => {
    const text = { title: 'Linen shirt', captions: '', transcript: 'This cream is 100%有效, truly 100%有效' };
    const [v, ...rest] = findViolations(video({ text }), SCANNER).violations;
    expect(rest).toEqual([]);
    expect(v?.kind).toBe('PROHIBITED_CLAIM');
    expect(v?.severity).toBe('HIGH');
    expect(v?.reason.code).toBe('CONTENT.PROHIBITED_CLAIM');
    expect(v?.reason.evidence).toMatchObject({ field: 'transcript', term: '100%有效', category: 'GUARANTEE', start: '14', occurrences: '2' });
    expect(v?.reason.evidence['excerpt']).toContain('100%有效');
  });

  it('reports the same claim once per field it appears in', () => {
    const text = { title: 'The best shirt', captions: 'best linen', transcript: '' };
    const fields = findViolations(video({ text }), SCANNER).violations.map((v) => v.reason.evidence['field']);
    expect(fields).toEqual(['title', 'captions']);
  });

  it('counts a claim nested in a longer one of at least its severity once', () => {
    const text = { title: '全网第一 shirt', captions: '', transcript: '' };
    const found = findViolations(video({ text }), SCANNER).violations;
    expect(found.map((v) => [v.reason.evidence['term'], v.severity])).toEqual([['全网第一', 'HIGH']]);
  });

  it('keeps a nested claim that is more severe than the one around it', () => {
    const scanner = fakeClaimScanner({ 'no side effects at all': { category: 'GUARANTEE', severity: 'LOW' }, 'side effects': { category: 'MEDICAL', severity: 'HIGH' } });
    const text = { title: 'no side effects at all', captions: '', transcript: '' };
    expect(findViolations(video({ text }), scanner).violations.map((v) => v.reason.evidence['term'])).toEqual(['no side effects at all', 'side effects']);
  });

  it('maps lexicon severity names it does not use itself, and falls back for unknown ones', () => {
    const scanner = fakeClaimScanner({ miracle: { category: 'MEDICAL', severity: 'major' }, top: { category: 'ABSOLUTE', severity: 'weird' } });
    const text = { title: 'miracle top', captions: '', transcript: '' };
    const severities = findViolations(video({ text }), scanner).violations.map((v) => v.severity);
    expect(severities).toEqual(['HIGH', CONTENT_POLICY.violations.claimSeverityFallback]);
  });

  it('reports a link to a banned product and refuses that link only', () => {
    const linkedProducts = [
      { productId: 'p-1', merchantId: 'm-1' },
      { productId: 'p-2', merchantId: 'm-1' },
    ];
    const found = findViolations(video({ linkedProducts, bannedProductIds: new Set(['p-2']) }), SCANNER);
    expect(found.violations.map((v) => [v.kind, v.reason.code, v.severity])).toEqual([['BANNED_PRODUCT_LINK', 'CONTENT.LINK.BANNED_PRODUCT', 'HIGH']]);
    expect(found.violations[0]?.reason.evidence).toEqual({ product_id: 'p-2', merchant_id: 'm-1' });
    expect(found.refusedProductIds).toEqual(['p-2']);
  });

  it('reports a link to a removed merchant’s product', () => {
    const found = findViolations(video({ removedMerchantIds: new Set(['m-1']) }), SCANNER);
    expect(found.violations.map((v) => v.reason.code)).toEqual(['CONTENT.LINK.REMOVED_MERCHANT']);
    expect(found.refusedProductIds).toEqual(['p-1']);
  });

  it('reports a creator whose linking is suspended and refuses every link', () => {
    const until = new Date('2026-03-08T00:00:00Z');
    const creator = { ...GOOD_CREATOR, credit: 3, linkingAllowed: false, linkingSuspendedUntil: until };
    const found = findViolations(video({ creator }), SCANNER);
    expect(found.violations.map((v) => [v.kind, v.severity])).toEqual([['CREATOR_LINKING_SUSPENDED', 'MEDIUM']]);
    expect(found.violations[0]?.reason.evidence).toMatchObject({ creator_id: 'cr-1', credit: '3', until: until.toISOString() });
    expect(found.refusedProductIds).toEqual(['p-1']);
  });

  it('does not hold a suspension against a video that links nothing', () => {
    const creator = { ...GOOD_CREATOR, credit: 3, linkingAllowed: false };
    expect(findViolations(video({ creator, linkedProducts: [] }), SCANNER).violations).toEqual([]);
  });

  it('reports a creator whose e-commerce privileges are revoked', () => {
    const creator = { ...GOOD_CREATOR, credit: 0, linkingAllowed: false, privilegesRevoked: true };
    const found = findViolations(video({ creator }), SCANNER);
    expect(found.violations.map((v) => v.reason.code)).toEqual(['CONTENT.CREATOR.PRIVILEGES_REVOKED']);
  });

  it('reports re-posted media whose fingerprint another creator owns', () => {
    const found = findViolations(video({ fingerprintOwnerId: 'cr-9' }), SCANNER);
    expect(found.violations.map((v) => [v.kind, v.reason.code, v.severity])).toEqual([['REPOSTED_CONTENT', 'CONTENT.REPOSTED', 'MEDIUM']]);
    expect(found.violations[0]?.reason.evidence).toEqual({ media_fingerprint: 'fp-1', original_creator_id: 'cr-9' });
  });

  it('does not call a creator’s own re-upload a re-post', () => {
    expect(findViolations(video({ fingerprintOwnerId: 'cr-1' }), SCANNER).violations).toEqual([]);
  });
});

describe('violationKey', () => {
  it('names the same claim in the same field the same way across assessments, and different fields apart', () => {
    const creator = { linkingAllowed: true, linkingSuspendedUntil: undefined, privilegesRevoked: false, credit: 12 };
    const input = (transcript: string, title = 'Linen shirt') => ({
      creatorId: 'cr-1',
      text: { title, captions: '', transcript },
      linkedProducts: [],
      creator,
      bannedProductIds: new Set<string>(),
      removedMerchantIds: new Set<string>(),
    });
    const keysOf = (i: ReturnType<typeof input>): string[] => findViolations(i, SCANNER).violations.map(violationKey);
    expect(keysOf(input('the best one'))).toEqual(keysOf(input('truly the best, the best')));
    expect(keysOf(input('', 'The best shirt'))).toEqual(['claim:title:ABSOLUTE:best']);
    expect(keysOf(input('the best one'))).toEqual(['claim:transcript:ABSOLUTE:best']);
  });
});

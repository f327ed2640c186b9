import { describe, expect, it } from 'vitest';
import { validateApplication, type ApplicationInput, type ValidatedApplication } from './application-validation';
import { identifierKey } from './identifiers';
import { RingGraph, type GraphIdentifier, type RingCheckResult, type RingLink } from './ring-graph';
import { bandFor, decideOnboarding } from './risk-scoring';
import { goodApplication } from './testing/applications';

const at = new Date('2026-11-10T00:00:00Z');

/** A valid application of a general-goods seller (no qualification needed). */
const application = (overrides: Partial<ApplicationInput> = {}): ValidatedApplication =>
  validateApplication(goodApplication({ categoryCodes: ['general'], qualifications: [], ...overrides }), at);

const noRing: RingCheckResult = { links: [], linkedToRemoved: false, linkedToSanctioned: false, matches: [], truncated: false };
const link = (merchantId: string, status: RingLink['status']): RingLink => ({
  merchantId,
  status,
  hops: 1,
  path: [{ identifierKind: 'PHONE', identifierFingerprint: '0123456789abcdef', merchantId, merchantStatus: status }],
});
const ringWith = (...links: RingLink[]): RingCheckResult => ({
  ...noRing,
  links,
  linkedToRemoved: links.some((l) => l.status === 'REMOVED'),
  linkedToSanctioned: links.some((l) => l.status === 'SUSPENDED' || l.status === 'LISTING_RESTRICTED'),
});

describe('bands', () => {
  it.each([
    [0, 'APPROVE'],
    [39, 'APPROVE'],
    [40, 'APPROVE_WITH_RESTRICTIONS'],
    [69, 'APPROVE_WITH_RESTRICTIONS'],
    [70, 'MANUAL_REVIEW'],
    [84, 'MANUAL_REVIEW'],
    [85, 'REJECT'],
    [100, 'REJECT'],
  ])('score %i -> %s', (score, band) => {
    expect(bandFor(score)).toBe(band);
  });
});

describe('decideOnboarding', () => {
  it('approves a clean application with standard terms', () => {
    const d = decideOnboarding(application(), { ring: noRing }, at);
    expect(d).toMatchObject({ riskScore: 0, band: 'APPROVE', policy: { name: 'merchant-onboarding' } });
    expect(d.terms).toEqual({ listingQuota: 0, depositFen: 200_000n, approvedCategoryCodes: ['general'] });
    expect(d.reasons.map((r) => r.code)).toEqual(['MERCHANT.ONBOARDING.APPROVE']);
  });

  it('scores the sum of the signals, each reason carrying its weight and evidence', () => {
    // sanctioned link 30 + Luhn failure 10 = 40: restricted
    const d = decideOnboarding(
      application({ bankAccount: { accountNumber: '6222021234567890123', bankName: 'ICBC', accountHolder: '林晓' } }),
      { ring: ringWith(link('m_9', 'SUSPENDED')) },
      at,
    );
    expect(d.riskScore).toBe(40);
    expect(d.band).toBe('APPROVE_WITH_RESTRICTIONS');
    const signals = d.reasons.filter((r) => r.weight > 0);
    expect(signals.map((r) => [r.code, r.weight])).toEqual([
      ['MERCHANT.RISK.RING_SANCTIONED', 30],
      ['MERCHANT.RISK.BANK_ACCOUNT_LUHN', 10],
    ]);
    expect(signals[0]?.evidence).toMatchObject({ merchant_ids: 'm_9' });
    expect(d.terms).toMatchObject({ listingQuota: 50, depositFen: 400_000n });
  });

  it('sends a 70-84 application to manual review', () => {
    // sanctioned 30 + holder mismatch 20 + device shared with 3 others 25 = 75
    const d = decideOnboarding(
      application({ bankAccount: { accountNumber: '6222021234567890128', bankName: 'ICBC', accountHolder: '王五' } }),
      { ring: ringWith(link('m_9', 'LISTING_RESTRICTED')), maxOthersPerDevice: 3 },
      at,
    );
    expect(d).toMatchObject({ riskScore: 75, band: 'MANUAL_REVIEW' });
  });

  it('rejects at 85 and above', () => {
    // 75 as above + virtual office 15 = 90
    const d = decideOnboarding(
      application({ bankAccount: { accountNumber: '6222021234567890128', bankName: 'ICBC', accountHolder: '王五' } }),
      { ring: ringWith(link('m_9', 'LISTING_RESTRICTED')), maxOthersPerDevice: 5, virtualOfficeAddress: true },
      at,
    );
    expect(d).toMatchObject({ riskScore: 90, band: 'REJECT', terms: undefined });
    expect(d.reasons.at(-1)?.code).toBe('MERCHANT.ONBOARDING.REJECT');
  });

  it('caps the score at 100', () => {
    const d = decideOnboarding(
      application({
        bankAccount: { accountNumber: '6222021234567890123', bankName: 'ICBC', accountHolder: '王五' },
        categoryCodes: ['general', 'food', 'cosmetics', 'alcohol', 'pharmacy', 'medical_device'],
      }),
      { ring: ringWith(link('m_8', 'SUSPENDED'), link('m_7', 'ACTIVE')), maxOthersPerDevice: 9, phoneAgeDays: 2, virtualOfficeAddress: true },
      at,
    );
    expect(d.riskScore).toBe(100);
    expect(Number(d.reasons.at(-1)?.evidence['signal_sum'])).toBeGreaterThan(100);
  });

  it('leaves a category out when its qualification is missing or expired, and says which', () => {
    const d = decideOnboarding(
      application({
        categoryCodes: ['general', 'cosmetics', 'food'],
        qualifications: [{ qualificationCode: 'FOOD_BUSINESS_LICENCE', number: 'JY1', issuer: 'x', validUntil: new Date('2026-01-01') }],
      }),
      { ring: noRing },
      at,
    );
    const missing = d.reasons.filter((r) => r.code === 'MERCHANT.RISK.MISSING_QUALIFICATION');
    expect(missing.map((r) => r.evidence)).toEqual([
      { category: 'cosmetics', missing: 'COSMETICS_FILING' },
      { category: 'food', missing: 'FOOD_BUSINESS_LICENCE', expired: 'FOOD_BUSINESS_LICENCE' },
    ]);
    // 20 + 20 missing + 20 high-risk (capped) = 60
    expect(d).toMatchObject({ riskScore: 60, band: 'APPROVE_WITH_RESTRICTIONS' });
    expect(d.terms?.approvedCategoryCodes).toEqual(['general']);
    expect(d.terms?.depositFen).toBe(400_000n);
  });

  it('charges the high-risk deposit when a regulated category is approved', () => {
    const d = decideOnboarding(
      application({ categoryCodes: ['food'], qualifications: [{ qualificationCode: 'FOOD_BUSINESS_LICENCE', number: 'JY1', issuer: 'x' }] }),
      { ring: noRing },
      at,
    );
    expect(d).toMatchObject({ riskScore: 10, band: 'APPROVE' });
    expect(d.terms).toEqual({ listingQuota: 0, depositFen: 1_000_000n, approvedCategoryCodes: ['food'] });
  });

  it('rejects when no category applied for can be approved', () => {
    const d = decideOnboarding(application({ categoryCodes: ['pharmacy'] }), { ring: noRing }, at);
    expect(d.band).toBe('REJECT');
    expect(d.reasons.map((r) => r.code)).toContain('MERCHANT.ONBOARDING.NO_APPROVABLE_CATEGORY');
  });

  it('rejects an applicant sharing a bank account with a removed merchant, the path as evidence', () => {
    const graph = new RingGraph();
    const key = (kind: GraphIdentifier['kind'], value: string): GraphIdentifier => ({ kind, key: identifierKey(kind, value) });
    graph.addMerchant('m_counterfeiter', [key('BANK_ACCOUNT', '6222021234567890128'), key('PHONE', '13900000000')]);
    graph.markRemoved('m_counterfeiter');

    const app = application();
    const ring = graph.checkLinks(app.identifiers.map((i) => key(i.kind, i.value)));
    const d = decideOnboarding(app, { ring }, at);
    expect(d).toMatchObject({ riskScore: 100, band: 'REJECT' });
    expect(d.criticalLink?.merchantId).toBe('m_counterfeiter');
    const critical = d.reasons.find((r) => r.code === 'MERCHANT.RISK.RING_REMOVED');
    expect(critical?.evidence).toMatchObject({ merchant_id: 'm_counterfeiter', hops: '1', identifier_kinds: 'BANK_ACCOUNT' });
    expect(critical?.evidence['path']).toMatch(/^applicant -\[BANK_ACCOUNT [0-9a-f]{8}\]-> m_counterfeiter \(REMOVED\)$/);
    expect(d.ringLinks).toHaveLength(1);
  });

  it('records the device signal from the ring graph when the caller gives no count', () => {
    const ring: RingCheckResult = {
      ...noRing,
      matches: [{ identifierKind: 'DEVICE', identifierFingerprint: 'ffffffffffffffff', merchantCount: 4, hub: false }],
    };
    const d = decideOnboarding(application(), { ring }, at);
    expect(d.reasons.find((r) => r.code === 'MERCHANT.RISK.SHARED_DEVICE')?.evidence).toMatchObject({ others: '4' });
  });
});

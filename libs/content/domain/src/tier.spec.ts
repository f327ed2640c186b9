import { reason } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import type { Severity, Violation } from './content-types';
import { decideTier, type TierInput } from './tier';

const input = (over: Partial<TierInput> = {}): TierInput => ({
  overall: 70,
  engagementMeasured: true,
  violations: [],
  creatorTrafficLimited: false,
  affiliateIneligibleMerchantIds: [],
  ...over,
});

const violation = (severity: Severity): Violation => ({ kind: 'PROHIBITED_CLAIM', severity, reason: reason('CONTENT.PROHIBITED_CLAIM', 'claim') });

describe('decideTier', () => {
  it.each([
    [100, 'PREMIUM', 1.5],
    [85, 'PREMIUM', 1.5],
    [84, 'STANDARD', 1.0],
    [50, 'STANDARD', 1.0],
    [49, 'LIMITED', 0.3],
    [20, 'LIMITED', 0.3],
    [19, 'BLOCKED', 0],
    [0, 'BLOCKED', 0],
  ])('puts an overall score of %i in %s with traffic weight %d', (overall, tier, weight) => {
    const decision = decideTier(input({ overall }));
    expect(decision.tier).toBe(tier);
    expect(decision.trafficWeight).toBe(weight);
    expect(decision.reasons[0]?.code).toBe('CONTENT.TIER.SCORE');
  });

  it.each([
    ['LOW', 'STANDARD'],
    ['MEDIUM', 'STANDARD'],
    ['HIGH', 'LIMITED'],
    ['CRITICAL', 'BLOCKED'],
  ] as const)('caps a top-quality item with a %s violation at %s', (severity, tier) => {
    const decision = decideTier(input({ overall: 95, violations: [violation('LOW'), violation(severity)] }));
    expect(decision.tier).toBe(tier);
    expect(decision.reasons.find((r) => r.code === 'CONTENT.TIER.CAPPED_BY_VIOLATION')?.evidence).toMatchObject({ severity, from: 'PREMIUM', to: tier });
  });

  it('never raises a tier with a cap', () => {
    expect(decideTier(input({ overall: 10, violations: [violation('LOW')] })).tier).toBe('BLOCKED');
  });

  it('does not boost goods of a merchant that lost affiliate eligibility', () => {
    const decision = decideTier(input({ overall: 95, affiliateIneligibleMerchantIds: ['m-7'] }));
    expect(decision.tier).toBe('STANDARD');
    expect(decision.reasons.at(-1)).toMatchObject({ code: 'CONTENT.TIER.MERCHANT_NOT_AFFILIATE_ELIGIBLE', evidence: { merchant_ids: 'm-7' } });
  });

  it('limits the content of a creator whose credit is at the traffic-limit rung', () => {
    expect(decideTier(input({ overall: 95, creatorTrafficLimited: true })).tier).toBe('LIMITED');
  });

  it('waits for measured engagement before boosting', () => {
    const decision = decideTier(input({ overall: 95, engagementMeasured: false }));
    expect(decision.tier).toBe('STANDARD');
    expect(decision.reasons.at(-1)?.code).toBe('CONTENT.TIER.PREMIUM_NEEDS_EVIDENCE');
  });
});

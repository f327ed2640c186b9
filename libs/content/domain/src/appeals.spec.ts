import { DAY, DomainError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { appealDeadline, assertAppealable, assertDecidable, planOverturn, type PenaltyRecord } from './appeals';
import { creatorStanding, type CreditDeductionRecord } from './creator-credit';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (days: number): Date => new Date(T0.getTime() + days * DAY);

const penalty = (over: Partial<PenaltyRecord> = {}): PenaltyRecord => ({
  id: 'pen-1',
  creatorId: 'cr-1',
  contentId: 'v-1',
  state: 'ACTIVE',
  imposedAt: T0,
  previousTier: 'PREMIUM',
  appliedTier: 'LIMITED',
  unlinkedProductIds: ['p-1', 'p-2'],
  deductionIds: ['d-1'],
  ...over,
});

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).code;
  }
};

describe('assertAppealable', () => {
  const ok = { penalty: penalty(), creatorId: 'cr-1', at: at(1), hasPendingAppeal: false };

  it('accepts an appeal by the penalised creator within 7 days', () => {
    expect(appealDeadline(penalty())).toEqual(at(7));
    expect(codeOf(() => assertAppealable({ ...ok, at: at(7) }))).toBeUndefined();
  });

  it('refuses an appeal after the window', () => {
    expect(codeOf(() => assertAppealable({ ...ok, at: new Date(at(7).getTime() + 1) }))).toBe('APPEAL.WINDOW_CLOSED');
  });

  it('refuses an appeal by someone else, on a lifted penalty, or a second pending one', () => {
    expect(codeOf(() => assertAppealable({ ...ok, creatorId: 'cr-2' }))).toBe('APPEAL.NOT_PENALISED_CREATOR');
    expect(codeOf(() => assertAppealable({ ...ok, penalty: penalty({ state: 'OVERTURNED' }) }))).toBe('APPEAL.PENALTY_NOT_ACTIVE');
    expect(codeOf(() => assertAppealable({ ...ok, hasPendingAppeal: true }))).toBe('APPEAL.ALREADY_PENDING');
  });

  it('refuses an appeal of a cascade penalty: it lifts with the upstream ban or removal', () => {
    expect(codeOf(() => assertAppealable({ ...ok, penalty: penalty({ source: 'CASCADE' }) }))).toBe('APPEAL.CASCADE_PENALTY');
  });
});

describe('assertDecidable', () => {
  it('decides an appeal only once', () => {
    expect(codeOf(() => assertDecidable({ id: 'a-1', state: 'PENDING' }))).toBeUndefined();
    expect(codeOf(() => assertDecidable({ id: 'a-1', state: 'OVERTURNED' }))).toBe('APPEAL.ALREADY_DECIDED');
  });
});

describe('planOverturn', () => {
  const base = {
    penalty: penalty(),
    otherActivePenalties: [],
    merchantOf: new Map([
      ['p-1', 'm-1'],
      ['p-2', 'm-2'],
    ]),
    bannedProductIds: new Set<string>(),
    removedMerchantIds: new Set<string>(),
  };

  it('restores the tier, the links and the credit the penalty took', () => {
    const plan = planOverturn(base);
    expect(plan.restoredTier).toBe('PREMIUM');
    expect(plan.relinkProductIds).toEqual(['p-1', 'p-2']);
    expect(plan.overturnDeductionIds).toEqual(['d-1']);

    const deductions: CreditDeductionRecord[] = [{ id: 'd-1', points: 6, severity: 'HIGH', at: T0 }];
    expect(creatorStanding(deductions, at(2)).credit).toBe(6);
    const overturned = deductions.map((d) => (plan.overturnDeductionIds.includes(d.id) ? { ...d, overturned: true } : d));
    expect(creatorStanding(overturned, at(2)).credit).toBe(12);
  });

  it('keeps the tier capped by another penalty still in force', () => {
    const other = penalty({ id: 'pen-2', appliedTier: 'STANDARD', unlinkedProductIds: [], deductionIds: [] });
    const plan = planOverturn({ ...base, otherActivePenalties: [other] });
    expect(plan.restoredTier).toBe('STANDARD');
    expect(plan.reasons.map((r) => r.code)).toContain('APPEAL.TIER_STILL_CAPPED');
  });

  it('does not re-link a product banned or a merchant removed since', () => {
    const plan = planOverturn({ ...base, bannedProductIds: new Set(['p-1']), removedMerchantIds: new Set(['m-2']) });
    expect(plan.relinkProductIds).toEqual([]);
    expect(plan.keptUnlinked).toEqual([
      { productId: 'p-1', code: 'CONTENT.LINK.BANNED_PRODUCT' },
      { productId: 'p-2', code: 'CONTENT.LINK.REMOVED_MERCHANT' },
    ]);
  });

  it('leaves the tier alone when the penalty did not touch it', () => {
    expect(planOverturn({ ...base, penalty: penalty({ appliedTier: undefined }) }).restoredTier).toBeUndefined();
  });
});

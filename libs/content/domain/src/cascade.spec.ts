import { describe, expect, it } from 'vitest';
import { planBoostRemoval, planCascade, type CascadeItem } from './cascade';
import type { ProductLink, Tier } from './content-types';

const link = (productId: string, merchantId: string, state: ProductLink['state'] = 'ACTIVE'): ProductLink => ({ productId, merchantId, state });
const item = (contentId: string, tier: Tier, ...productLinks: ProductLink[]): CascadeItem => ({ contentId, creatorId: `cr-${contentId}`, tier, productLinks });

describe('planCascade', () => {
  const items = [
    item('v-1', 'PREMIUM', link('p-1', 'm-1'), link('p-9', 'm-9')),
    item('v-2', 'BLOCKED', link('p-1', 'm-1')),
    item('v-3', 'STANDARD', link('p-1', 'm-1', 'UNLINKED')),
    item('v-4', 'STANDARD', link('p-2', 'm-1')),
    item('v-5', 'STANDARD', link('p-7', 'm-7')),
  ];

  it('limits every item linking a product banned after a critical lab failure', () => {
    const plan = planCascade({ type: 'PRODUCT_BANNED', productId: 'p-1', cause: 'LAB_CRITICAL' }, items);
    expect(plan.action).toBe('LIMIT');
    expect(plan.decisions.map((d) => [d.contentId, d.tier, d.trafficWeight, d.tierChanged])).toEqual([
      ['v-1', 'LIMITED', 0.3, true],
      ['v-2', 'BLOCKED', 0, false],
    ]);
    expect(plan.decisions[0]?.unlinkProductIds).toEqual([]);
    expect(plan.decisions[0]?.reasons[0]).toMatchObject({ code: 'CONTENT.CASCADE.PRODUCT_BANNED', evidence: { product_id: 'p-1', cause: 'LAB_CRITICAL' } });
    expect(plan.untouchedContentIds).toEqual(['v-3', 'v-4', 'v-5']);
  });

  it('unlinks every product of a removed merchant and leaves the tier', () => {
    const plan = planCascade({ type: 'MERCHANT_REMOVED', merchantId: 'm-1' }, items);
    expect(plan.action).toBe('UNLINK');
    expect(plan.decisions.map((d) => [d.contentId, d.unlinkProductIds, d.tier, d.tierChanged])).toEqual([
      ['v-1', ['p-1'], 'PREMIUM', false],
      ['v-2', ['p-1'], 'BLOCKED', false],
      ['v-4', ['p-2'], 'STANDARD', false],
    ]);
  });

  it('follows the ban cause: a ban that follows a merchant removal unlinks', () => {
    expect(planCascade({ type: 'PRODUCT_BANNED', productId: 'p-1', cause: 'MERCHANT_REMOVED' }, items).action).toBe('UNLINK');
    expect(planCascade({ type: 'PRODUCT_BANNED', productId: 'p-1', cause: 'SOMETHING_NEW' }, items).action).toBe('LIMIT');
  });

  it('changes nothing when run again on its own result', () => {
    const trigger = { type: 'MERCHANT_REMOVED', merchantId: 'm-1' } as const;
    const first = planCascade(trigger, items);
    const applied = items.map((i) => ({
      ...i,
      productLinks: i.productLinks.map((l) => (first.decisions.some((d) => d.contentId === i.contentId && d.unlinkProductIds.includes(l.productId)) ? { ...l, state: 'UNLINKED' as const } : l)),
    }));
    expect(planCascade(trigger, applied).decisions).toEqual([]);
  });

  it('plans a batch of 10,000 items in one pass', () => {
    const batch = Array.from({ length: 10_000 }, (_, i) => item(`v-${i}`, 'STANDARD', link('p-1', 'm-1')));
    const plan = planCascade({ type: 'PRODUCT_BANNED', productId: 'p-1', cause: 'LAB_CRITICAL' }, batch);
    expect(plan.decisions).toHaveLength(10_000);
    expect(new Set(plan.decisions.map((d) => d.tier))).toEqual(new Set(['LIMITED']));
  });
});

describe('planBoostRemoval', () => {
  it('takes the boost from premium items of a merchant that lost affiliate eligibility and leaves the rest', () => {
    const removals = planBoostRemoval('m-1', [
      { contentId: 'v-1', creatorId: 'cr-1', tier: 'PREMIUM' },
      { contentId: 'v-2', creatorId: 'cr-2', tier: 'STANDARD' },
      { contentId: 'v-3', creatorId: 'cr-3', tier: 'LIMITED' },
    ]);
    expect(removals.map((r) => [r.contentId, r.previousTier, r.tier, r.trafficWeight])).toEqual([['v-1', 'PREMIUM', 'STANDARD', 1]]);
    expect(removals[0]?.reasons[0]).toMatchObject({ code: 'CONTENT.TIER.MERCHANT_NOT_AFFILIATE_ELIGIBLE', evidence: { merchant_id: 'm-1' } });
  });
});

import { HOUR } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { byQueueOrder, claimReviewCase, decideReviewCase, isOverdue, openReviewCase } from './review-cases';

const t0 = new Date('2026-05-01T08:00:00Z');
const after = (ms: number): Date => new Date(t0.getTime() + ms);

describe('review cases', () => {
  it('are due 72 hours after they open', () => {
    const c = openReviewCase('c1', 'APPLICATION', 'app1', t0);
    expect(c.slaDueAt).toEqual(after(72 * HOUR));
    expect(isOverdue(c, after(72 * HOUR - 1))).toBe(false);
    expect(isOverdue(c, after(72 * HOUR))).toBe(true);
  });

  it('go to one reviewer, who alone may decide', () => {
    const open = openReviewCase('c1', 'APPLICATION', 'app1', t0);
    expect(() => decideReviewCase(open, 'r1', after(HOUR))).toThrow(expect.objectContaining({ code: 'REVIEW_CASE.NOT_CLAIMED' }));
    const claimed = claimReviewCase(open, 'r1', after(HOUR));
    expect(claimed).toMatchObject({ status: 'CLAIMED', assigneeId: 'r1', claimedAt: after(HOUR) });
    expect(claimReviewCase(claimed, 'r1', after(2 * HOUR))).toBe(claimed);
    expect(() => claimReviewCase(claimed, 'r2', after(2 * HOUR))).toThrow(expect.objectContaining({ code: 'REVIEW_CASE.CLAIMED_BY_OTHER' }));
    expect(() => decideReviewCase(claimed, 'r2', after(2 * HOUR))).toThrow(expect.objectContaining({ code: 'REVIEW_CASE.CLAIMED_BY_OTHER' }));
    const { reviewCase, slaBreached } = decideReviewCase(claimed, 'r1', after(3 * HOUR));
    expect(reviewCase).toMatchObject({ status: 'DECIDED', decidedAt: after(3 * HOUR) });
    expect(slaBreached).toBe(false);
    expect(isOverdue(reviewCase, after(100 * HOUR))).toBe(false);
    expect(() => claimReviewCase(reviewCase, 'r1', after(4 * HOUR))).toThrow(expect.objectContaining({ code: 'REVIEW_CASE.ALREADY_DECIDED' }));
  });

  it('record a late decision as an SLA breach', () => {
    const claimed = claimReviewCase(openReviewCase('c1', 'APPEAL', 'ap1', t0), 'r1', after(HOUR));
    expect(decideReviewCase(claimed, 'r1', after(73 * HOUR)).slaBreached).toBe(true);
  });

  it('queue by due time', () => {
    const late = openReviewCase('b', 'APPLICATION', 'x', after(HOUR));
    const early = openReviewCase('a', 'APPLICATION', 'y', t0);
    expect([late, early].sort(byQueueOrder).map((c) => c.id)).toEqual(['a', 'b']);
  });
});

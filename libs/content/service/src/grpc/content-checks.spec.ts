import { CONTENT_POLICY } from '@govern/content-domain';
import { isInvalid } from '@govern/platform-grpc';
import { describe, expect, it } from 'vitest';
import { contentChecks, engagementFigures, linkedProducts } from './content-checks';

const violations = (checks: ReturnType<typeof contentChecks>): string[] => checks.items.map((v) => `${v.field}:${v.reason}`);
const links = (n: number) => Array.from({ length: n }, (_, i) => ({ productId: `p-${i}`, merchantId: 'm' }));

describe('content request checks', () => {
  it('checks a livestream’s links completely: required ids, no repeats, a bounded list reported once', () => {
    const checks = contentChecks(CONTENT_POLICY);
    const result = linkedProducts(checks, [{ productId: 'p', merchantId: '' }, { productId: 'p', merchantId: 'm' }, { productId: 'q\u0000', merchantId: 'm' }], CONTENT_POLICY, { complete: true });
    expect(isInvalid(result)).toBe(true);
    expect(violations(checks)).toEqual(['linked_products[0].merchant_id:REQUIRED', 'linked_products[1].product_id:DUPLICATE', 'linked_products[2].product_id:CONTAINS_NUL']);

    const many = contentChecks(CONTENT_POLICY);
    expect(isInvalid(linkedProducts(many, links(CONTENT_POLICY.limits.maxLinkedProducts + 1), CONTENT_POLICY, { complete: true }))).toBe(true);
    expect(violations(many)).toEqual(['linked_products:TOO_MANY_ITEMS']);
  });

  it('leaves what the domain validator checks to it for a video: only storable, bounded ids here', () => {
    const checks = contentChecks(CONTENT_POLICY);
    const result = linkedProducts(checks, [{ productId: 'p', merchantId: '' }, { productId: 'p', merchantId: 'm' }], CONTENT_POLICY, { complete: false });
    expect(result).toEqual([{ productId: 'p', merchantId: '' }, { productId: 'p', merchantId: 'm' }]);
    expect(violations(checks)).toEqual([]);
    const long = contentChecks(CONTENT_POLICY);
    linkedProducts(long, [{ productId: 'p'.repeat(CONTENT_POLICY.limits.maxIdChars + 1), merchantId: 'm' }], CONTENT_POLICY, { complete: false });
    expect(violations(long)).toEqual(['linked_products[0].product_id:TOO_LONG']);
  });

  it('reads engagement figures within believable bounds', () => {
    const good = contentChecks(CONTENT_POLICY);
    expect(engagementFigures(good, { views: 10n, likes: 2n, comments: 1n, shares: 0n, completionRate: 0.5 }, CONTENT_POLICY)).toEqual({
      views: 10,
      likes: 2,
      comments: 1,
      shares: 0,
      completionRate: 0.5,
    });
    expect(engagementFigures(good, undefined, CONTENT_POLICY)).toBeUndefined();
    const bad = contentChecks(CONTENT_POLICY);
    const figures = engagementFigures(bad, { views: -1n, likes: BigInt(CONTENT_POLICY.limits.maxEngagementCount) + 1n, comments: 0n, shares: 0n, completionRate: Number.NaN }, CONTENT_POLICY);
    expect(isInvalid(figures)).toBe(true);
    expect(violations(bad)).toEqual(['engagement.views:OUT_OF_RANGE', 'engagement.likes:OUT_OF_RANGE', 'engagement.completion_rate:OUT_OF_RANGE']);
  });
});

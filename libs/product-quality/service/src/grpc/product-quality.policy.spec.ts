import { productQualityDescriptorSet } from '@govern/contracts-product-quality';
import { checkPolicyCoverage, DRAFT_PRODUCT_QUALITY_POLICY, type RpcRule } from '@govern/platform-auth';
import { describe, expect, it } from 'vitest';
import { productQualityPolicy } from './product-quality.policy';

/** A rule as data: who it admits and how it is metered (a cost function is compared by what it counts). */
const shapeOf = (rule: RpcRule<never>) =>
  rule.public
    ? { public: true }
    : {
        services: [...(rule.services ?? [])].sort(),
        roles: [...(rule.roles ?? [])].sort(),
        rateLimit: rule.rateLimit ? { perMinute: rule.rateLimit.perMinute, burst: rule.rateLimit.burst, metered: rule.rateLimit.cost !== undefined } : undefined,
      };

describe('product-quality authorization table', () => {
  it('has a rule for every RPC of the contract, read from the descriptors, and none for an RPC it lacks', () => {
    const coverage = checkPolicyCoverage(productQualityDescriptorSet, [productQualityPolicy]);
    expect(coverage.rpcs.length).toBeGreaterThan(0);
    expect(coverage.withoutRule).toEqual([]);
    expect(coverage.unknownRules).toEqual([]);
  });

  it('equals the copy the operator console reads (platform-auth DRAFT_PRODUCT_QUALITY_POLICY)', () => {
    const shapes = (rules: typeof productQualityPolicy.rules) => Object.fromEntries(Object.entries(rules).map(([rpc, rule]) => [rpc, shapeOf(rule)]));
    expect(productQualityPolicy.service).toBe(DRAFT_PRODUCT_QUALITY_POLICY.service);
    expect(shapes(productQualityPolicy.rules)).toEqual(shapes(DRAFT_PRODUCT_QUALITY_POLICY.rules));
  });

  it('admits nobody anonymously and grants nothing to an unknown role', () => {
    for (const [rpc, rule] of Object.entries(productQualityPolicy.rules)) {
      expect({ rpc, public: rule.public ?? false }).toEqual({ rpc, public: false });
      if (!rule.public) expect({ rpc, nobody: (rule.roles ?? []).includes('nobody') }).toEqual({ rpc, nobody: false });
    }
  });
});

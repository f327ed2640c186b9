import { consumerExperienceDescriptorSet } from '@govern/contracts-consumer-experience';
import { checkPolicyCoverage, DRAFT_CONSUMER_EXPERIENCE_POLICY, type RpcRule } from '@govern/platform-auth';
import { describe, expect, it } from 'vitest';
import { consumerExperiencePolicy } from './consumer-experience.policy';

/** A rule as data: who it admits and how it is metered (a cost function is compared by what it counts). */
const shapeOf = (rule: RpcRule<never>) =>
  rule.public
    ? { public: true }
    : {
        services: [...(rule.services ?? [])].sort(),
        roles: [...(rule.roles ?? [])].sort(),
        rateLimit: rule.rateLimit ? { perMinute: rule.rateLimit.perMinute, burst: rule.rateLimit.burst, metered: rule.rateLimit.cost !== undefined } : undefined,
      };

describe('consumer-experience authorization table', () => {
  it('has a rule for every RPC of the contract, read from the descriptors, and none for an RPC it lacks', () => {
    const coverage = checkPolicyCoverage(consumerExperienceDescriptorSet, [consumerExperiencePolicy]);
    expect(coverage.rpcs.length).toBeGreaterThan(0);
    expect(coverage.withoutRule).toEqual([]);
    expect(coverage.unknownRules).toEqual([]);
  });

  it('equals the copy the operator console reads (platform-auth DRAFT_CONSUMER_EXPERIENCE_POLICY)', () => {
    const shapes = (rules: typeof consumerExperiencePolicy.rules) => Object.fromEntries(Object.entries(rules).map(([rpc, rule]) => [rpc, shapeOf(rule)]));
    expect(consumerExperiencePolicy.service).toBe(DRAFT_CONSUMER_EXPERIENCE_POLICY.service);
    expect(shapes(consumerExperiencePolicy.rules)).toEqual(shapes(DRAFT_CONSUMER_EXPERIENCE_POLICY.rules));
  });

  it('admits nobody anonymously and grants nothing to an unknown role', () => {
    for (const [rpc, rule] of Object.entries(consumerExperiencePolicy.rules)) {
      expect({ rpc, public: rule.public ?? false }).toEqual({ rpc, public: false });
      if (!rule.public) expect({ rpc, nobody: (rule.roles ?? []).includes('nobody') }).toEqual({ rpc, nobody: false });
    }
  });
});

import { checkPolicyCoverage, mutationsWithoutResource, type RpcRule, type ServicePolicy } from '@govern/platform-auth';
import { describe, expect, it } from 'vitest';

/** A rule as data: who it admits and how it is metered (a cost function is compared by what it counts). */
const shapeOf = (rule: RpcRule<never, never>) =>
  rule.public
    ? { public: true }
    : {
        services: [...(rule.services ?? [])].sort(),
        roles: [...(rule.roles ?? [])].sort(),
        rateLimit: rule.rateLimit ? { perMinute: rule.rateLimit.perMinute, burst: rule.rateLimit.burst, metered: rule.rateLimit.cost !== undefined } : undefined,
      };

const shapes = (rules: ServicePolicy['rules']) => Object.fromEntries(Object.entries(rules).map(([rpc, rule]) => [rpc, shapeOf(rule as RpcRule<never, never>)]));

/**
 * The checks every service's authorization table gets (`<service>.policy.spec.ts`): a rule for
 * every RPC its descriptors declare and none for an RPC it lacks; equal to the copy the operator
 * console reads from platform-auth (the console may not import a service lib); nobody admitted
 * anonymously and nothing granted to an unknown role.
 */
export const describePolicyTable = (name: string, table: { descriptorSet: Uint8Array; policy: ServicePolicy; consoleCopy: ServicePolicy }): void => {
  const { descriptorSet, policy, consoleCopy } = table;
  describe(`${name} authorization table`, () => {
    it('has a rule for every RPC of the contract, read from the descriptors, and none for an RPC it lacks', () => {
      const coverage = checkPolicyCoverage(descriptorSet, [policy]);
      expect(coverage.rpcs.length).toBeGreaterThan(0);
      expect(coverage.withoutRule).toEqual([]);
      expect(coverage.unknownRules).toEqual([]);
    });

    it('declares the audit resource of every mutation (an RPC whose request has a request_id), read from the descriptors', () => {
      const audit = mutationsWithoutResource(descriptorSet, [policy]);
      expect(audit.mutations.length).toBeGreaterThan(0);
      expect(audit.withoutResource).toEqual([]);
    });

    it('equals the copy the operator console reads (platform-auth DRAFT_* policies)', () => {
      expect(policy.service).toBe(consoleCopy.service);
      expect(shapes(policy.rules)).toEqual(shapes(consoleCopy.rules));
    });

    it('admits nobody anonymously and grants nothing to an unknown role', () => {
      for (const [rpc, rule] of Object.entries(policy.rules) as [string, RpcRule<never, never>][]) {
        expect({ rpc, public: rule.public ?? false }).toEqual({ rpc, public: false });
        if (!rule.public) expect({ rpc, nobody: (rule.roles ?? []).includes('nobody') }).toEqual({ rpc, nobody: false });
      }
    });
  });
};

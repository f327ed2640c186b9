import { checkPolicyCoverage, mutationsWithoutResource, SERVICE_POLICIES, type RpcRule, type ServicePolicy } from '@govern/platform-auth';
import { describe, expect, it } from 'vitest';

/**
 * The checks every service's authorization table gets (`<service>.policy.spec.ts`): a rule for
 * every RPC its descriptors declare and none for an RPC it lacks; the very table the operator
 * console and the CLI read (the one in the service's contracts lib, not a copy); nobody admitted
 * anonymously and nothing granted to an unknown role.
 */
export const describePolicyTable = (name: string, table: { descriptorSet: Uint8Array; policy: ServicePolicy }): void => {
  const { descriptorSet, policy } = table;
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

    it('is the table the console and the CLI read (platform-auth SERVICE_POLICIES), not a copy', () => {
      expect(SERVICE_POLICIES.filter((other) => other.service === policy.service)).toEqual([policy]);
      expect(SERVICE_POLICIES.find((other) => other.service === policy.service)).toBe(policy);
    });

    it('admits nobody anonymously and grants nothing to an unknown role', () => {
      for (const [rpc, rule] of Object.entries(policy.rules) as [string, RpcRule<never, never>][]) {
        expect({ rpc, public: rule.public ?? false }).toEqual({ rpc, public: false });
        if (!rule.public) expect({ rpc, nobody: (rule.roles ?? []).includes('nobody') }).toEqual({ rpc, nobody: false });
      }
    });
  });
};

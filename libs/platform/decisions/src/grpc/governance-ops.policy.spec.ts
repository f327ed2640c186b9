import { describe, expect, it } from 'vitest';
import { ActorKind, commonDescriptorSet } from '@govern/contracts-common';
import { ANONYMOUS } from '@govern/platform-auth';
import type { GrpcCallContext } from '@govern/platform-grpc';
import { callerActor } from './governance-ops.handlers';
import { checkPolicyCoverage, decide, mutationsWithoutResource } from '@govern/platform-auth';
import { GOVERNANCE_OPS_POLICY } from './governance-ops.policy';

describe('GOVERNANCE_OPS_POLICY', () => {
  it('has a rule for every RPC of the wire contract and none for RPCs it lacks', () => {
    const coverage = checkPolicyCoverage(commonDescriptorSet, [GOVERNANCE_OPS_POLICY], 'govern.ops.');
    expect(coverage.rpcs).toContain('govern.ops.v1.GovernanceOpsService/RunBacktest');
    expect(coverage.withoutRule).toEqual([]);
    expect(coverage.unknownRules).toEqual([]);
  });

  it('declares the audit resource of every mutation', () => {
    const audit = mutationsWithoutResource(commonDescriptorSet, [GOVERNANCE_OPS_POLICY], 'govern.ops.');
    expect(audit.mutations).toEqual(['govern.ops.v1.GovernanceOpsService/SetShadowPolicy', 'govern.ops.v1.GovernanceOpsService/RedriveDeadLetter']);
    expect(audit.withoutResource).toEqual([]);
  });

  it('lets auditors read and replay, and only operators switch shadow candidates or re-drive', () => {
    const person = (roles: string[]) => ({ kind: 'person' as const, subject: 'p', roles });
    const rule = (rpc: string) => GOVERNANCE_OPS_POLICY.rules[rpc];
    expect(decide(rule('ReplayDecision'), person(['auditor'])).allowed).toBe(true);
    expect(decide(rule('SetShadowPolicy'), person(['auditor'])).allowed).toBe(false);
    expect(decide(rule('SetShadowPolicy'), person(['operator'])).allowed).toBe(true);
    expect(decide(rule('RedriveDeadLetter'), person(['support'])).allowed).toBe(false);
    expect(decide(rule('ListAuditRecords'), person(['auditor'])).allowed).toBe(true);
    expect(decide(rule('ListAuditRecords'), person(['operator'])).allowed).toBe(true);
    expect(decide(rule('ListAuditRecords'), person(['support', 'finance'])).allowed).toBe(false);
    expect(decide(rule('GetDecision'), { kind: 'service', subject: 'spiffe://govern/content', service: 'content', roles: [] }).allowed).toBe(false);
  });
});

describe('callerActor', () => {
  it('records the authenticated caller and nobody else', () => {
    const context = (caller?: unknown) => ({ caller }) as unknown as GrpcCallContext;
    expect(callerActor(context({ kind: 'person', subject: 'alice', roles: ['operator'], via: 'console' }))).toEqual({
      subject: 'alice',
      kind: ActorKind.ACTOR_KIND_PERSON,
      roles: ['operator'],
      service: 'console',
    });
    expect(callerActor(context(ANONYMOUS))).toBeUndefined();
    expect(callerActor(context())).toBeUndefined();
  });
});

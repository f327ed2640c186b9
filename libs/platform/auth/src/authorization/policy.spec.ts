import { consumerExperienceDescriptorSet, consumerExperiencePolicy } from '@govern/contracts-consumer-experience';
import { contentDescriptorSet, contentPolicy } from '@govern/contracts-content';
import { MerchantAccessServiceDefinition, merchantAccessDescriptorSet, merchantAccessPolicy } from '@govern/contracts-merchant-access';
import { productQualityDescriptorSet, productQualityPolicy } from '@govern/contracts-product-quality';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, type Caller } from '../identity/caller';
import { decide, definePolicy, PolicyTable, type AuthorizationPolicy } from './policy';
import { checkPolicyCoverage, mutationsWithoutResource, protectedRpcs } from './policy-coverage';
import { SERVICE_POLICIES } from './service-policies';

const person = (roles: string[]): Caller => ({ kind: 'person', subject: 'alice', roles });
const service = (name: string): Caller => ({ kind: 'service', subject: `spiffe://govern/${name}`, service: name, roles: [] });
const system = (name: string, roles: string[] = []): Caller => ({ kind: 'system', subject: name, service: name, roles });

describe('rule decisions', () => {
  const rule = { services: ['listing'], roles: ['operator'] };
  it('admits the named services and role holders, refuses the rest, and asks anonymous callers to authenticate', () => {
    expect(decide(rule, service('listing'))).toEqual({ allowed: true });
    expect(decide(rule, system('listing'))).toEqual({ allowed: true });
    expect(decide(rule, person(['operator', 'auditor']))).toEqual({ allowed: true });
    expect(decide(rule, person(['auditor']))).toMatchObject({ allowed: false, status: 'PERMISSION_DENIED' });
    expect(decide(rule, service('order'))).toMatchObject({ allowed: false, status: 'PERMISSION_DENIED' });
    expect(decide(rule, ANONYMOUS)).toMatchObject({ allowed: false, status: 'UNAUTHENTICATED', reason: 'MISSING_CREDENTIALS' });
    expect(decide({ public: true }, ANONYMOUS)).toEqual({ allowed: true });
    expect(decide(undefined, person(['operator']))).toMatchObject({ allowed: false, reason: 'NO_RULE' });
  });

  it('a service certificate never passes as a role holder, and a person never as a service', () => {
    expect(decide({ roles: ['operator'] }, { ...service('listing'), roles: ['operator'] })).toMatchObject({ allowed: false });
    expect(decide({ services: ['listing'] }, { kind: 'person', subject: 'listing', roles: [] })).toMatchObject({ allowed: false });
  });
});

describe('the policy table of a server', () => {
  it('has health and reflection open from the start, and refuses a second table for the same service', () => {
    const table = new PolicyTable();
    expect(table.ruleOf('/grpc.health.v1.Health/Check')).toEqual({ public: true });
    expect(table.ruleOf('/grpc.reflection.v1.ServerReflection/ServerReflectionInfo')).toEqual({ public: true });
    table.add(contentPolicy);
    expect(table.ruleOf('/govern.content.v1.ContentService/DeductCreatorCredit')).toMatchObject({ roles: ['operator'], resource: { type: 'creator' } });
    expect(() => table.add(contentPolicy)).toThrow(/already registered/);
  });
});

describe('the four services\' tables', () => {
  it.each([
    ['content', contentDescriptorSet, contentPolicy],
    ['product-quality', productQualityDescriptorSet, productQualityPolicy],
    ['merchant-access', merchantAccessDescriptorSet, merchantAccessPolicy],
    ['consumer-experience', consumerExperienceDescriptorSet, consumerExperiencePolicy],
  ])('%s: every RPC of the contract has a rule, and no rule names an RPC the contract lacks', (_name, descriptors, policy) => {
    const coverage = checkPolicyCoverage(descriptors, [policy]);
    expect(coverage.rpcs.length).toBeGreaterThan(10);
    expect(coverage.withoutRule).toEqual([]);
    expect(coverage.unknownRules).toEqual([]);
  });

  it('the coverage check finds an RPC without a rule and a rule for an RPC that does not exist', () => {
    const { RecordViolation: _omitted, ...rest } = merchantAccessPolicy.rules;
    const coverage = checkPolicyCoverage(merchantAccessDescriptorSet, [
      { service: merchantAccessPolicy.service, rules: { ...rest, RemoveEveryone: { roles: ['operator'] } } },
    ]);
    expect(coverage.withoutRule).toEqual(['govern.merchant_access.v1.MerchantAccessService/RecordViolation']);
    expect(coverage.unknownRules).toEqual(['govern.merchant_access.v1.MerchantAccessService/RemoveEveryone']);
  });

  it('finds the mutations (requests with a request_id) whose rule declares no audit resource, and only those', () => {
    const { SubmitApplication: _undeclared, ...declared } = merchantAccessPolicy.rules;
    const rules = { ...declared, SubmitApplication: { services: ['merchant-center'] } };
    const audit = mutationsWithoutResource(merchantAccessDescriptorSet, [{ service: merchantAccessPolicy.service, rules }]);
    const mutation = (name: string) => `govern.merchant_access.v1.MerchantAccessService/${name}`;
    expect(audit.mutations).toEqual(expect.arrayContaining([mutation('RecordViolation'), mutation('SubmitApplication'), mutation('DecideAppeal')]));
    expect(audit.mutations).not.toContain(mutation('GetMerchant'));
    expect(audit.mutations).not.toContain(mutation('CheckIdentifierLinks'));
    expect(audit.withoutResource).toEqual([mutation('SubmitApplication')]);
  });

  it('no RPC of the four tables is public, and every mutation the issue names needs its role', () => {
    const all = protectedRpcs(SERVICE_POLICIES);
    expect(all.length).toBe(SERVICE_POLICIES.reduce((n, p) => n + Object.keys(p.rules).length, 0));
    const rule = (policy: typeof merchantAccessPolicy, rpc: string) => policy.rules[rpc];
    expect(decide(rule(merchantAccessPolicy, 'RecordViolation'), person(['operator'])).allowed).toBe(true);
    for (const [policy, rpc, role] of [
      [merchantAccessPolicy, 'RecordViolation', 'operator'],
      [merchantAccessPolicy, 'DecideReviewCase', 'operator'],
      [productQualityPolicy, 'BanProduct', 'operator'],
      [consumerExperiencePolicy, 'ContributeToFund', 'finance'],
      [consumerExperiencePolicy, 'PayAdvanceCompensation', 'finance'],
      [merchantAccessPolicy, 'CheckIdentifierLinks', 'risk-reviewer'],
    ] as const) {
      expect({ rpc, ...decide(rule(policy, rpc), person([role])) }).toEqual({ rpc, allowed: true });
      expect({ rpc, allowed: decide(rule(policy, rpc), person(['auditor', 'support'])).allowed }).toEqual({ rpc, allowed: false });
      expect({ rpc, allowed: decide(rule(policy, rpc), service('listing')).allowed }).toEqual({ rpc, allowed: false });
    }
    for (const policy of SERVICE_POLICIES) {
      expect(decide(policy.rules['GetGovernanceStats'], person(['auditor'])).allowed).toBe(true);
      expect(decide(policy.rules['GetGovernanceStats'], person(['support'])).allowed).toBe(false);
    }
  });
});

describe('definePolicy is checked by the compiler', () => {
  it('refuses a table that leaves out an RPC or names one the service lacks (see the @ts-expect-error lines)', () => {
    const incomplete = () =>
      // @ts-expect-error -- every RPC of MerchantAccessService needs a rule
      definePolicy(MerchantAccessServiceDefinition, { RecordViolation: { roles: ['operator'] } });
    const complete = merchantAccessPolicy.rules as unknown as AuthorizationPolicy<typeof MerchantAccessServiceDefinition>;
    const unknown = () =>
      definePolicy(MerchantAccessServiceDefinition, {
        ...complete,
        // @ts-expect-error -- not an RPC of MerchantAccessService
        RemoveEveryone: { roles: ['operator'] },
      });
    expect(incomplete().rules).toBeDefined();
    expect(unknown().rules).toBeDefined();
  });
});

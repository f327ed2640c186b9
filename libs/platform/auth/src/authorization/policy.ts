import type { RpcRule, ServicePolicy } from '@govern/contracts-common';
import type { Caller } from '../identity/caller';

// The tables' language (RpcRule, definePolicy, …) is in contracts-common, beside the tables; enforcement is here.
export { definePolicy, type AuditResource, type AuthorizationPolicy, type RpcRule, type ServicePolicy } from '@govern/contracts-common';

/** Health and reflection stay open: load balancers and grpcurl-style tools call them without credentials. */
export const OPEN_SERVICES: readonly ServicePolicy[] = [
  { service: 'grpc.health.v1.Health', rules: { Check: { public: true }, Watch: { public: true }, List: { public: true } } },
  { service: 'grpc.reflection.v1.ServerReflection', rules: { ServerReflectionInfo: { public: true } } },
  { service: 'grpc.reflection.v1alpha.ServerReflection', rules: { ServerReflectionInfo: { public: true } } },
];

/**
 * The rules of every service a server hosts, by method path (`/pkg.Service/Method`). A server
 * kit adds a service's table when the service is added (`server.add(definition, handlers,
 * policy)`), so no service can be served without one. Health and reflection are in from the start.
 */
export class PolicyTable {
  private readonly rules = new Map<string, RpcRule<never, never>>();
  private readonly services = new Set<string>();

  constructor(policies: readonly ServicePolicy[] = []) {
    for (const policy of [...OPEN_SERVICES, ...policies]) this.add(policy);
  }

  add(policy: ServicePolicy): void {
    if (this.services.has(policy.service)) throw new Error(`a policy for ${policy.service} is already registered`);
    this.services.add(policy.service);
    for (const [method, rule] of Object.entries(policy.rules)) this.rules.set(`/${policy.service}/${method}`, rule);
  }

  ruleOf(path: string): RpcRule<never, never> | undefined {
    return this.rules.get(path);
  }
}

export type RuleDecision =
  | { allowed: true }
  | { allowed: false; status: 'UNAUTHENTICATED' | 'PERMISSION_DENIED'; reason: 'MISSING_CREDENTIALS' | 'PERMISSION_DENIED' | 'NO_RULE' };

/** The decision of a rule for a caller; pure, so the tables can be tested without a server. */
export const decide = (rule: RpcRule<never, never> | undefined, caller: Caller): RuleDecision => {
  if (!rule) return { allowed: false, status: 'PERMISSION_DENIED', reason: 'NO_RULE' };
  if (rule.public) return { allowed: true };
  if (caller.kind === 'anonymous') return { allowed: false, status: 'UNAUTHENTICATED', reason: 'MISSING_CREDENTIALS' };
  const byWorkload = (caller.kind === 'service' || caller.kind === 'system') && caller.service !== undefined && (rule.services ?? []).includes(caller.service);
  // Services are admitted by name only: a role on a certificate caller is meaningless (certificates carry none).
  const byRole = caller.kind !== 'service' && caller.roles.some((role) => (rule.roles ?? []).includes(role));
  return byWorkload || byRole ? { allowed: true } : { allowed: false, status: 'PERMISSION_DENIED', reason: 'PERMISSION_DENIED' };
};

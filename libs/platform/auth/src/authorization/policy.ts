import type { Caller } from '../identity/caller';
import type { RateLimit } from './rate-limiter';

/**
 * Who may call one RPC. A rule admits a caller when the caller is one of `services` (a
 * service by its client certificate, or a system by its token's client id) or holds one of
 * `roles`. `public` admits everyone, anonymous callers included (health, reflection).
 */
export type RpcRule<Request = unknown, Response = unknown> =
  | { readonly public: true }
  | {
      readonly public?: false;
      readonly services?: readonly string[];
      readonly roles?: readonly string[];
      /**
       * What a mutation acts on, for its audit record (`audit_records.resource_type/_id`): every
       * mutation declares it (the policy spec fails otherwise), reads leave it out.
       */
      readonly resource?: AuditResource<Request, Response>;
      /** Per caller, per RPC. */
      readonly rateLimit?: RateLimit & {
        /** Units one request takes (e.g. the number of identifiers it looks up); default 1. Streams cost 1 per call. */
        readonly cost?: (request: Request) => number;
      };
    };

/**
 * The resource of a mutation: its type in the service's words and its id, read from the request,
 * or from the response for a resource the call creates (an application, a campaign). An id the
 * call does not have (an empty field) falls back to the request id in the record.
 */
export interface AuditResource<Request = never, Response = never> {
  readonly type: string;
  readonly id: (request: Request, response: Response) => string | undefined;
}

type MethodsOf<Definition> = Definition extends { readonly methods: infer Methods } ? Methods : never;
type RequestOf<Method> = Method extends { readonly requestStream: true } ? unknown : Method extends { readonly requestType: { decode(...args: never[]): infer R } } ? R : unknown;
type ResponseOf<Method> = Method extends { readonly responseStream: true } ? unknown : Method extends { readonly responseType: { decode(...args: never[]): infer R } } ? R : unknown;

/**
 * The table of one gRPC service, keyed by RPC name as the proto spells it (`RecordViolation`).
 * Typed from the ts-proto service definition: leaving an RPC out, or naming one the service
 * does not have, is a compile error; `cost` sees the RPC's request type.
 */
export type AuthorizationPolicy<Definition> = {
  readonly [K in keyof MethodsOf<Definition> as MethodsOf<Definition>[K] extends { readonly name: infer N extends string } ? N : never]: RpcRule<
    RequestOf<MethodsOf<Definition>[K]>,
    ResponseOf<MethodsOf<Definition>[K]>
  >;
};

/** A policy bound to its service's full name, ready for the middleware. */
export interface ServicePolicy {
  /** e.g. `govern.merchant_access.v1.MerchantAccessService`. */
  readonly service: string;
  readonly rules: Readonly<Record<string, RpcRule<never, never>>>;
}

/** `definePolicy(MerchantAccessServiceDefinition, { RecordViolation: { roles: ['operator'] }, … })`. */
export const definePolicy = <Definition extends { readonly fullName: string }>(definition: Definition, rules: NoInfer<AuthorizationPolicy<Definition>>): ServicePolicy => ({
  service: definition.fullName,
  rules: rules as unknown as Record<string, RpcRule<never, never>>,
});

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

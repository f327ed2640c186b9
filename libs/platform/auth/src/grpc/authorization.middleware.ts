import type { CallContext, ServerMiddleware } from 'nice-grpc-common';
import { decide, PolicyTable, type RpcRule, type ServicePolicy } from '../authorization/policy';
import { createRateLimiter, type RateLimiter } from '../authorization/rate-limiter';
import { AUTH_REASONS, AuthError } from '../identity/auth-error';
import { describeCaller, type CallerContextExt } from '../identity/caller';
import { toAuthServerError } from './auth-server-error';

export interface AuthorizationOptions {
  /** ErrorInfo.domain becomes `<serviceName>.govern`. */
  serviceName: string;
  /** One table per gRPC service the server hosts (a PolicyTable can still grow until the server listens); health and reflection are open. */
  policies: PolicyTable | readonly ServicePolicy[];
  rateLimiter?: RateLimiter;
  /** Told about every refusal (the call log line carries the reason; this is for audit/metrics). */
  onDenied?: (denial: Denial) => void;
}

export interface Denial {
  rpc: string;
  caller: string;
  reason: string;
  requestId?: string | undefined;
}

interface OptionalCallExt {
  requestId?: string;
}

const costOf = (rule: RpcRule<never, never>, call: { request?: unknown; requestStream: boolean }): number => {
  if (rule.public || !rule.rateLimit?.cost || call.requestStream) return 1;
  let cost: number;
  try {
    cost = (rule.rateLimit.cost as (request: unknown) => number)(call.request);
  } catch {
    // A request the edge guard refused to decode (next in the chain, it answers INVALID_ARGUMENT) has no fields to count.
    return 1;
  }
  return Number.isFinite(cost) && cost > 0 ? cost : 1;
};

/**
 * Enforces the per-RPC tables. Unknown RPCs (no rule) are refused: deny by default. Order of
 * checks: rule exists → public → caller known (else UNAUTHENTICATED) → admitted (else
 * PERMISSION_DENIED with `permission` and `required_roles` in ErrorInfo metadata) → rate
 * limit (RESOURCE_EXHAUSTED with RetryInfo). Runs after `callerIdentityMiddleware`.
 */
export const authorizationMiddleware = (options: AuthorizationOptions): ServerMiddleware<object, CallerContextExt> => {
  const table = options.policies instanceof PolicyTable ? options.policies : new PolicyTable(options.policies);
  const limiter = options.rateLimiter ?? createRateLimiter();
  return async function* authorization(call, context) {
    const path = call.method.path;
    const rule = table.ruleOf(path);
    const { caller } = context;
    const requestId = (context as CallContext & OptionalCallExt).requestId;
    const refuse = (error: AuthError): never => {
      options.onDenied?.({ rpc: path, caller: describeCaller(caller), reason: error.reason, requestId });
      throw toAuthServerError(error, { serviceName: options.serviceName, requestId, quotaSubject: `caller:${describeCaller(caller)}` });
    };
    const decision = decide(rule, caller);
    if (!decision.allowed) {
      const permission = path.slice(1);
      if (decision.reason === 'MISSING_CREDENTIALS') {
        refuse(new AuthError('UNAUTHENTICATED', AUTH_REASONS.MISSING_CREDENTIALS, 'This call needs credentials: a bearer token or a client certificate', { permission }));
      }
      if (decision.reason === 'NO_RULE') refuse(new AuthError('PERMISSION_DENIED', AUTH_REASONS.NO_RULE, `${permission} has no authorization rule; refused by default`, { permission }));
      const requiredRoles = rule && !rule.public ? (rule.roles ?? []).join(',') : '';
      refuse(
        new AuthError('PERMISSION_DENIED', AUTH_REASONS.PERMISSION_DENIED, `The caller may not call ${permission}`, {
          permission,
          ...(requiredRoles ? { required_roles: requiredRoles } : {}),
        }),
      );
    }
    if (rule && !rule.public && rule.rateLimit) {
      const taken = limiter.take(`${path}|${caller.kind}|${caller.subject}`, rule.rateLimit, costOf(rule, call));
      if (!taken.allowed) {
        refuse(new AuthError('RESOURCE_EXHAUSTED', AUTH_REASONS.RATE_LIMITED, `Rate limit of ${path.slice(1)} reached for this caller`, { permission: path.slice(1) }, taken.retryAfterMs));
      }
    }
    return yield* call.next(call.request, context);
  };
};

import { Metadata, type ClientMiddleware } from 'nice-grpc-common';
import type { RpcRule } from '../authorization/policy';
import { issueDevToken, type DevTokenRequest } from '../dev/dev-tokens';

/**
 * Something that hands out a currently valid token (and renews it before it expires). It is
 * told the RPC being called (`/pkg.Service/Method`), for a tool acting as the caller each RPC expects.
 */
export type TokenProvider = (rpc?: string) => Promise<string> | string;

/**
 * Client middleware that sends `authorization: Bearer <token>` on every call, unless the call
 * sets its own authorization header (a tool acting as several callers does it per call).
 */
export const bearerTokenClientMiddleware = (tokens: TokenProvider): ClientMiddleware =>
  async function* bearerToken(call, options) {
    const metadata = Metadata(options.metadata);
    if (!metadata.has('authorization')) metadata.set('authorization', `Bearer ${await tokens(call.method.path)}`);
    return yield* call.next(call.request, { ...options, metadata });
  };

/** Per-call metadata carrying a token: `client.getMerchant(request, { metadata: bearer(token) })`. */
export const bearer = (token: string): Metadata => Metadata({ authorization: `Bearer ${token}` });

/**
 * A provider of dev tokens for one identity, re-signed once 80% of the lifetime has passed,
 * so a long `govern simulate` never sends an expired one.
 */
export const devTokenProvider = (signingKeyFile: string, request: DevTokenRequest, now: () => number = Date.now): TokenProvider => {
  const ttlMs = (request.ttlSeconds ?? 3_600) * 1000;
  let current: { token: Promise<string>; renewAt: number } | undefined;
  return () => {
    if (!current || now() >= current.renewAt) {
      const token = issueDevToken(signingKeyFile, { ...request, now: () => new Date(now()) });
      current = { token, renewAt: now() + ttlMs * 0.8 };
      token.catch(() => (current = undefined));
    }
    return current.token;
  };
};

/**
 * Development only: for each RPC, a dev token of the caller a policy table names for it — the
 * rule's first platform caller as a system token, else a person holding the rule's first role.
 * For tools that play every actor of the marketplace (`govern simulate`, integration tests):
 * the services still verify every token and check every rule; nothing is bypassed.
 */
export const devTokenProviderByPolicy = (
  signingKeyFile: string,
  policies: { ruleOf(path: string): RpcRule<never, never> | undefined },
  options: { personPrefix?: string; now?: () => number } = {},
): TokenProvider => {
  const providers = new Map<string, TokenProvider>();
  const tokenOf = (key: string, request: DevTokenRequest): Promise<string> | string => {
    let provider = providers.get(key);
    if (!provider) providers.set(key, (provider = devTokenProvider(signingKeyFile, request, options.now)));
    return provider();
  };
  const prefix = options.personPrefix ?? 'dev';
  return (rpc) => {
    const rule = rpc ? policies.ruleOf(rpc) : undefined;
    const platformCaller = rule && !rule.public ? rule.services?.[0] : undefined;
    if (platformCaller) return tokenOf(`system:${platformCaller}`, { subject: platformCaller, kind: 'system' });
    const role = rule && !rule.public ? rule.roles?.[0] : undefined;
    return tokenOf(`person:${role ?? ''}`, { subject: `${prefix}-${role ?? 'person'}`, roles: role ? [role] : [] });
  };
};

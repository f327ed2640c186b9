import type { CallContext, ServerMiddleware } from 'nice-grpc-common';
import { AUTH_REASONS, AuthError, unauthenticated } from '../identity/auth-error';
import { ANONYMOUS, type Caller, type CallerContextExt } from '../identity/caller';
import { takePeerIdentity } from '../identity/peer-identity';
import { DEFAULT_TRUST_DOMAIN, spiffeIdOf } from '../identity/spiffe';
import type { TokenVerifier } from '../identity/token-verifier';
import { toAuthServerError } from './auth-server-error';

export interface CallerIdentityOptions {
  /** ErrorInfo.domain becomes `<serviceName>.govern`. */
  serviceName: string;
  /** Verifies bearer tokens; without one, a call carrying a token is refused (never ignored). */
  tokens?: TokenVerifier | undefined;
  /** Must match the trust domain given to `peerIdentityInterceptor`. Default `govern`. */
  trustDomain?: string;
}

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+)$/;

interface OptionalCallExt {
  requestId?: string;
}

const requestIdOf = (context: CallContext): string | undefined => (context as CallContext & OptionalCallExt).requestId;

/**
 * Establishes `context.caller` for every call:
 * - a bearer token (`authorization: Bearer <jwt>`), when present, is verified, and any fault
 *   is UNAUTHENTICATED — also on open RPCs like health: a forged token is never ignored. A
 *   person's or system's token carried over a service's certificate records that service as `via`;
 * - else a verified client certificate naming `spiffe://govern/<service>` makes the caller that service;
 * - else the caller is anonymous; the authorization middleware then admits it to public RPCs
 *   only (UNAUTHENTICATED elsewhere).
 * Needs `peerIdentityInterceptor` on the grpc-js server for certificates. The authorization
 * header is removed from the metadata handlers see. Sits inside the call-log and
 * error-mapping middlewares (it uses their `requestId` when present); the call log learns the
 * caller from the call-scope step, and binds it to the call's logger.
 */
export const callerIdentityMiddleware = (options: CallerIdentityOptions): ServerMiddleware<CallerContextExt> =>
  async function* callerIdentity(call, context) {
    const peer = takePeerIdentity(context.metadata);
    const header = context.metadata.get('authorization');
    context.metadata.delete('authorization');
    let caller: Caller;
    try {
      // Awaited only for a token: a certificate's caller is known at once (no promise, no tick).
      const found = identify(header, peer.certificate ? peer.workload : undefined, options.tokens, options.trustDomain ?? DEFAULT_TRUST_DOMAIN);
      caller = found instanceof Promise ? await found : found;
    } catch (error) {
      if (error instanceof AuthError) throw toAuthServerError(error, { serviceName: options.serviceName, requestId: requestIdOf(context) });
      throw error;
    }
    return yield* call.next(call.request, { ...context, caller });
  };

const identify = (header: string | undefined, workload: string | undefined, tokens: TokenVerifier | undefined, trustDomain: string): Caller | Promise<Caller> => {
  if (header !== undefined) {
    const token = BEARER.exec(header.trim())?.[1];
    if (!token) throw unauthenticated(AUTH_REASONS.INVALID_TOKEN, 'The authorization header must be "Bearer <token>"');
    if (!tokens) throw unauthenticated(AUTH_REASONS.TOKENS_NOT_ACCEPTED, 'This server accepts no bearer tokens; present a client certificate');
    return tokens.verify(token).then((caller) => (workload ? { ...caller, via: workload } : caller));
  }
  if (workload) return { kind: 'service', subject: spiffeIdOf(workload, trustDomain), service: workload, roles: [] };
  return ANONYMOUS;
};

import { Metadata, type ClientMiddleware } from 'nice-grpc-common';
import { issueDevToken, type DevTokenRequest } from '../dev/dev-tokens';

/** Something that hands out a currently valid token (and renews it before it expires). */
export type TokenProvider = () => Promise<string> | string;

/**
 * Client middleware that sends `authorization: Bearer <token>` on every call, unless the call
 * sets its own authorization header (a tool acting as several callers does it per call).
 */
export const bearerTokenClientMiddleware = (tokens: TokenProvider): ClientMiddleware =>
  async function* bearerToken(call, options) {
    const metadata = Metadata(options.metadata);
    if (!metadata.has('authorization')) metadata.set('authorization', `Bearer ${await tokens()}`);
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

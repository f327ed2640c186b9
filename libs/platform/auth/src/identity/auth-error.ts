/**
 * Why a call was refused, with the stable reason a client can branch on. The middlewares
 * turn it into a gRPC status with `google.rpc.ErrorInfo { reason, domain, metadata }`.
 */
export type AuthErrorStatus = 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'RESOURCE_EXHAUSTED' | 'UNAVAILABLE';

export const AUTH_REASONS = {
  /** No bearer token and no verified client certificate on a call that needs a caller. */
  MISSING_CREDENTIALS: 'AUTH.MISSING_CREDENTIALS',
  /** The authorization header is not `Bearer <token>`, or the token is malformed, wrongly signed, for another audience or issuer. */
  INVALID_TOKEN: 'AUTH.INVALID_TOKEN',
  TOKEN_EXPIRED: 'AUTH.TOKEN_EXPIRED',
  /** The issuer's keys could not be fetched: not the caller's fault, retry. */
  KEYS_UNAVAILABLE: 'AUTH.KEYS_UNAVAILABLE',
  /** This server was configured to accept no tokens. */
  TOKENS_NOT_ACCEPTED: 'AUTH.TOKENS_NOT_ACCEPTED',
  /** The caller is known but the RPC's rule does not admit it. */
  PERMISSION_DENIED: 'AUTH.PERMISSION_DENIED',
  /** The RPC has no rule: refused by default (a test per service keeps this from happening). */
  NO_RULE: 'AUTH.NO_RULE',
  RATE_LIMITED: 'AUTH.RATE_LIMITED',
} as const;

export type AuthReason = (typeof AUTH_REASONS)[keyof typeof AUTH_REASONS];

export class AuthError extends Error {
  constructor(
    readonly status: AuthErrorStatus,
    readonly reason: AuthReason,
    message: string,
    readonly metadata: Readonly<Record<string, string>> = {},
    /** For RESOURCE_EXHAUSTED: when to try again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

export const unauthenticated = (reason: AuthReason, message: string, metadata?: Record<string, string>): AuthError =>
  new AuthError('UNAUTHENTICATED', reason, message, metadata);

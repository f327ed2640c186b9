import { readFile, stat } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTHeaderParameters, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AUTH_REASONS, AuthError, unauthenticated } from './auth-error';
import type { Caller } from './caller';
import { isWorkloadName } from './spiffe';

/**
 * Verifies the bearer tokens of people and external systems (JWT access tokens, RFC 9068
 * claims) with `jose`: signature against the issuer's JWKS, `iss`, `aud`, `exp`/`nbf` with a
 * clock tolerance, and only asymmetric algorithms. Any failure is UNAUTHENTICATED: a token
 * that is present is never ignored.
 */
export type JwksSource =
  /** The issuer's JWKS endpoint; keys are cached and refetched when an unknown `kid` appears (rotation). */
  | { url: URL | string }
  /** A JWKS file (e.g. the dev issuer's, or one a deployment mounts); re-read when it changes or a `kid` is unknown. */
  | { file: string }
  /** Fixed keys (tests). */
  | { jwks: JSONWebKeySet };

export interface TokenVerifierOptions {
  issuer: string;
  /** This deployment's audience; a token must name it in `aud`. */
  audience: string;
  keys: JwksSource;
  /** Accepted difference between our clock and the issuer's, for exp/nbf/iat. Default 30 s. */
  clockToleranceSec?: number;
  /** Default: the common asymmetric JWS algorithms. Symmetric (HS*) and `none` are never accepted. */
  algorithms?: string[];
  /** Dot path of the roles claim (`roles`, or e.g. `realm_access.roles` for Keycloak). Default `roles`. */
  rolesClaim?: string;
  /**
   * Workload names a token may not claim as its `client_id` (the Govern services: between
   * themselves they are proven by client certificate only). Default none.
   */
  certificateOnlyWorkloads?: readonly string[];
  /** Default: RFC 9068 — a token whose `sub` is its `client_id` (client credentials) is a system; else a person. */
  kindOf?: (claims: JWTPayload) => 'person' | 'system';
  now?: () => Date;
  /**
   * How long a verified token's caller is remembered (default 60 s; 0 turns it off). A caller
   * sends the same token on every call until it renews it, and checking its signature is the
   * costly part of verifying it (issue 13's profile). A remembered token is refused from the
   * moment it expires, and is verified afresh whenever the key it was verified with is no
   * longer the one the JWKS gives for its header (rotation, withdrawal: as without the cache,
   * looked up at most once a second per token, see KEY_RECHECK_MS).
   */
  verifiedCacheMs?: number;
}

export interface TokenVerifier {
  /** The caller a token proves; throws AuthError (UNAUTHENTICATED, or UNAVAILABLE when the keys cannot be fetched). */
  verify(token: string): Promise<Caller>;
}

const DEFAULT_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519'];
const MAX_TOKEN_LENGTH = 8_192;
const MAX_SUBJECT_LENGTH = 256;
const MAX_ROLES = 64;
const ROLE = /^[a-z][a-z0-9-]{0,62}$/;
const FILE_RECHECK_MS = 5_000;
const VERIFIED_CACHE_MS = 60_000;
/** Bounds the memory of the verified-token cache (about 1 KB an entry). */
const VERIFIED_CACHE_ENTRIES = 10_000;
/**
 * How often a remembered token's key is looked up again in the JWKS. Asking the JWKS on every
 * call was most of a remembered token's cost (about ten promises through the key source and
 * jose's key set, for an answer that changes only when the keys are re-read: a file every 5 s at
 * most, an endpoint when its cache is stale), so a withdrawn key stops its tokens at most this
 * much later than without the cache.
 */
const KEY_RECHECK_MS = 1_000;

/** JWKS from a file, re-read when its mtime changes (checked at most every few seconds) or a `kid` is unknown. */
const fileKeys = (path: string, now: () => number): JWTVerifyGetKey => {
  let keys: JWTVerifyGetKey | undefined;
  let mtimeMs = -1;
  let checkedAt = -Infinity;
  const reload = async (force: boolean): Promise<JWTVerifyGetKey> => {
    if (!force && keys && now() - checkedAt < FILE_RECHECK_MS) return keys;
    checkedAt = now();
    const info = await stat(path);
    if (!keys || info.mtimeMs !== mtimeMs) {
      keys = createLocalJWKSet(JSON.parse(await readFile(path, 'utf8')) as JSONWebKeySet);
      mtimeMs = info.mtimeMs;
    }
    return keys;
  };
  return async (header, token) => {
    const current = await reload(false);
    try {
      return await current(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || now() - checkedAt < 1_000) throw error;
      return (await reload(true))(header, token);
    }
  };
};

const keysOf = (source: JwksSource, now: () => number): JWTVerifyGetKey => {
  if ('jwks' in source) return createLocalJWKSet(source.jwks);
  if ('file' in source) return fileKeys(source.file, now);
  return createRemoteJWKSet(new URL(source.url), { cooldownDuration: 30_000, cacheMaxAge: 600_000, timeoutDuration: 5_000 });
};

/** A compact JWS's three parts, as a JWKS key getter is given them. */
interface FlattenedToken {
  protected: string;
  payload: string;
  signature: string;
}

const partsOf = (token: string): FlattenedToken => {
  const [protectedHeader = '', payload = '', signature = ''] = token.split('.');
  return { protected: protectedHeader, payload, signature };
};

const claimAt = (claims: JWTPayload, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), claims);

const rfc9068Kind = (claims: JWTPayload): 'person' | 'system' =>
  typeof claims['client_id'] === 'string' && claims['client_id'] === claims.sub ? 'system' : 'person';

const invalid = (message: string, metadata?: Record<string, string>): AuthError => unauthenticated(AUTH_REASONS.INVALID_TOKEN, message, metadata);

/** Maps jose's failures to reasons; never echoes the token. */
const toAuthError = (error: unknown): AuthError => {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) return unauthenticated(AUTH_REASONS.TOKEN_EXPIRED, 'The bearer token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) return invalid(`The bearer token's "${error.claim}" claim is not accepted (${error.reason})`, { claim: error.claim });
  if (error instanceof errors.JWKSTimeout) return new AuthError('UNAVAILABLE', AUTH_REASONS.KEYS_UNAVAILABLE, 'The token issuer keys could not be fetched; retry');
  if (error instanceof errors.JWKSNoMatchingKey) return invalid('The bearer token is signed with a key the issuer does not publish');
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid('The bearer token signature does not verify');
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid('The bearer token is signed with an algorithm that is not accepted');
  if (error instanceof errors.JOSEError) return invalid(`The bearer token is malformed (${error.code})`);
  // Fetch failures of a remote JWKS (network, HTTP status) surface as plain errors.
  return new AuthError('UNAVAILABLE', AUTH_REASONS.KEYS_UNAVAILABLE, 'The token issuer keys could not be fetched; retry');
};

export const createTokenVerifier = (options: TokenVerifierOptions): TokenVerifier => {
  const now = options.now ?? (() => new Date());
  const keys = keysOf(options.keys, () => now().getTime());
  const algorithms = options.algorithms ?? DEFAULT_ALGORITHMS;
  if (algorithms.some((alg) => alg === 'none' || alg.startsWith('HS'))) throw new Error('symmetric and unsigned token algorithms are not accepted');
  const rolesClaim = options.rolesClaim ?? 'roles';
  const reserved = new Set(options.certificateOnlyWorkloads ?? []);
  const kindOf = options.kindOf ?? rfc9068Kind;

  const cacheMs = options.verifiedCacheMs ?? VERIFIED_CACHE_MS;
  const clockToleranceSec = options.clockToleranceSec ?? 30;
  /**
   * Verified tokens: the caller, the key that verified it, until when it may be reused (the
   * earlier of expiry and the cache time), and the token's decoded header and parts, which are
   * what the JWKS is asked with on every reuse (decoding them again each call was two thirds of a
   * remembered token's cost: a split, a base64url decode and a JSON parse).
   */
  const verified = new Map<string, { caller: Caller; key: unknown; usableUntilMs: number; keyCheckedAtMs: number; header: JWTHeaderParameters; parts: FlattenedToken }>();
  const remember = (token: string, caller: Caller, claims: JWTPayload, key: unknown): void => {
    if (cacheMs <= 0 || claims.exp === undefined || key === undefined) return;
    const nowMs = now().getTime();
    // Full: forget the oldest (insertion order; an entry lives 60 s at most) rather than grow.
    if (verified.size >= VERIFIED_CACHE_ENTRIES) verified.delete(verified.keys().next().value as string);
    verified.set(token, {
      caller: { ...caller, roles: [...caller.roles] },
      key,
      usableUntilMs: Math.min(nowMs + cacheMs, (claims.exp + clockToleranceSec) * 1000),
      keyCheckedAtMs: nowMs,
      header: decodeProtectedHeader(token) as JWTHeaderParameters,
      parts: partsOf(token),
    });
  };

  /** The key the JWKS gives now for this token's header (the source re-reads or refetches on its own schedule). */
  const currentKey = async (header: JWTHeaderParameters, parts: FlattenedToken): Promise<unknown> => keys({ ...header }, { ...parts });

  const verifyToken = async (token: string): Promise<Caller> => {
    let claims: JWTPayload;
    let usedKey: unknown;
    const keyOfThisToken: JWTVerifyGetKey = async (header, input) => (usedKey = await keys(header, input));
    try {
      ({ payload: claims } = await jwtVerify(token, keyOfThisToken, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms,
        clockTolerance: clockToleranceSec,
        requiredClaims: ['exp', 'sub'],
        currentDate: now(),
      }));
    } catch (error) {
      throw toAuthError(error);
    }
    const subject = claims.sub ?? '';
    if (subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH || /\p{Cc}/u.test(subject)) throw invalid('The bearer token subject is empty, too long or holds control characters');
    const rawRoles = claimAt(claims, rolesClaim) ?? [];
    if (!Array.isArray(rawRoles) || rawRoles.length > MAX_ROLES || rawRoles.some((role) => typeof role !== 'string')) {
      throw invalid(`The bearer token's "${rolesClaim}" claim must be a list of at most ${MAX_ROLES} strings`, { claim: rolesClaim });
    }
    // Roles outside the vocabulary's spelling can match no rule; they are dropped rather than refused.
    const roles = [...new Set((rawRoles as string[]).filter((role) => ROLE.test(role)))];
    const kind = kindOf(claims);
    const tokenId = typeof claims.jti === 'string' && claims.jti.length <= 128 ? claims.jti : undefined;
    if (kind === 'person') {
      const person: Caller = { kind, subject, roles, ...(tokenId ? { tokenId } : {}) };
      remember(token, person, claims, usedKey);
      return person;
    }
    const clientId = typeof claims['client_id'] === 'string' ? claims['client_id'] : subject;
    if (!isWorkloadName(clientId)) throw invalid('A system token needs a client_id of lowercase letters, digits and dashes', { claim: 'client_id' });
    if (reserved.has(clientId)) throw invalid(`"${clientId}" is a service identity; it is proven by client certificate, not by token`, { claim: 'client_id' });
    const system: Caller = { kind, subject, service: clientId, roles, ...(tokenId ? { tokenId } : {}) };
    remember(token, system, claims, usedKey);
    return system;
  };

  return {
    async verify(token) {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw invalid('The bearer token is empty or too long');
      const known = verified.get(token);
      if (known !== undefined) {
        const nowMs = now().getTime();
        let stillKeyed = nowMs < known.usableUntilMs;
        if (stillKeyed && nowMs - known.keyCheckedAtMs >= KEY_RECHECK_MS) {
          stillKeyed = (await currentKey(known.header, known.parts).catch(() => undefined)) === known.key;
          known.keyCheckedAtMs = nowMs;
        }
        // A copy: what a call does with its caller must not reach the next call's.
        if (stillKeyed) return { ...known.caller, roles: [...known.caller.roles] };
        verified.delete(token);
      }
      return verifyToken(token);
    },
  };
};

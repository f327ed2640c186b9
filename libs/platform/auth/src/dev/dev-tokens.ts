import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { readIfExists, writeFileAtomic } from './file-store';

/**
 * The development token issuer: an ES256 key kept next to the development CA, its public
 * JWKS for the services (JWT_JWKS_FILE), and `issueDevToken` for the CLI, tests and the
 * future web console. Tokens carry RFC 9068 claims, the same a real issuer (Keycloak,
 * Auth0, an internal SSO) puts in access tokens, so the verification path is the real one.
 */
export const DEV_TOKEN_ISSUER = 'govern-dev-issuer';
export const DEV_TOKEN_AUDIENCE = 'govern';
/** The OAuth client people's dev tokens are issued to. */
export const DEV_CLI_CLIENT_ID = 'govern-cli';

const KEY_FILE = 'token-signing-key.json';
const JWKS_FILE = 'jwks.json';
const ALG = 'ES256';

export interface DevSigningKeyFiles {
  keyFile: string;
  jwksFile: string;
}

/** Makes the dev signing key and its JWKS in `dir` once; later calls reuse them. Call under the PKI lock. */
export const ensureDevSigningKey = async (dir: string, onChange: (message: string) => void = () => undefined): Promise<DevSigningKeyFiles> => {
  const keyFile = join(dir, KEY_FILE);
  const jwksFile = join(dir, JWKS_FILE);
  const existing = await readIfExists(keyFile);
  const jwks = await readIfExists(jwksFile);
  if (existing && jwks) {
    const key = JSON.parse(existing.toString('utf8')) as JWK;
    const published = (JSON.parse(jwks.toString('utf8')) as { keys?: JWK[] }).keys ?? [];
    if (key.kid && published.some((k) => k.kid === key.kid)) return { keyFile, jwksFile };
  }
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  await writeFileAtomic(keyFile, JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' }, null, 2), 0o600);
  await writeFileAtomic(jwksFile, JSON.stringify({ keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }] }, null, 2));
  onChange(`created the development token-signing key (${jwksFile})`);
  return { keyFile, jwksFile };
};

export interface DevTokenRequest {
  /** `sub`: a person's id (`alice`) or, for a system, its client id (`listing`). */
  subject: string;
  roles?: readonly string[];
  /** Lifetime; default 1 hour. */
  ttlSeconds?: number;
  /** A system token is a client-credentials token: `sub` = `client_id` (RFC 9068). Default person. */
  kind?: 'person' | 'system';
  audience?: string;
  issuer?: string;
  now?: () => Date;
}

/** Signs a token with the development key in `signingKeyFile` (DevPki.signingKeyFile). */
export const issueDevToken = async (signingKeyFile: string, request: DevTokenRequest): Promise<string> => {
  const jwk = JSON.parse(await readFile(signingKeyFile, 'utf8')) as JWK;
  const key = await importJWK(jwk, ALG);
  const issuedAt = Math.floor((request.now?.() ?? new Date()).getTime() / 1000);
  const kind = request.kind ?? 'person';
  return new SignJWT({ roles: [...(request.roles ?? [])], client_id: kind === 'system' ? request.subject : DEV_CLI_CLIENT_ID })
    .setProtectedHeader({ alg: ALG, kid: jwk.kid as string, typ: 'at+jwt' })
    .setIssuer(request.issuer ?? DEV_TOKEN_ISSUER)
    .setAudience(request.audience ?? DEV_TOKEN_AUDIENCE)
    .setSubject(request.subject)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (request.ttlSeconds ?? 3_600))
    .setJti(randomUUID())
    .sign(key);
};

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { z } from 'zod';

/**
 * The signed-in operator, kept in the browser as one encrypted cookie (JWE, `dir` + A256GCM)
 * rather than in server memory: any console replica can serve any request, a restart keeps
 * people signed in, and nothing about the session can be read or changed by the browser.
 * It holds the operator's bearer token, forwarded on every gRPC call, and ends when the token
 * does (sign in again; with SSO that is a redirect).
 */
export const sessionSchema = z.object({
  /** The token's subject: who every action is recorded as. */
  sub: z.string().min(1).max(256),
  /** Display name, when the issuer gave one. */
  name: z.string().max(256).optional(),
  roles: z.array(z.string().max(64)).max(64),
  /** The bearer token forwarded to the services. */
  token: z.string().min(1),
  /** Synchroniser token every form carries (double protection with SameSite=Strict and the Origin check). */
  csrf: z.string().min(32),
  /** How the operator signed in. */
  via: z.enum(['dev', 'oidc']),
  /** Expiry, seconds since the epoch: the token's. */
  exp: z.number().int(),
});

export type Session = z.infer<typeof sessionSchema>;

/** Browsers drop cookies over 4096 bytes; refuse clearly instead of signing people out silently. */
const MAX_COOKIE_BYTES = 4_000;

export interface SessionSealer {
  seal(session: Omit<Session, 'csrf'> & { csrf?: string }): Promise<string>;
  /** The session in a cookie, or undefined when it is missing, tampered with, from another key or expired. */
  open(cookie: string | undefined, now?: Date): Promise<Session | undefined>;
  /** A short-lived sealed value (OIDC state, PKCE verifier) for the sign-in round trip. */
  sealValue(value: Record<string, string>, ttlSeconds: number): Promise<string>;
  openValue(sealed: string | undefined): Promise<Record<string, string> | undefined>;
}

/** Derives the 256-bit content key from the SESSION_SECRET setting (or random bytes in dev mode). */
export const createSessionSealer = (secret: string | Uint8Array): SessionSealer => {
  const key = createHash('sha256').update('govern-console-session\0').update(secret).digest();
  const encrypt = (claims: Record<string, unknown>, exp: number): Promise<string> =>
    new EncryptJWT(claims).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).setIssuedAt().setExpirationTime(exp).encrypt(key);
  const decrypt = async (sealed: string | undefined, now?: Date): Promise<Record<string, unknown> | undefined> => {
    if (!sealed || sealed.length > MAX_COOKIE_BYTES) return undefined;
    try {
      const { payload } = await jwtDecrypt(sealed, key, { currentDate: now ?? new Date(), contentEncryptionAlgorithms: ['A256GCM'], keyManagementAlgorithms: ['dir'] });
      return payload;
    } catch {
      return undefined;
    }
  };
  return {
    async seal(session) {
      const sealed = await encrypt({ ...session, csrf: session.csrf ?? newCsrfToken() }, session.exp);
      if (sealed.length > MAX_COOKIE_BYTES) throw new Error(`the session cookie would be ${sealed.length} bytes (browsers keep at most 4096): the access token is too large`);
      return sealed;
    },
    async open(cookie, now) {
      const parsed = sessionSchema.safeParse(await decrypt(cookie, now));
      return parsed.success ? parsed.data : undefined;
    },
    sealValue(value, ttlSeconds) {
      return encrypt({ v: value }, Math.floor(Date.now() / 1000) + ttlSeconds);
    },
    async openValue(sealed) {
      const parsed = z.object({ v: z.record(z.string(), z.string()) }).safeParse(await decrypt(sealed));
      return parsed.success ? parsed.data.v : undefined;
    },
  };
};

export const newCsrfToken = (): string => randomBytes(32).toString('base64url');

/** Constant-time comparison of the form's token with the session's. */
export const csrfMatches = (session: Session, submitted: unknown): boolean => {
  if (typeof submitted !== 'string') return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
};

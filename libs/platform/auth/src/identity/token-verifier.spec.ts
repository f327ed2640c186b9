import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthError } from './auth-error';
import { createTokenVerifier, type TokenVerifier } from './token-verifier';

// Counted, to see that a remembered token's signature is not checked again, and how often its key is looked up.
const keyLookups = vi.hoisted(() => ({ count: 0 }));
vi.mock('jose', async (importOriginal) => {
  const jose = await importOriginal<typeof import('jose')>();
  const createLocalJWKSet = (jwks: Parameters<typeof jose.createLocalJWKSet>[0]) => {
    const set = jose.createLocalJWKSet(jwks);
    return (...args: Parameters<typeof set>) => {
      keyLookups.count++;
      return set(...args);
    };
  };
  return { ...jose, jwtVerify: vi.fn(jose.jwtVerify), createLocalJWKSet };
});

describe('bearer token claims', () => {
  let sign: (claims: JWTPayload, alg?: string) => Promise<string>;
  let verifier: (options?: Partial<Parameters<typeof createTokenVerifier>[0]>) => TokenVerifier;
  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
    sign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer('https://sso.example').setAudience('govern').setExpirationTime('5m').sign(privateKey);
    verifier = (options = {}) => createTokenVerifier({ issuer: 'https://sso.example', audience: 'govern', keys: { jwks }, ...options });
  });
  const reasonOf = async (run: Promise<unknown>): Promise<string> => {
    try {
      await run;
      return 'accepted';
    } catch (error) {
      if (error instanceof AuthError) return `${error.status} ${error.reason}`;
      throw error;
    }
  };

  it('reads roles from a configured claim path (Keycloak: realm_access.roles) and drops ill-formed role names', async () => {
    const token = await sign({ sub: 'alice', realm_access: { roles: ['operator', 'Offline Access', 'finance'] } });
    expect(await verifier({ rolesClaim: 'realm_access.roles' }).verify(token)).toEqual(expect.objectContaining({ kind: 'person', subject: 'alice', roles: ['operator', 'finance'] }));
  });

  it('treats a client-credentials token (sub = client_id) as a system named by its client id', async () => {
    expect(await verifier().verify(await sign({ sub: 'inspection', client_id: 'inspection', roles: [] }))).toEqual(
      expect.objectContaining({ kind: 'system', subject: 'inspection', service: 'inspection' }),
    );
  });

  it('refuses tokens without sub or exp, with a roles claim that is not a list, too many roles, or control characters in sub', async () => {
    expect(await reasonOf(verifier().verify(await sign({ roles: [] })))).toBe('UNAUTHENTICATED AUTH.INVALID_TOKEN');
    expect(await reasonOf(verifier().verify(await sign({ sub: 'alice', roles: 'operator' })))).toBe('UNAUTHENTICATED AUTH.INVALID_TOKEN');
    expect(await reasonOf(verifier().verify(await sign({ sub: 'alice', roles: Array.from({ length: 65 }, (_, i) => `r${i}`) })))).toBe('UNAUTHENTICATED AUTH.INVALID_TOKEN');
    expect(await reasonOf(verifier().verify(await sign({ sub: 'alice\nadmin' })))).toBe('UNAUTHENTICATED AUTH.INVALID_TOKEN');
    expect(await reasonOf(verifier().verify('x'.repeat(10_000)))).toBe('UNAUTHENTICATED AUTH.INVALID_TOKEN');
  });

  it('accepts a token within the clock tolerance and refuses it past it', async () => {
    const token = await sign({ sub: 'alice' });
    const at = (ms: number) => () => new Date(Date.now() + ms);
    expect(await reasonOf(verifier({ now: at(5 * 60_000 + 20_000) }).verify(token))).toBe('accepted');
    expect(await reasonOf(verifier({ now: at(5 * 60_000 + 40_000) }).verify(token))).toBe('UNAUTHENTICATED AUTH.TOKEN_EXPIRED');
  });

  it('cannot be configured to accept symmetric or unsigned tokens', () => {
    expect(() => verifier({ algorithms: ['HS256'] })).toThrow(/symmetric/);
    expect(() => verifier({ algorithms: ['none'] })).toThrow(/symmetric/);
  });

  it('a JWKS endpoint that cannot be reached is UNAVAILABLE (retry), not the caller’s fault', async () => {
    const unreachable = createTokenVerifier({ issuer: 'https://sso.example', audience: 'govern', keys: { url: 'http://127.0.0.1:9/jwks.json' } });
    expect(await reasonOf(unreachable.verify(await sign({ sub: 'alice' })))).toBe('UNAVAILABLE AUTH.KEYS_UNAVAILABLE');
  });

  describe('verified tokens are remembered', () => {
    const startMs = Date.now();
    let clockMs = startMs;
    const clock = () => new Date(clockMs);

    it('a remembered token is refused from the moment it expires, and its caller is a copy', async () => {
      clockMs = startMs;
      const remembering = verifier({ now: clock });
      const token = await sign({ sub: 'alice', roles: ['support'] });
      const checksBefore = vi.mocked(jwtVerify).mock.calls.length;
      const first = await remembering.verify(token);
      (first.roles as string[]).push('operator');
      expect((await remembering.verify(token)).roles).toEqual(['support']);
      expect(vi.mocked(jwtVerify).mock.calls.length - checksBefore).toBe(1);
      clockMs = startMs + 5 * 60_000 + 40_000;
      expect(await reasonOf(remembering.verify(token))).toBe('UNAUTHENTICATED AUTH.TOKEN_EXPIRED');
    });

    it('asks the JWKS for a remembered token\'s key at most once a second', async () => {
      clockMs = startMs;
      const remembering = verifier({ now: clock });
      const token = await sign({ sub: 'alice' });
      expect(await reasonOf(remembering.verify(token))).toBe('accepted');
      const afterFirst = keyLookups.count;
      for (let i = 0; i < 10; i++) {
        clockMs = startMs + i * 50;
        expect(await reasonOf(remembering.verify(token))).toBe('accepted');
      }
      expect(keyLookups.count - afterFirst).toBe(0);
      clockMs = startMs + 1_000;
      expect(await reasonOf(remembering.verify(token))).toBe('accepted');
      expect(keyLookups.count - afterFirst).toBe(1);
    });

    it('a key withdrawn from the JWKS stops its remembered tokens as soon as the JWKS is re-read, as with the cache off', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'govern-jwks-'));
      try {
        const file = join(dir, 'jwks.json');
        const withdrawn = await generateKeyPair('ES256');
        const next = await generateKeyPair('ES256');
        const jwksOf = async (key: Parameters<typeof exportJWK>[0], kid: string) => JSON.stringify({ keys: [{ ...(await exportJWK(key)), kid, alg: 'ES256' }] });
        await writeFile(file, await jwksOf(withdrawn.publicKey, 'old'));
        clockMs = startMs;
        const token = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'ES256', kid: 'old' }).setIssuer('https://sso.example').setAudience('govern').setExpirationTime('10m').sign(withdrawn.privateKey);
        const remembering = verifier({ now: clock, keys: { file }, verifiedCacheMs: 60_000 });
        const forgetting = verifier({ now: clock, keys: { file }, verifiedCacheMs: 0 });
        expect(await reasonOf(remembering.verify(token))).toBe('accepted');
        expect(await reasonOf(forgetting.verify(token))).toBe('accepted');
        clockMs = startMs + 1_000;
        expect(await reasonOf(remembering.verify(token))).toBe('accepted');
        // The issuer rotates: the file now publishes only the next key.
        await writeFile(file, await jwksOf(next.publicKey, 'new'));
        await utimes(file, new Date(startMs + 10_000), new Date(startMs + 10_000));
        clockMs = startMs + 10_000;
        expect(await reasonOf(forgetting.verify(token))).toBe('UNAUTHENTICATED AUTH.INVALID_TOKEN');
        expect(await reasonOf(remembering.verify(token))).toBe('UNAUTHENTICATED AUTH.INVALID_TOKEN');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
});

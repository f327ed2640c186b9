import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '@govern/platform-auth';
import { createOidcSignIn, SignInError } from './sign-in';

/**
 * The production sign-in against an OpenID provider on 127.0.0.1 (discovery, authorization
 * endpoint, token endpoint checking PKCE, JWKS): the session holds the issuer's access token,
 * verified the way the services verify it.
 */
describe('OIDC sign-in (authorization code + PKCE)', () => {
  let server: Server;
  let issuer: string;
  let jwk: JWK;
  let signingKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let accessAudience = 'govern';
  const codes = new Map<string, { challenge: string; nonce: string; redirectUri: string }>();

  const sign = (claims: Record<string, unknown>, audience: string) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(signingKey);

  beforeAll(async () => {
    const keys = await generateKeyPair('ES256');
    signingKey = keys.privateKey;
    jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', issuer);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === '/.well-known/openid-configuration') {
        return json(200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          end_session_endpoint: `${issuer}/logout`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
        });
      }
      if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
      if (url.pathname === '/authorize') {
        // The person signs in at the provider; it sends the browser back with a code.
        const code = randomUUID();
        codes.set(code, { challenge: url.searchParams.get('code_challenge') ?? '', nonce: url.searchParams.get('nonce') ?? '', redirectUri: url.searchParams.get('redirect_uri') ?? '' });
        res.writeHead(302, { location: `${url.searchParams.get('redirect_uri')}?code=${code}&state=${url.searchParams.get('state')}&iss=${encodeURIComponent(issuer)}` });
        return res.end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        let body = '';
        for await (const chunk of req) body += String(chunk);
        const form = new URLSearchParams(body);
        const grant = codes.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (!grant || createHash('sha256').update(verifier).digest('base64url') !== grant.challenge || form.get('redirect_uri') !== grant.redirectUri) {
          return json(400, { error: 'invalid_grant' });
        }
        codes.delete(form.get('code') ?? '');
        return json(200, {
          token_type: 'Bearer',
          expires_in: 600,
          id_token: await sign({ sub: 'lin.yue', nonce: grant.nonce, name: '林悦' }, 'govern-console'),
          access_token: await sign({ sub: 'lin.yue', client_id: 'govern-console', realm_access: { roles: ['operator', 'auditor'] } }, accessAudience),
        });
      }
      json(404, { error: 'not_found' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const signIn = () =>
    createOidcSignIn(
      { issuerUrl: issuer, clientId: 'govern-console', scopes: 'openid profile' },
      createTokenVerifier({ issuer, audience: 'govern', keys: { url: `${issuer}/jwks` }, rolesClaim: 'realm_access.roles' }),
    );

  /** The browser's round trip: to the provider's authorize URL, back to the callback it names. */
  const roundTrip = async (startUrl: string): Promise<URL> => {
    const response = await fetch(startUrl, { redirect: 'manual' });
    return new URL(response.headers.get('location') as string);
  };

  it('signs a person in with the access token, its roles and the ID token’s name', async () => {
    accessAudience = 'govern';
    const oidc = signIn();
    const { url, pending } = await oidc.start('http://console.test/auth/callback');
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
    const session = await oidc.finish(await roundTrip(url), pending);
    expect(session).toMatchObject({ sub: 'lin.yue', name: '林悦', roles: ['operator', 'auditor'], via: 'oidc' });
    expect(session.token.split('.')).toHaveLength(3);
    expect(await oidc.endSessionUrl('http://console.test/sign-in')).toMatch(new RegExp(`^${issuer}/logout\\?`));
  });

  it('refuses a callback whose state was not the one sent, and an access token for another audience', async () => {
    const oidc = signIn();
    const first = await oidc.start('http://console.test/auth/callback');
    const second = await oidc.start('http://console.test/auth/callback');
    await expect(oidc.finish(await roundTrip(first.url), second.pending)).rejects.toBeInstanceOf(SignInError);

    accessAudience = 'some-other-api';
    const { url, pending } = await oidc.start('http://console.test/auth/callback');
    await expect(oidc.finish(await roundTrip(url), pending)).rejects.toThrow(/aud/);
  });
});

import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import {
  createTokenVerifier,
  DEV_TOKEN_AUDIENCE,
  DEV_TOKEN_ISSUER,
  ensureDevPki,
  GOVERN_ROLES,
  issueDevToken,
  type Caller,
  type TokenVerifier,
} from '@govern/platform-auth';
import type { Session } from './session';

export interface OidcSettings {
  issuerUrl: string;
  clientId: string;
  clientSecret?: string;
  scopes: string;
}

/** How people sign in: the development login (embedded mode) or the organisation's OIDC issuer. */
export type ConsoleAuth =
  | { mode: 'dev'; pkiDir: string }
  | {
      mode: 'oidc';
      oidc: OidcSettings;
      /** Verifies the access tokens the issuer hands out: the same verifier (and settings) the services use. */
      tokens: TokenVerifier;
    };

export type NewSession = Omit<Session, 'csrf'>;

/** Identities the development login offers; anyone can also type a subject and tick roles. */
export const DEV_IDENTITIES: readonly { subject: string; name: string; roles: readonly string[] }[] = [
  { subject: 'ops.lin', name: '林悦', roles: [GOVERN_ROLES.operator] },
  { subject: 'risk.zhao', name: '赵峰', roles: [GOVERN_ROLES.riskReviewer] },
  { subject: 'audit.chen', name: '陈静', roles: [GOVERN_ROLES.auditor] },
  { subject: 'finance.wang', name: '王琳', roles: [GOVERN_ROLES.finance] },
  { subject: 'support.li', name: '李娜', roles: [GOVERN_ROLES.support] },
  { subject: 'lead.sun', name: '孙浩', roles: [GOVERN_ROLES.operator, GOVERN_ROLES.finance, GOVERN_ROLES.auditor] },
];

/** A working day: the development token outlives a shift, not a week. */
const DEV_TOKEN_TTL_SECONDS = 8 * 3600;

const sessionOf = (caller: Caller, token: string, via: Session['via'], name?: string): NewSession => {
  if (caller.kind !== 'person') throw new SignInError('the token is not a person’s (a system or service token cannot sign in to the console)');
  const exp = decodeJwt(token).exp;
  if (typeof exp !== 'number') throw new SignInError('the token has no expiry');
  return { sub: caller.subject, ...(name ? { name } : {}), roles: [...caller.roles], token, via, exp };
};

export class SignInError extends Error {
  override name = 'SignInError';
}

export interface DevSignIn {
  mode: 'dev';
  signIn(subject: string, roles: readonly string[], name?: string): Promise<NewSession>;
}

/**
 * The development login: signs a token with the development key of `npm start`'s PKI (made
 * here when missing) and verifies it the way the services will, so the token a session holds
 * is exactly one the services accept.
 */
export const createDevSignIn = async (pkiDir: string): Promise<DevSignIn> => {
  const pki = await ensureDevPki({ dir: pkiDir, services: [], clients: ['console'] });
  const verifier = createTokenVerifier({ issuer: DEV_TOKEN_ISSUER, audience: DEV_TOKEN_AUDIENCE, keys: { file: pki.jwksFile } });
  return {
    mode: 'dev',
    async signIn(subject, roles, name) {
      const token = await issueDevToken(pki.signingKeyFile, { subject, roles, ttlSeconds: DEV_TOKEN_TTL_SECONDS });
      return sessionOf(await verifier.verify(token), token, 'dev', name);
    },
  };
};

export interface OidcSignIn {
  mode: 'oidc';
  /** Where to send the browser, and what to keep (sealed, in a cookie) until it comes back. */
  start(redirectUri: string): Promise<{ url: string; pending: Record<string, string> }>;
  finish(callbackUrl: URL, pending: Record<string, string>): Promise<NewSession>;
  /** The issuer's end-session URL, when it publishes one. */
  endSessionUrl(postLogoutRedirectUri: string): Promise<string | undefined>;
}

const isLoopback = (url: URL): boolean => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/**
 * OpenID Connect authorization code flow with PKCE (openid-client): the issuer's access
 * token, verified with platform-auth's verifier (issuer, audience, JWKS, roles claim), becomes
 * the operator's session; the ID token only supplies a display name. Discovery happens on the
 * first sign-in (and again after a failure), so the console starts while the issuer is down.
 */
export const createOidcSignIn = (settings: OidcSettings, tokens: TokenVerifier): OidcSignIn => {
  const issuer = new URL(settings.issuerUrl);
  // Plain http only to an issuer on this machine (a local Keycloak, tests).
  const discoveryOptions = issuer.protocol === 'http:' && isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined;
  let configuration: Promise<oidc.Configuration> | undefined;
  const config = (): Promise<oidc.Configuration> => {
    configuration ??= oidc.discovery(issuer, settings.clientId, settings.clientSecret, undefined, discoveryOptions).catch((error: unknown) => {
      configuration = undefined;
      throw error;
    });
    return configuration;
  };
  return {
    mode: 'oidc',
    async start(redirectUri) {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(await config(), {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, pending: { verifier, state, nonce, redirectUri } };
    },
    async finish(callbackUrl, pending) {
      const { verifier, state, nonce, redirectUri } = pending;
      if (!verifier || !state || !nonce || !redirectUri) throw new SignInError('the sign-in round trip lost its state; start again');
      // The issuer redirected to redirectUri; behind a proxy the request URL differs in origin only.
      const current = new URL(`${redirectUri}${callbackUrl.search}`);
      let result: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        result = await oidc.authorizationCodeGrant(await config(), current, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
      } catch (error) {
        throw new SignInError(`the issuer did not complete the sign-in (${(error as Error).message})`);
      }
      const claims = result.claims();
      const name = [claims?.['name'], claims?.['preferred_username']].find((v): v is string => typeof v === 'string' && v.length <= 256);
      return sessionOf(await tokens.verify(result.access_token), result.access_token, 'oidc', name);
    },
    async endSessionUrl(postLogoutRedirectUri) {
      const cfg = await config().catch(() => undefined);
      if (!cfg?.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(cfg, { post_logout_redirect_uri: postLogoutRedirectUri, client_id: settings.clientId }).href;
    },
  };
};

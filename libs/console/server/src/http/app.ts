import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from '@govern/platform-core';
import { readErrorDetails } from '@govern/platform-grpc';
import { NO_PERMISSIONS, permissionsOf } from '../auth/permissions';
import { csrfMatches, type SessionSealer } from '../auth/session';
import type { DevSignIn, OidcSignIn } from '../auth/sign-in';
import type { OperatorApi, PlatformApi } from '../grpc/platform-api';
import { isLocale, type Locale } from '../i18n/locale';
import { translator } from '../i18n/translate';
import type { LiveHub } from '../live/live-hub';
import type { Assets } from '../views/assets';
import type { ConsoleEnv } from './context';
import { renderError } from './render';

export interface ConsoleAppDeps {
  log: Logger;
  platform: PlatformApi;
  sealer: SessionSealer;
  signIn: DevSignIn | OidcSignIn;
  assets: Assets;
  defaultLocale: Locale;
  timeZone: string;
  /** The URL people open, when the console sits behind a proxy; else the request's own origin. */
  publicUrl?: string;
  live: LiveHub;
  /** How often the live page polls (shown on it). */
  livePollMs: number;
  /** Where the development PKI lives (shown on the dev sign-in page). */
  pkiDir?: string;
  /** Readiness: whether the services answer health checks. */
  ready(): Promise<{ ready: boolean; services: Record<string, string> }>;
}

export type RouteModule = (app: Hono<ConsoleEnv>, deps: ConsoleAppDeps) => void;

export const LANG_COOKIE = 'govern_lang';
/** Paths reachable without signing in. */
const PUBLIC_PREFIXES = ['/sign-in', '/auth/', '/assets/', '/lang/', '/healthz', '/readyz'];

export const sessionCookieName = (secure: boolean): string => (secure ? '__Host-govern_session' : 'govern_session');

/** Whether cookies get `Secure` (and the `__Host-` prefix): when people reach the console over https. */
export const isSecureOrigin = (publicUrl: string | undefined, requestUrl: string): boolean => new URL(publicUrl ?? requestUrl).protocol === 'https:';

/** Only paths on this console: `back=` and `next=` must never send anyone elsewhere. */
export const safeLocalPath = (value: string | undefined, fallback = '/'): string =>
  value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : fallback;

/** An operator API that refuses every call: pages that need no session never reach the services. */
const NO_API = new Proxy({} as OperatorApi, {
  get() {
    throw new Error('no operator is signed in');
  },
});

export const createConsoleApp = (deps: ConsoleAppDeps, routes: readonly RouteModule[]): Hono<ConsoleEnv> => {
  const app = new Hono<ConsoleEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    const log = deps.log.child({ request_id: randomUUID(), method: c.req.method, path: new URL(c.req.url).pathname });
    c.set('log', log);
    c.set('assets', deps.assets);
    c.set('timeZone', deps.timeZone);
    c.set('session', undefined);
    c.set('can', NO_PERMISSIONS);
    c.set('api', NO_API);
    const lang = getCookie(c, LANG_COOKIE);
    const locale = isLocale(lang) ? lang : deps.defaultLocale;
    c.set('locale', locale);
    c.set('t', translator(locale));
    await next();
    const session = c.get('session');
    log.info({ status: c.res.status, ms: Math.round(performance.now() - started), operator: session?.sub }, 'http request');
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const state = await deps.ready();
    return c.json(state, state.ready ? 200 : 503);
  });
  app.get('/assets/:file', (c) => {
    const asset = deps.assets.get(new URL(c.req.url).pathname);
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=31536000, immutable' });
  });

  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'", ...(deps.signIn.mode === 'oidc' ? ['https:', 'http://127.0.0.1:*', 'http://localhost:*'] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: 'same-origin',
    }),
  );
  // Mutations only from the console's own pages: the Origin header must be the console's.
  app.use(csrf({ origin: (origin, c) => origin === new URL(deps.publicUrl ?? c.req.url).origin }));

  app.get('/lang/:locale', (c) => {
    const locale = c.req.param('locale');
    if (isLocale(locale)) setCookie(c, LANG_COOKIE, locale, { path: '/', sameSite: 'Lax', maxAge: 365 * 86_400, httpOnly: true });
    return c.redirect(safeLocalPath(c.req.query('back')), 303);
  });

  app.use(async (c, next) => {
    const secure = isSecureOrigin(deps.publicUrl, c.req.url);
    const session = await deps.sealer.open(getCookie(c, sessionCookieName(secure)));
    const path = new URL(c.req.url).pathname;
    if (session) {
      c.set('session', session);
      c.set('can', permissionsOf(session.sub, session.roles));
      c.set('api', deps.platform.as(session.token));
    } else if (!PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix))) {
      if (getCookie(c, sessionCookieName(secure))) deleteCookie(c, sessionCookieName(secure), { path: '/', secure });
      if (c.req.method !== 'GET' || c.req.header('accept') === 'text/event-stream') throw new HTTPException(401, { message: 'sign in first' });
      const url = new URL(c.req.url);
      return c.redirect(`/sign-in?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`, 303);
    }
    // Every mutation of a signed-in operator carries the session's synchroniser token.
    if (session && c.req.method === 'POST') {
      const body = await c.req.parseBody();
      if (!csrfMatches(session, body['_csrf'])) {
        c.get('log').warn('mutation refused: CSRF token missing or wrong');
        throw new HTTPException(403, { message: c.get('t')('error.csrf') });
      }
    }
    return next();
  });

  for (const register of routes) register(app, deps);

  app.notFound((c) => renderError(c, new HTTPException(404, { message: 'not found' })));
  app.onError((error, c) => {
    const grpc = readErrorDetails(error);
    if (grpc) c.get('log').warn({ rpc_code: grpc.codeName, reason: grpc.reason, request_id: grpc.requestId }, 'a service refused or failed the call');
    else if (!(error instanceof HTTPException)) c.get('log').error({ err: error }, 'request failed');
    return renderError(c, error);
  });
  return app;
};

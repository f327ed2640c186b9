import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSessionSealer } from '../auth/session';
import type { DevSignIn } from '../auth/sign-in';
import type { OperatorApi, PlatformApi } from '../grpc/platform-api';
import { createLiveHub } from '../live/live-hub';
import { homeRoutes } from '../pages/home';
import { reviewCaseRoutes } from '../pages/review-cases';
import { signInRoutes } from '../pages/sign-in';
import { loadAssets } from '../views/assets';
import { createConsoleApp } from './app';

const ORIGIN = 'http://console.test';

/** The console's HTTP edge with fake services: what reaches them, and with which token. */
const consoleWithFakeServices = () => {
  const calls: { token: string; rpc: string; request: unknown }[] = [];
  const empty = { reviewCases: [], appeals: [], bans: [], nextPageToken: '' };
  const platform: PlatformApi = {
    as(token) {
      const service = new Proxy({}, { get: (_target, rpc) => async (request: unknown) => (calls.push({ token, rpc: String(rpc), request }), empty) });
      return { content: service, productQuality: service, merchantAccess: service, consumerExperience: service } as unknown as OperatorApi;
    },
    close: () => undefined,
  };
  const signIn: DevSignIn = { mode: 'dev', signIn: async (subject, roles) => ({ sub: subject, roles: [...roles], token: `token-of-${subject}`, via: 'dev', exp: Math.floor(Date.now() / 1000) + 3600 }) };
  const log = pino({ level: 'silent' });
  const app = createConsoleApp(
    {
      log,
      platform,
      sealer: createSessionSealer('a-session-secret-of-at-least-32-chars!!'),
      signIn,
      assets: loadAssets(),
      defaultLocale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      live: createLiveHub({ pollMs: 1000, log }),
      livePollMs: 1000,
      ready: async () => ({ ready: true, services: {} }),
    },
    [signInRoutes, homeRoutes, reviewCaseRoutes],
  );
  const request = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init);
  const signInAs = async (identity: string): Promise<{ cookie: string; csrf: string }> => {
    const response = await request('/sign-in/dev', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: `identity=${identity}&next=/` });
    const setCookie = response.headers.get('set-cookie') ?? '';
    const cookie = setCookie.split(';')[0] as string;
    const home = await (await request('/', { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home)?.[1] ?? '';
    return { cookie, csrf };
  };
  return { request, signInAs, calls };
};

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe('console HTTP edge', () => {
  it('sends anyone not signed in to the sign-in page, keeping where they were going', async () => {
    const { request } = consoleWithFakeServices();
    const response = await request('/queues/review-cases?kind=1');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/sign-in?next=%2Fqueues%2Freview-cases%3Fkind%3D1');
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie and calls the services with the operator’s own token', async () => {
    const { request, signInAs, calls } = consoleWithFakeServices();
    const response = await request('/sign-in/dev', { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: form({ identity: 'ops.lin', next: '/' }) });
    expect(response.headers.get('set-cookie')).toMatch(/^govern_session=.+; Path=\/; Expires=.+; HttpOnly; SameSite=Strict$/);
    const { cookie } = await signInAs('ops.lin');
    expect((await request('/queues/review-cases', { headers: { cookie } })).status).toBe(200);
    expect(calls.length).toBeGreaterThan(0);
    expect(new Set(calls.map((c) => c.token))).toEqual(new Set(['token-of-ops.lin']));
  });

  it('refuses a mutation without the form’s CSRF token, or from another origin', async () => {
    const { request, signInAs, calls } = consoleWithFakeServices();
    const { cookie, csrf } = await signInAs('ops.lin');
    const claim = (headers: Record<string, string>, fields: Record<string, string>) =>
      request('/queues/review-cases/case-1/claim', { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form(fields) });
    calls.length = 0;
    expect((await claim({ origin: ORIGIN }, { request_id: 'r-1' })).status).toBe(403);
    expect((await claim({ origin: 'http://evil.test' }, { _csrf: csrf, request_id: 'r-1' })).status).toBe(403);
    expect(calls.filter((c) => c.rpc === 'claimReviewCase')).toEqual([]);
    expect((await claim({ origin: ORIGIN }, { _csrf: csrf, request_id: 'r-1' })).status).toBe(303);
    expect(calls.filter((c) => c.rpc === 'claimReviewCase')).toEqual([{ token: 'token-of-ops.lin', rpc: 'claimReviewCase', request: { requestId: 'r-1', caseId: 'case-1', reviewerId: 'ops.lin' } }]);
  });

  it('refuses a decision to an operator whose roles do not allow it, without calling the service', async () => {
    const { request, signInAs, calls } = consoleWithFakeServices();
    const { cookie, csrf } = await signInAs('risk.zhao');
    calls.length = 0;
    const response = await request('/queues/review-cases/case-1/claim', {
      method: 'POST',
      headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ _csrf: csrf, request_id: 'r-2' }),
    });
    expect(response.status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('switches language and never redirects off the console', async () => {
    const { request } = consoleWithFakeServices();
    const response = await request('/lang/en?back=//evil.test/phish');
    expect(response.headers.get('location')).toBe('/');
    expect(response.headers.get('set-cookie')).toMatch(/^govern_lang=en;/);
    const english = await request('/sign-in', { headers: { cookie: 'govern_lang=en' } });
    expect(await english.text()).toContain('<html lang="en">');
  });
});

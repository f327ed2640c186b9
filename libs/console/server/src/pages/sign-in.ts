import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { GOVERN_ROLES } from '@govern/platform-auth';
import type { NewSession } from '../auth/sign-in';
import { DEV_IDENTITIES, SignInError } from '../auth/sign-in';
import { isSecureOrigin, safeLocalPath, sessionCookieName, type RouteModule } from '../http/app';
import type { ConsoleContext } from '../http/context';
import { render } from '../http/render';
import { roleLabel } from '../i18n/translate';
import { html } from '../views/html';

const OIDC_PENDING_COOKIE = 'govern_oidc';
const SUBJECT = /^[A-Za-z0-9._@-]{1,64}$/;

/** Sign-in, the OIDC round trip, sign-out. The session cookie: HttpOnly, SameSite=Strict, Secure over https. */
export const signInRoutes: RouteModule = (app, deps) => {
  const startSession = async (c: ConsoleContext, session: NewSession, next: string): Promise<Response> => {
    const secure = isSecureOrigin(deps.publicUrl, c.req.url);
    const sealed = await deps.sealer.seal(session);
    setCookie(c, sessionCookieName(secure), sealed, {
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      secure,
      expires: new Date(session.exp * 1000),
    });
    c.get('log').info({ operator: session.sub, roles: session.roles, via: session.via }, 'operator signed in');
    return c.redirect(safeLocalPath(next), 303);
  };

  const failed = (c: ConsoleContext, error: unknown): Response | Promise<Response> => {
    const t = c.get('t');
    const reason = error instanceof SignInError ? error.message : 'the token was not accepted';
    c.get('log').warn({ err: error }, 'sign-in failed');
    return render(c, { title: t('signIn.title'), body: html`<p class="error" role="alert">${t('signIn.failed', { reason })}</p><p><a href="/sign-in">${t('signIn.title')}</a></p>` }, 401);
  };

  app.get('/sign-in', (c) => {
    const t = c.get('t');
    const next = safeLocalPath(c.req.query('next'));
    if (deps.signIn.mode === 'oidc') {
      return render(c, {
        title: t('signIn.title'),
        body: html`<div class="panel">
          <h2>${t('signIn.oidcTitle')}</h2>
          <p><a class="button" href="/auth/start?next=${encodeURIComponent(next)}">${t('signIn.oidcButton')}</a></p>
        </div>`,
      });
    }
    return render(c, {
      title: t('signIn.devTitle'),
      body: html`<p class="muted">${t('signIn.devHint', { dir: deps.pkiDir ?? '' })}</p>
        <form method="post" action="/sign-in/dev" class="stack">
          <input type="hidden" name="next" value="${next}" />
          <fieldset>
            <legend>${t('signIn.identity')}</legend>
            ${DEV_IDENTITIES.map(
              (identity, index) => html`<label
                ><input type="radio" name="identity" value="${identity.subject}" ${index === 0 ? 'checked' : ''} />
                <span>${identity.name} · <code>${identity.subject}</code> — ${identity.roles.map((role) => roleLabel(t, role)).join('、')}</span></label
              >`,
            )}
            <label><input type="radio" name="identity" value="custom" /> <span>${t('signIn.custom')}</span></label>
          </fieldset>
          <fieldset>
            <legend>${t('signIn.custom')}</legend>
            <label for="subject">${t('signIn.subject')}</label>
            <input id="subject" type="text" name="subject" pattern="[A-Za-z0-9._@\\-]{1,64}" autocomplete="username" />
            <label for="name">${t('signIn.name')}</label>
            <input id="name" type="text" name="name" maxlength="64" />
            <fieldset>
              <legend>${t('signIn.rolesLegend')}</legend>
              ${Object.values(GOVERN_ROLES).map((role) => html`<label><input type="checkbox" name="roles" value="${role}" /> ${roleLabel(t, role)}</label>`)}
            </fieldset>
          </fieldset>
          <p><button type="submit">${t('signIn.submit')}</button></p>
        </form>`,
    });
  });

  app.post('/sign-in/dev', async (c) => {
    if (deps.signIn.mode !== 'dev') return c.notFound();
    const body = await c.req.parseBody({ all: true });
    const choice = String(body['identity'] ?? '');
    const next = String(body['next'] ?? '/');
    try {
      const preset = DEV_IDENTITIES.find((identity) => identity.subject === choice);
      if (preset) return await startSession(c, await deps.signIn.signIn(preset.subject, preset.roles, preset.name), next);
      const subject = String(body['subject'] ?? '').trim();
      if (!SUBJECT.test(subject)) throw new SignInError('a subject of 1-64 letters, digits, dots, dashes or @');
      const wanted = ([] as unknown[]).concat(body['roles'] ?? []).map(String);
      const roles = Object.values(GOVERN_ROLES).filter((role) => wanted.includes(role));
      const name = String(body['name'] ?? '').trim().slice(0, 64);
      return await startSession(c, await deps.signIn.signIn(subject, roles, name || undefined), next);
    } catch (error) {
      return failed(c, error);
    }
  });

  const redirectUri = (c: ConsoleContext): string => new URL('/auth/callback', deps.publicUrl ?? c.req.url).href;

  app.get('/auth/start', async (c) => {
    if (deps.signIn.mode !== 'oidc') return c.notFound();
    const { url, pending } = await deps.signIn.start(redirectUri(c));
    const secure = isSecureOrigin(deps.publicUrl, c.req.url);
    // Lax, not Strict: the issuer's redirect back is a cross-site navigation that must carry it.
    setCookie(c, OIDC_PENDING_COOKIE, await deps.sealer.sealValue({ ...pending, next: safeLocalPath(c.req.query('next')) }, 600), {
      path: '/auth/',
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      maxAge: 600,
    });
    return c.redirect(url, 303);
  });

  app.get('/auth/callback', async (c) => {
    if (deps.signIn.mode !== 'oidc') return c.notFound();
    const pending = await deps.sealer.openValue(getCookie(c, OIDC_PENDING_COOKIE));
    deleteCookie(c, OIDC_PENDING_COOKIE, { path: '/auth/' });
    try {
      if (!pending) throw new SignInError('the sign-in round trip expired or came from another browser; start again');
      const session = await deps.signIn.finish(new URL(c.req.url), pending);
      return await startSession(c, session, pending['next'] ?? '/');
    } catch (error) {
      return failed(c, error);
    }
  });

  app.post('/sign-out', async (c) => {
    const secure = isSecureOrigin(deps.publicUrl, c.req.url);
    deleteCookie(c, sessionCookieName(secure), { path: '/', secure });
    c.get('log').info({ operator: c.get('session')?.sub }, 'operator signed out');
    if (deps.signIn.mode === 'oidc') {
      const end = await deps.signIn.endSessionUrl(new URL('/sign-in', deps.publicUrl ?? c.req.url).href);
      if (end) return c.redirect(end, 303);
    }
    return c.redirect('/sign-in', 303);
  });
};

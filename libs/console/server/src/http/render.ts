import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { html, type Html, type ViewContext } from '../views/html';
import { layout, type NavKey } from '../views/layout';
import type { ConsoleContext } from './context';
import { describeError } from './errors';

export const viewOf = (c: ConsoleContext): ViewContext => ({ t: c.get('t'), locale: c.get('locale'), timeZone: c.get('timeZone'), now: new Date() });

const currentPath = (c: ConsoleContext): string => {
  const url = new URL(c.req.url);
  return `${url.pathname}${url.search}`;
};

export const render = (c: ConsoleContext, page: { title: string; active?: NavKey; body: Html }, status: ContentfulStatusCode = 200): Promise<Response> | Response => {
  return c.html(layout({ view: viewOf(c), assets: c.get('assets'), session: c.get('session'), can: c.get('can'), path: currentPath(c) }, page), status);
};

export const renderError = (c: ConsoleContext, error: unknown): Promise<Response> | Response => {
  const t = c.get('t');
  const view = describeError(t, error);
  return render(
    c,
    {
      title: t('error.title'),
      body: html`<div class="error" role="alert">
        <p>${view.message}</p>
        ${view.details.length > 0 ? html`<ul>${view.details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}
        ${view.requestId ? html`<p>${t('common.requestId')}: <code>${view.requestId}</code></p>` : ''}
      </div>`,
    },
    view.status,
  );
};

/** After a mutation: back to a page (Post/Redirect/Get), with what was done for the flash message. */
export const redirectDone = (c: ConsoleContext, path: string, done: string): Response => {
  const separator = path.includes('?') ? '&' : '?';
  return c.redirect(`${path}${separator}done=${encodeURIComponent(done)}`, 303);
};

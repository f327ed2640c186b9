import { randomUUID } from 'node:crypto';
import { html, raw } from 'hono/html';
import type { Reason } from '@govern/contracts-common';
import type { Session } from '../auth/session';
import { formatTime, type Locale } from '../i18n/locale';
import { enumLabel, formatDuration, type Translate } from '../i18n/translate';

/**
 * Pages are server-rendered with hono's `html` tagged template: every interpolated value is
 * HTML-escaped unless it is itself `html` output, so a merchant's statement can never become
 * markup. `raw` is used only for markup built here (SVG charts, numbers).
 */
export type Html = ReturnType<typeof html>;
export { html, raw };

export interface ViewContext {
  t: Translate;
  locale: Locale;
  timeZone: string;
  now: Date;
}

export const time = (v: ViewContext, value: Date | undefined): Html =>
  value ? html`<time datetime="${value.toISOString()}">${formatTime(v.locale, v.timeZone, value)}</time>` : html`—`;

/** Hidden fields every mutation form carries: the CSRF token and a fresh idempotency key. */
export const formGuards = (session: Session): Html =>
  html`<input type="hidden" name="_csrf" value="${session.csrf}" /><input type="hidden" name="request_id" value="${randomUUID()}" />`;

const DUE_SOON_MS = 12 * 3600_000;

/** A deadline as people read it: overdue in red, due within 12 h in amber, with the exact time. */
export const slaBadge = (v: ViewContext, due: Date | undefined, done = false): Html => {
  if (!due) return html`—`;
  if (done) return time(v, due);
  const left = due.getTime() - v.now.getTime();
  const state = left < 0 ? 'overdue' : left < DUE_SOON_MS ? 'soon' : 'ok';
  const text = left < 0 ? v.t('common.overdue', { duration: formatDuration(v.t, left) }) : v.t('common.dueIn', { duration: formatDuration(v.t, left) });
  return html`<span class="sla sla-${state}" data-sla="${state}">${text}</span> <small>${time(v, due)}</small>`;
};

/** How long something has waited (queues without an SLA field). */
export const age = (v: ViewContext, since: Date | undefined): Html =>
  since ? html`<span title="${since.toISOString()}">${formatDuration(v.t, v.now.getTime() - since.getTime())}</span>` : html`—`;

export const label = (v: ViewContext, enumObject: Record<string, string | number>, value: number): Html =>
  html`<span class="tag" data-value="${String(enumObject[value] ?? value)}">${enumLabel(v.locale, enumObject, value)}</span>`;

export const reasonList = (v: ViewContext, reasons: readonly Reason[]): Html =>
  reasons.length === 0
    ? html`<p class="muted">${v.t('common.none')}</p>`
    : html`<ul class="reasons">
        ${reasons.map(
          (r) => html`<li>
            <code>${r.code}</code>${r.weight ? html` <span class="weight">+${r.weight}</span>` : ''} ${r.message}
            ${Object.keys(r.evidence).length > 0
              ? html`<dl class="evidence">
                  ${Object.entries(r.evidence).map(([k, value]) => html`<dt>${k}</dt><dd>${value}</dd>`)}
                </dl>`
              : ''}
          </li>`,
        )}
      </ul>`;

export const policyRef = (policy: { name: string; version: string } | undefined): Html =>
  policy ? html`<code class="policy">${policy.name}@${policy.version}</code>` : html`—`;

/** `<a>` to a look-up page; ids are opaque strings from the services, escaped in the path too. */
export const link = (kind: 'merchants' | 'products' | 'creators' | 'orders' | 'after-sales', id: string): Html =>
  id ? html`<a href="/${kind}/${encodeURIComponent(id)}">${id}</a>` : html`—`;

/** First/next paging over the services' opaque page tokens, keeping the current filters. */
export const pager = (v: ViewContext, path: string, query: Record<string, string>, nextToken: string, onFirstPage: boolean): Html => {
  const with_ = (extra: Record<string, string>): string => {
    const params = new URLSearchParams(Object.entries({ ...query, ...extra }).filter(([, value]) => value !== ''));
    const text = params.toString();
    return text ? `${path}?${text}` : path;
  };
  if (!nextToken && onFirstPage) return html``;
  return html`<nav class="pager" aria-label="${v.t('common.next')}">
    ${onFirstPage ? '' : html`<a href="${with_({ page: '' })}">${v.t('common.first')}</a>`}
    ${nextToken ? html`<a href="${with_({ page: nextToken })}" rel="next" data-key="n">${v.t('common.next')} →</a>` : ''}
  </nav>`;
};

/** A `<select>` over a proto enum's values (UNSPECIFIED = all). */
export const enumSelect = (v: ViewContext, name: string, labelText: string, enumObject: Record<string, string | number>, selected: number, values: readonly number[]): Html => html`
  <label>${labelText}
    <select name="${name}">
      <option value="">${v.t('common.all')}</option>
      ${values.map((value) => html`<option value="${String(value)}" ${value === selected ? 'selected' : ''}>${enumLabel(v.locale, enumObject, value)}</option>`)}
    </select>
  </label>`;

/** Flash message after a redirect (`?done=…`), announced to screen readers. */
export const flash = (message: string | undefined): Html => (message ? html`<p class="flash" role="status">${message}</p>` : html``);

export const numberParam = (value: string | undefined, allowed: readonly number[]): number => {
  const n = Number(value);
  return Number.isInteger(n) && allowed.includes(n) ? n : 0;
};

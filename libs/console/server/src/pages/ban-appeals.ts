import { AppealOutcome, AppealStatus, BanCause, BanStatus, type Ban } from '@govern/contracts-product-quality';
import type { RouteModule } from '../http/app';
import { operatorOf, queryParam } from '../http/context';
import { forbidden, notFound } from '../http/errors';
import { redirectDone, render, viewOf } from '../http/render';
import { enumLabel } from '../i18n/translate';
import { decisionForm, noteOf, parseChoice } from '../views/decision-form';
import { age, enumSelect, flash, html, label, link, numberParam, pager, policyRef, reasonList, time, type Html, type ViewContext } from '../views/html';

const BASE = '/queues/ban-appeals';
const STATUSES = [AppealStatus.APPEAL_STATUS_PENDING, AppealStatus.APPEAL_STATUS_UPHELD, AppealStatus.APPEAL_STATUS_OVERTURNED];

export const banFacts = (v: ViewContext, ban: Ban): Html => html`<dl class="facts">
    <dt>${v.t('common.id')}</dt><dd><code>${ban.banId}</code></dd>
    <dt>${v.t('common.product')}</dt><dd>${link('products', ban.productId)}</dd>
    <dt>${v.t('common.merchant')}</dt><dd>${link('merchants', ban.merchantId)}</dd>
    <dt>${v.t('ban.cause')}</dt><dd>${label(v, BanCause, ban.cause)}</dd>
    <dt>${v.t('common.status')}</dt><dd data-ban-status="${BanStatus[ban.status] ?? ''}">${label(v, BanStatus, ban.status)}</dd>
    <dt>${v.t('ban.bannedAt')}</dt><dd>${time(v, ban.bannedAt)}</dd>
    ${ban.liftedAt ? html`<dt>${v.t('ban.liftedAt')}</dt><dd>${time(v, ban.liftedAt)}</dd>` : ''}
    <dt>${v.t('common.policy')}</dt><dd>${policyRef(ban.policy)}</dd>
  </dl>
  <h3>${v.t('common.reasons')}</h3>
  ${reasonList(v, ban.reasons)}`;

/** Ban appeals: the pending ones, oldest filed first (ListBanAppeals); decided ones by status. */
export const banAppealRoutes: RouteModule = (app) => {
  app.get(BASE, async (c) => {
    const can = c.get('can');
    if (!can.can('productQuality', 'ListBanAppeals')) throw forbidden();
    const v = viewOf(c);
    const merchantId = queryParam(c, 'merchant');
    // First visit: the pending queue. "All" is an explicit empty choice.
    const statusParam = c.req.query('status');
    const status = statusParam === undefined ? AppealStatus.APPEAL_STATUS_PENDING : numberParam(statusParam, STATUSES);
    const page = queryParam(c, 'page', 512);
    const { appeals, nextPageToken } = await c.get('api').productQuality.listBanAppeals({ pageSize: 50, pageToken: page, status, merchantId });
    return render(c, {
      title: v.t('ban.title'),
      active: 'banAppeals',
      body: html`<form method="get" class="filters" role="search">
          ${enumSelect(v, 'status', v.t('common.status'), AppealStatus, status, STATUSES)}
          <label>${v.t('common.merchant')} <input type="search" name="merchant" value="${merchantId}" data-search /></label>
          <button type="submit">${v.t('common.filter')}</button>
        </form>
        <table data-queue="ban-appeals">
          <caption class="visually-hidden">${v.t('ban.title')}</caption>
          <thead><tr>
            <th scope="col">${v.t('common.id')}</th><th scope="col">${v.t('ban.ban')}</th><th scope="col">${v.t('common.merchant')}</th>
            <th scope="col">${v.t('common.status')}</th><th scope="col">${v.t('common.filedAt')}</th><th scope="col">${v.t('common.age')}</th>
            <th scope="col">${v.t('common.decidedBy')}</th>
          </tr></thead>
          <tbody>
            ${appeals.map(
              (appeal) => html`<tr data-row>
                <td><a href="${BASE}/${encodeURIComponent(appeal.appealId)}">${appeal.appealId}</a></td>
                <td><code>${appeal.banId}</code></td>
                <td>${link('merchants', appeal.merchantId)}</td>
                <td>${label(v, AppealStatus, appeal.status)}</td>
                <td>${time(v, appeal.filedAt)}</td>
                <td>${appeal.status === AppealStatus.APPEAL_STATUS_PENDING ? age(v, appeal.filedAt) : '—'}</td>
                <td>${appeal.reviewerId || '—'}</td>
              </tr>`,
            )}
          </tbody>
        </table>
        ${appeals.length === 0 ? html`<p class="muted">${v.t('common.empty')}</p>` : ''}
        ${pager(v, BASE, { merchant: merchantId, status: String(status || '') }, nextPageToken, page === '')}`,
    });
  });

  app.get(`${BASE}/:appealId`, async (c) => {
    const can = c.get('can');
    if (!can.can('productQuality', 'GetBanAppeal')) throw forbidden();
    const v = viewOf(c);
    const api = c.get('api');
    const { appeal } = await api.productQuality.getBanAppeal({ appealId: c.req.param('appealId') });
    if (!appeal) throw notFound();
    const bans = can.can('productQuality', 'ListBans')
      ? (await api.productQuality.listBans({ pageSize: 50, pageToken: '', merchantId: appeal.merchantId, productId: '', status: 0, cause: 0 })).bans
      : [];
    const ban = bans.find((b) => b.banId === appeal.banId);
    const pending = appeal.status === AppealStatus.APPEAL_STATUS_PENDING;
    const decide = !pending
      ? html``
      : can.can('productQuality', 'DecideBanAppeal')
        ? decisionForm(v, operatorOf(c), `${BASE}/${encodeURIComponent(appeal.appealId)}/decide`, 'outcome', [
            { value: AppealOutcome.APPEAL_OUTCOME_OVERTURN, text: enumLabel(v.locale, AppealOutcome, AppealOutcome.APPEAL_OUTCOME_OVERTURN), key: 'o' },
            { value: AppealOutcome.APPEAL_OUTCOME_UPHOLD, text: enumLabel(v.locale, AppealOutcome, AppealOutcome.APPEAL_OUTCOME_UPHOLD), key: 'u' },
          ])
        : html`<p class="muted" data-read-only>${v.t('common.readOnly')}</p>`;
    return render(c, {
      title: `${v.t('ban.title')} · ${appeal.appealId}`,
      active: 'banAppeals',
      body: html`${flash(c.req.query('done'))}
        <p><a href="${BASE}">← ${v.t('common.back')}</a></p>
        <div class="grid">
          <section class="panel">
            <h2>${label(v, AppealStatus, appeal.status)}</h2>
            <dl class="facts">
              <dt>${v.t('common.merchant')}</dt><dd>${link('merchants', appeal.merchantId)}</dd>
              <dt>${v.t('common.filedAt')}</dt><dd>${time(v, appeal.filedAt)}</dd>
              <dt>${v.t('common.statement')}</dt><dd>${appeal.statement}</dd>
              <dt>${v.t('common.evidence')}</dt><dd>${appeal.evidenceRefs.join(', ') || '—'}</dd>
              ${pending
                ? ''
                : html`<dt>${v.t('common.decidedBy')}</dt><dd data-decided-by>${appeal.reviewerId}</dd>
                    <dt>${v.t('common.decidedAt')}</dt><dd>${time(v, appeal.decidedAt)}</dd>
                    <dt>${v.t('common.note')}</dt><dd>${appeal.decisionNote || '—'}</dd>`}
            </dl>
            ${appeal.reasons.length > 0 ? reasonList(v, appeal.reasons) : ''}
          </section>
          <section aria-label="${v.t('common.actions')}">${decide}</section>
        </div>
        <section class="panel"><h2>${v.t('product.bans')}</h2>${ban ? banFacts(v, ban) : html`<code>${appeal.banId}</code>`}</section>`,
    });
  });

  app.post(`${BASE}/:appealId/decide`, async (c) => {
    if (!c.get('can').can('productQuality', 'DecideBanAppeal')) throw forbidden();
    const session = operatorOf(c);
    const appealId = c.req.param('appealId');
    const body = await c.req.parseBody();
    const outcome = parseChoice(body, 'outcome', [AppealOutcome.APPEAL_OUTCOME_UPHOLD, AppealOutcome.APPEAL_OUTCOME_OVERTURN]);
    const requestId = String(body['request_id'] ?? '');
    await c.get('api').productQuality.decideBanAppeal({ requestId, appealId, outcome, reviewerId: session.sub, note: noteOf(body) });
    c.get('log').info({ operator: session.sub, rpc: 'DecideBanAppeal', appeal_id: appealId, request_id: requestId }, 'operator action');
    return redirectDone(c, `${BASE}/${encodeURIComponent(appealId)}`, c.get('t')('common.done', { what: enumLabel(c.get('locale'), AppealOutcome, outcome) }));
  });
};

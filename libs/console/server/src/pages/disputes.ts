import { HTTPException } from 'hono/http-exception';
import {
  AfterSaleReason,
  AfterSaleStatus,
  AfterSaleType,
  DisputeOutcome,
  DisputeParty,
  FastRefundOutcome,
  MerchantAnswer,
  type AfterSale,
} from '@govern/contracts-consumer-experience';
import type { RouteModule } from '../http/app';
import { operatorOf, queryParam } from '../http/context';
import { forbidden, notFound } from '../http/errors';
import { redirectDone, render, viewOf } from '../http/render';
import { formatFen } from '../i18n/locale';
import { enumLabel } from '../i18n/translate';
import { decisionForm, noteOf, parseChoice } from '../views/decision-form';
import { enumSelect, flash, html, label, link, numberParam, pager, policyRef, reasonList, slaBadge, time, type Html, type ViewContext } from '../views/html';

const BASE = '/queues/disputes';
const STATUSES = [
  AfterSaleStatus.AFTER_SALE_STATUS_IN_DISPUTE,
  AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT,
  AfterSaleStatus.AFTER_SALE_STATUS_MERCHANT_REJECTED,
  AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT_PAYMENT,
  AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED,
  AfterSaleStatus.AFTER_SALE_STATUS_CLOSED,
];

export const afterSaleRow = (v: ViewContext, item: AfterSale): Html => html`<tr data-row>
  <td><a href="/after-sales/${encodeURIComponent(item.afterSaleId)}">${item.afterSaleId}</a></td>
  <td>${label(v, AfterSaleStatus, item.status)}</td>
  <td>${label(v, AfterSaleType, item.type)}</td>
  <td>${link('orders', item.orderId)}</td>
  <td>${link('merchants', item.merchantId)}</td>
  <td class="num">${formatFen(v.locale, item.amountFen)}</td>
  <td>${time(v, item.createTime)}</td>
  <td>${item.dispute ? time(v, item.dispute.escalateTime) : '—'}</td>
  <td>${item.status === AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT ? slaBadge(v, item.merchantResponseDueAt) : item.dispute?.decidedBy || '—'}</td>
</tr>`;

/** Yuan as typed by a person ("12.5") to integer fen; anything else is a bad request. */
const fenOf = (value: unknown): bigint => {
  const text = String(value ?? '').trim();
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(text)) throw new HTTPException(400, { message: 'award: an amount in yuan, e.g. 12.50' });
  const [yuan, cents = ''] = text.split('.');
  return BigInt(yuan as string) * 100n + BigInt(cents.padEnd(2, '0'));
};

/**
 * After-sale disputes: by default every IN_DISPUTE after-sale of the platform, newest first; a
 * merchant, buyer or order narrows it. Without any of them the service needs a status (a
 * platform-wide list of everything is not a queue), so "all statuses" asks for one.
 */
export const disputeRoutes: RouteModule = (app) => {
  app.get(BASE, async (c) => {
    if (!c.get('can').can('consumerExperience', 'ListAfterSales')) throw forbidden();
    const v = viewOf(c);
    const merchantId = queryParam(c, 'merchant');
    const buyerId = queryParam(c, 'buyer');
    const orderId = queryParam(c, 'order');
    const statusParam = c.req.query('status');
    const status = statusParam === undefined ? AfterSaleStatus.AFTER_SALE_STATUS_IN_DISPUTE : numberParam(statusParam, STATUSES);
    const page = queryParam(c, 'page', 512);
    const listable = Boolean(merchantId || buyerId || orderId) || status !== AfterSaleStatus.AFTER_SALE_STATUS_UNSPECIFIED;
    const response = listable ? await c.get('api').consumerExperience.listAfterSales({ merchantId, buyerId, orderId, status, pageSize: 50, pageToken: page }) : undefined;
    return render(c, {
      title: v.t('dispute.title'),
      active: 'disputes',
      body: html`${listable ? '' : html`<p class="muted" data-scope-hint>${v.t('dispute.scopeHint')}</p>`}
        <form method="get" class="filters" role="search">
          <label>${v.t('common.merchant')} <input type="search" name="merchant" value="${merchantId}" data-search /></label>
          <label>${v.t('common.buyer')} <input type="search" name="buyer" value="${buyerId}" /></label>
          <label>${v.t('common.order')} <input type="search" name="order" value="${orderId}" /></label>
          ${enumSelect(v, 'status', v.t('common.status'), AfterSaleStatus, status, STATUSES)}
          <button type="submit">${v.t('common.filter')}</button>
        </form>
        ${response
          ? html`<table data-queue="disputes">
                <caption class="visually-hidden">${v.t('dispute.title')}</caption>
                <thead><tr>
                  <th scope="col">${v.t('common.id')}</th><th scope="col">${v.t('common.status')}</th><th scope="col">${v.t('review.kind')}</th>
                  <th scope="col">${v.t('common.order')}</th><th scope="col">${v.t('common.merchant')}</th><th scope="col" class="num">${v.t('dispute.requested')}</th>
                  <th scope="col">${v.t('common.filedAt')}</th><th scope="col">${v.t('dispute.escalatedBy')}</th><th scope="col">${v.t('common.sla')} / ${v.t('common.decidedBy')}</th>
                </tr></thead>
                <tbody>${response.afterSales.map((item) => afterSaleRow(v, item))}</tbody>
              </table>
              ${response.afterSales.length === 0 ? html`<p class="muted">${v.t('common.empty')}</p>` : ''}
              ${pager(v, BASE, { merchant: merchantId, buyer: buyerId, order: orderId, status: String(status || '') }, response.nextPageToken, page === '')}`
          : ''}`,
    });
  });

  app.get('/after-sales/:afterSaleId', async (c) => {
    const can = c.get('can');
    if (!can.can('consumerExperience', 'GetAfterSale')) throw forbidden();
    const v = viewOf(c);
    const { afterSale: item } = await c.get('api').consumerExperience.getAfterSale({ afterSaleId: c.req.param('afterSaleId') });
    if (!item) throw notFound();
    const inDispute = item.status === AfterSaleStatus.AFTER_SALE_STATUS_IN_DISPUTE;
    const decide = !inDispute
      ? html``
      : can.can('consumerExperience', 'DecideDispute')
        ? decisionForm(
            v,
            operatorOf(c),
            `/after-sales/${encodeURIComponent(item.afterSaleId)}/decide`,
            'outcome',
            [
              { value: DisputeOutcome.DISPUTE_OUTCOME_BUYER_FAVOURED, text: enumLabel(v.locale, DisputeOutcome, DisputeOutcome.DISPUTE_OUTCOME_BUYER_FAVOURED), key: 'b' },
              { value: DisputeOutcome.DISPUTE_OUTCOME_PARTIAL, text: enumLabel(v.locale, DisputeOutcome, DisputeOutcome.DISPUTE_OUTCOME_PARTIAL), key: 'p' },
              { value: DisputeOutcome.DISPUTE_OUTCOME_MERCHANT_FAVOURED, text: enumLabel(v.locale, DisputeOutcome, DisputeOutcome.DISPUTE_OUTCOME_MERCHANT_FAVOURED), key: 'm' },
            ],
            html`<label for="award">${v.t('dispute.award')}</label>
              <input id="award" type="text" inputmode="decimal" name="award" pattern="\\d{1,9}(\\.\\d{1,2})?" aria-describedby="award-hint" />
              <small id="award-hint" class="muted">${v.t('dispute.awardHint')}</small>`,
          )
        : html`<p class="muted" data-read-only>${v.t('common.readOnly')}</p>`;
    const dispute = item.dispute;
    return render(c, {
      title: `${v.t('order.afterSales')} · ${item.afterSaleId}`,
      active: 'disputes',
      body: html`${flash(c.req.query('done'))}
        <div class="grid">
          <section class="panel">
            <h2>${label(v, AfterSaleStatus, item.status)}</h2>
            <dl class="facts">
              <dt>${v.t('common.order')}</dt><dd>${link('orders', item.orderId)}</dd>
              <dt>${v.t('common.buyer')}</dt><dd>${item.buyerId}</dd>
              <dt>${v.t('common.merchant')}</dt><dd>${link('merchants', item.merchantId)}</dd>
              <dt>${v.t('review.kind')}</dt><dd>${label(v, AfterSaleType, item.type)} · ${label(v, AfterSaleReason, item.reason)}</dd>
              <dt>${v.t('dispute.requested')}</dt><dd>${formatFen(v.locale, item.amountFen)}</dd>
              <dt>${v.t('common.filedAt')}</dt><dd>${time(v, item.createTime)}</dd>
              <dt>${v.t('common.statement')}</dt><dd>${item.description || '—'}</dd>
              <dt>${v.t('dispute.merchantAnswer')}</dt><dd>${item.merchantAnswer ? html`${label(v, MerchantAnswer, item.merchantAnswer)} · ${item.merchantNote}` : slaBadge(v, item.merchantResponseDueAt)}</dd>
              <dt>${v.t('dispute.fastRefund')}</dt><dd>${item.fastRefund ? label(v, FastRefundOutcome, item.fastRefund.outcome) : '—'}</dd>
              <dt>${v.t('common.policy')}</dt><dd>${policyRef(item.policy)}</dd>
            </dl>
          </section>
          <section aria-label="${v.t('common.actions')}">${decide}</section>
        </div>
        ${dispute
          ? html`<section class="panel">
              <h2>${v.t('dispute.outcome')}</h2>
              <dl class="facts">
                <dt>${v.t('dispute.escalatedBy')}</dt><dd>${label(v, DisputeParty, dispute.escalatedBy)} · ${time(v, dispute.escalateTime)}</dd>
                <dt>${v.t('common.statement')}</dt><dd>${dispute.statement}</dd>
                ${dispute.outcome
                  ? html`<dt>${v.t('dispute.outcome')}</dt><dd>${label(v, DisputeOutcome, dispute.outcome)} · ${formatFen(v.locale, dispute.awardFen)}</dd>
                      <dt>${v.t('common.decidedBy')}</dt><dd data-decided-by>${dispute.decidedBy}</dd>
                      <dt>${v.t('common.decidedAt')}</dt><dd>${time(v, dispute.decideTime)}</dd>
                      <dt>${v.t('dispute.paymentDue')}</dt><dd>${slaBadge(v, dispute.merchantPaymentDueAt, item.status !== AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT_PAYMENT)}</dd>`
                  : ''}
              </dl>
              ${reasonList(v, dispute.reasons)}
            </section>`
          : ''}
        <section class="panel"><h2>${v.t('common.reasons')}</h2>${reasonList(v, item.reasons)}</section>`,
    });
  });

  app.post('/after-sales/:afterSaleId/decide', async (c) => {
    if (!c.get('can').can('consumerExperience', 'DecideDispute')) throw forbidden();
    const session = operatorOf(c);
    const afterSaleId = c.req.param('afterSaleId');
    const body = await c.req.parseBody();
    const outcome = parseChoice(body, 'outcome', [DisputeOutcome.DISPUTE_OUTCOME_BUYER_FAVOURED, DisputeOutcome.DISPUTE_OUTCOME_PARTIAL, DisputeOutcome.DISPUTE_OUTCOME_MERCHANT_FAVOURED]);
    const awardFen = outcome === DisputeOutcome.DISPUTE_OUTCOME_PARTIAL ? fenOf(body['award']) : 0n;
    const note = noteOf(body);
    const requestId = String(body['request_id'] ?? '');
    await c.get('api').consumerExperience.decideDispute({
      requestId,
      afterSaleId,
      outcome,
      awardFen,
      operatorId: session.sub,
      reasons: note ? [{ code: 'DISPUTE.OPERATOR_RULING', message: note, evidence: {}, weight: 0 }] : [],
    });
    c.get('log').info({ operator: session.sub, rpc: 'DecideDispute', after_sale_id: afterSaleId, request_id: requestId }, 'operator action');
    return redirectDone(c, `/after-sales/${encodeURIComponent(afterSaleId)}`, c.get('t')('common.done', { what: enumLabel(c.get('locale'), DisputeOutcome, outcome) }));
  });
};

import { CompensationCause, EntrySide, FulfilmentType, OrderStatus, type Compensation, type LedgerEntry, type Order } from '@govern/contracts-consumer-experience';
import { AppealState, PenaltyState, ViolationSeverity, type CreatorCredit } from '@govern/contracts-content';
import type { RouteModule } from '../http/app';
import { queryParam } from '../http/context';
import { forbidden } from '../http/errors';
import { render, viewOf } from '../http/render';
import { formatFen } from '../i18n/locale';
import { html, label, link, pager, policyRef, reasonList, slaBadge, time, type Html, type ViewContext } from '../views/html';
import { part, renderParts } from '../views/section';
import { creditPanel, penaltyFacts } from './content-appeals';
import { afterSaleRow } from './disputes';

const deductions = (v: ViewContext, credit: CreatorCredit): Html => html`${creditPanel(v, credit)}
  <table><caption>${v.t('creator.deductions')}</caption>
    <thead><tr><th scope="col">${v.t('common.id')}</th><th scope="col" class="num">${v.t('common.points')}</th><th scope="col">${v.t('review.kind')}</th>
      <th scope="col">${v.t('common.time')}</th><th scope="col">${v.t('merchant.expires')}</th></tr></thead>
    <tbody>${credit.activeDeductions.map(
      (d) => html`<tr><td><code>${d.deductionId}</code></td><td class="num">−${String(d.points)}</td><td>${label(v, ViolationSeverity, d.severity)}</td>
        <td>${time(v, d.deductTime)}</td><td>${time(v, d.expireTime)}</td></tr>`,
    )}</tbody>
  </table>
  ${reasonList(v, credit.reasons)}`;

const clocks = (v: ViewContext, order: Order): Html => {
  const shipment = order.shipment;
  const shipped = Boolean(shipment?.shippedAt);
  return html`<dl class="facts" data-order-status="${OrderStatus[order.status] ?? ''}">
      <dt>${v.t('common.status')}</dt><dd>${label(v, OrderStatus, order.status)} · ${label(v, FulfilmentType, order.fulfilment)}</dd>
      <dt>${v.t('common.merchant')}</dt><dd>${link('merchants', order.merchantId)}</dd>
      <dt>${v.t('common.product')}</dt><dd>${link('products', order.productId)}</dd>
      <dt>${v.t('common.buyer')}</dt><dd>${order.buyerId}</dd>
      <dt>${v.t('common.amount')}</dt><dd>${formatFen(v.locale, order.amountFen)}</dd>
      <dt>${v.t('order.paidAt')}</dt><dd>${time(v, order.paidAt)}</dd>
      <dt>${v.t('order.dispatchDue')}</dt><dd>${slaBadge(v, order.dispatchDueAt, shipped)}${order.lateDispatch ? html` <span class="sla sla-overdue">${v.t('order.late')}</span>` : ''}</dd>
      <dt>${v.t('order.shipped')}</dt><dd>${time(v, shipment?.shippedAt)}${shipment ? html` · ${shipment.carrierCode} ${shipment.trackingNumber}` : ''}</dd>
      <dt>${v.t('order.firstScanDue')}</dt><dd>${shipment ? slaBadge(v, shipment.firstScanDueAt, Boolean(shipment.firstScanAt)) : '—'}${shipment?.fakeShipment ? html` <span class="sla sla-overdue">${v.t('order.fake')}</span>` : ''}</dd>
      <dt>${v.t('order.firstScan')}</dt><dd>${time(v, shipment?.firstScanAt)}</dd>
      <dt>${v.t('order.delivered')}</dt><dd>${time(v, shipment?.deliveredAt)}</dd>
      <dt>${v.t('order.refunded')}</dt><dd>${formatFen(v.locale, order.refundedFen)}</dd>
      <dt>${v.t('order.compensated')}</dt><dd>${formatFen(v.locale, order.compensatedFen)}</dd>
      <dt>${v.t('common.policy')}</dt><dd>${policyRef(order.policy)}</dd>
    </dl>
    ${reasonList(v, order.reasons)}`;
};

const compensationsTable = (v: ViewContext, list: readonly Compensation[]): Html => html`<table>
  <thead><tr><th scope="col">${v.t('common.id')}</th><th scope="col">${v.t('review.kind')}</th><th scope="col" class="num">${v.t('common.amount')}</th>
    <th scope="col" class="num">${v.t('fund.receivables')}</th><th scope="col">${v.t('common.decidedBy')}</th><th scope="col">${v.t('common.time')}</th></tr></thead>
  <tbody>${list.map(
    (item) => html`<tr><td><code>${item.compensationId}</code></td><td>${label(v, CompensationCause, item.cause)}</td><td class="num">${formatFen(v.locale, item.amountFen)}</td>
      <td class="num">${formatFen(v.locale, item.outstandingFen)}</td><td>${item.triggeredBy}</td><td>${time(v, item.payTime)}</td></tr>`,
  )}</tbody>
</table>`;

const ledgerTable = (v: ViewContext, entries: readonly LedgerEntry[]): Html => html`<table data-ledger>
  <thead><tr><th scope="col">${v.t('common.time')}</th><th scope="col">${v.t('fund.account')}</th><th scope="col">${v.t('fund.side')}</th>
    <th scope="col" class="num">${v.t('common.amount')}</th><th scope="col">${v.t('common.order')}</th><th scope="col">${v.t('fund.memo')}</th></tr></thead>
  <tbody>${entries.map(
    (e) => html`<tr><td>${time(v, e.postTime)}</td><td><code>${e.account}</code></td><td>${label(v, EntrySide, e.side)}</td>
      <td class="num">${formatFen(v.locale, e.amountFen)}</td><td>${e.orderId ? link('orders', e.orderId) : '—'}</td><td><code>${e.memo}</code></td></tr>`,
  )}</tbody>
</table>`;

/** Creators' credit history, an order's promise clocks and money, and the fund ledger. */
export const lookupMoreRoutes: RouteModule = (app) => {
  app.get('/creators/:creatorId', async (c) => {
    const v = viewOf(c);
    const can = c.get('can');
    const api = c.get('api').content;
    const creatorId = c.req.param('creatorId');
    const body = await renderParts(v, [
      part({ id: 'credit', title: v.t('creator.credit'), allowed: can.can('content', 'GetCreatorCredit'), load: () => api.getCreatorCredit({ creatorId }).then((r) => r.creatorCredit), show: (credit) => deductions(v, credit) }),
      part({
        id: 'penalties',
        title: v.t('creator.penalties'),
        allowed: can.can('content', 'ListPenalties'),
        load: () => api.listPenalties({ pageSize: 100, pageToken: '', creatorId, contentId: '', state: 0 }).then((r) => r.penalties),
        show: (penalties) => html`${penalties.map((p) => html`<details class="panel" ${p.state === PenaltyState.PENALTY_STATE_ACTIVE ? 'open' : ''}><summary>${label(v, PenaltyState, p.state)} · ${time(v, p.imposeTime)} · <code>${p.penaltyId}</code></summary>${penaltyFacts(v, p)}</details>`)}`,
      }),
      part({
        id: 'appeals',
        title: v.t('creator.appeals'),
        allowed: can.can('content', 'ListAppeals'),
        load: () => api.listAppeals({ pageSize: 100, pageToken: '', state: 0, creatorId }).then((r) => r.appeals),
        show: (appeals) => html`<ul>${appeals.map(
          (a) => html`<li><a href="/queues/content-appeals/${encodeURIComponent(a.creatorId)}/${encodeURIComponent(a.appealId)}">${a.appealId}</a> · ${label(v, AppealState, a.state)} · ${time(v, a.fileTime)}${a.reviewerId ? html` · ${v.t('common.decidedBy')} ${a.reviewerId} ${time(v, a.decideTime)}` : ''}</li>`,
        )}</ul>`,
      }),
    ]);
    return render(c, { title: v.t('creator.title', { id: creatorId }), active: 'lookup', body });
  });

  app.get('/orders/:orderId', async (c) => {
    const v = viewOf(c);
    const can = c.get('can');
    const api = c.get('api').consumerExperience;
    const orderId = c.req.param('orderId');
    const body = await renderParts(v, [
      part({ id: 'clocks', title: v.t('order.clocks'), allowed: can.can('consumerExperience', 'GetOrder'), load: () => api.getOrder({ orderId }).then((r) => r.order), show: (order) => clocks(v, order) }),
      part({
        id: 'after-sales',
        title: v.t('order.afterSales'),
        allowed: can.can('consumerExperience', 'ListAfterSales'),
        load: () => api.listAfterSales({ orderId, buyerId: '', merchantId: '', status: 0, pageSize: 50, pageToken: '' }).then((r) => r.afterSales),
        show: (items) => html`<table><tbody>${items.map((item) => afterSaleRow(v, item))}</tbody></table>`,
      }),
      part({
        id: 'compensations',
        title: v.t('order.compensations'),
        allowed: can.can('consumerExperience', 'ListCompensations'),
        load: () => api.listCompensations({ orderId, buyerId: '', merchantId: '', cause: 0, pageSize: 50, pageToken: '' }).then((r) => r.compensations),
        show: (list) => compensationsTable(v, list),
      }),
      part({
        id: 'ledger',
        title: v.t('order.ledger'),
        allowed: can.can('consumerExperience', 'ListLedgerEntries'),
        load: () => api.listLedgerEntries({ account: '', orderId, pageSize: 200, pageToken: '' }).then((r) => r.entries),
        show: (entries) => ledgerTable(v, entries),
      }),
    ]);
    return render(c, { title: v.t('order.title', { id: orderId }), active: 'lookup', body });
  });

  app.get('/fund', async (c) => {
    const can = c.get('can');
    if (!can.can('consumerExperience', 'GetFundLedger')) throw forbidden();
    const v = viewOf(c);
    const api = c.get('api').consumerExperience;
    const account = queryParam(c, 'account') || 'FUND';
    const page = queryParam(c, 'page', 512);
    const [{ ledger }, entries] = await Promise.all([
      api.getFundLedger({}),
      can.can('consumerExperience', 'ListLedgerEntries') ? api.listLedgerEntries({ account, orderId: '', pageSize: 100, pageToken: page }) : undefined,
    ]);
    return render(c, {
      title: v.t('fund.title'),
      active: 'fund',
      body: html`${ledger
          ? html`<dl class="facts panel" data-fund-balance="${ledger.fundBalanceFen.toString()}">
              <dt>${v.t('fund.balance')}</dt><dd><strong>${formatFen(v.locale, ledger.fundBalanceFen)}</strong></dd>
              <dt>${v.t('fund.receivables')}</dt><dd>${formatFen(v.locale, ledger.receivablesOutstandingFen)}</dd>
              <dt>${v.t('fund.deposits')}</dt><dd>${formatFen(v.locale, ledger.depositsHeldFen)}</dd>
              <dt>${v.t('fund.balanced')}</dt><dd>${ledger.balanced ? v.t('common.yes') : html`<span class="sla sla-overdue">${v.t('common.no')}</span>`}</dd>
              <dt>${v.t('fund.entries')}</dt><dd>${ledger.transactionCount.toString()} · ${time(v, ledger.asOfTime)}</dd>
            </dl>`
          : ''}
        ${entries
          ? html`<form method="get" class="filters" role="search">
                <label>${v.t('fund.account')} <input type="search" name="account" value="${account}" data-search /></label>
                <button type="submit">${v.t('common.filter')}</button>
              </form>
              ${ledgerTable(v, entries.entries)} ${pager(v, '/fund', { account }, entries.nextPageToken, page === '')}`
          : ''}`,
    });
  });
};

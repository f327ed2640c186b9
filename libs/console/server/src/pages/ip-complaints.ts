import { IpComplaintKind, IpComplaintOutcome, IpComplaintStatus, type IpComplaint } from '@govern/contracts-product-quality';
import type { RouteModule } from '../http/app';
import { operatorOf, queryParam } from '../http/context';
import { forbidden, notFound } from '../http/errors';
import { redirectDone, render, viewOf } from '../http/render';
import { enumLabel } from '../i18n/translate';
import { decisionForm, noteOf, parseChoice } from '../views/decision-form';
import { enumSelect, flash, html, label, link, numberParam, pager, policyRef, reasonList, slaBadge, time, type Html, type ViewContext } from '../views/html';

const BASE = '/queues/ip-complaints';
const STATUSES = [
  IpComplaintStatus.IP_COMPLAINT_STATUS_COUNTER_NOTICED,
  IpComplaintStatus.IP_COMPLAINT_STATUS_TAKEN_DOWN,
  IpComplaintStatus.IP_COMPLAINT_STATUS_UPHELD,
  IpComplaintStatus.IP_COMPLAINT_STATUS_RESTORED,
  IpComplaintStatus.IP_COMPLAINT_STATUS_REJECTED,
];
const DECIDED = [IpComplaintStatus.IP_COMPLAINT_STATUS_UPHELD, IpComplaintStatus.IP_COMPLAINT_STATUS_RESTORED, IpComplaintStatus.IP_COMPLAINT_STATUS_REJECTED];

/** What the row waits for: the restore deadline (counter-noticed), the counter-notice deadline (taken down), or who decided. */
const dueOrDecider = (v: ViewContext, complaint: IpComplaint): Html | string => {
  if (complaint.status === IpComplaintStatus.IP_COMPLAINT_STATUS_COUNTER_NOTICED) return slaBadge(v, complaint.restoreDueAt);
  if (complaint.status === IpComplaintStatus.IP_COMPLAINT_STATUS_TAKEN_DOWN) return slaBadge(v, complaint.counterNoticeDueAt);
  return complaint.reviewerId || '—';
};

const complaintRow = (v: ViewContext, complaint: IpComplaint): Html => html`<tr data-row>
  <td><a href="${BASE}/${encodeURIComponent(complaint.complaintId)}">${complaint.complaintId}</a></td>
  <td>${label(v, IpComplaintStatus, complaint.status)}</td>
  <td>${label(v, IpComplaintKind, complaint.kind)}</td>
  <td>${link('products', complaint.productId)}</td>
  <td>${link('merchants', complaint.merchantId)}</td>
  <td>${time(v, complaint.filedAt)}</td>
  <td>${dueOrDecider(v, complaint)}</td>
  <td>${complaint.escalatedAt ? '⚑' : ''}</td>
</tr>`;

/**
 * IP complaints (ListIpComplaints), oldest filed first: by default the counter-noticed ones,
 * decided before their restore deadline; taken-down ones show until when the merchant may
 * counter-notify, decided ones who decided.
 */
export const ipComplaintRoutes: RouteModule = (app) => {
  app.get(BASE, async (c) => {
    const can = c.get('can');
    if (!can.can('productQuality', 'ListIpComplaints')) throw forbidden();
    const v = viewOf(c);
    const merchantId = queryParam(c, 'merchant');
    // First visit: the counter-noticed queue. "All" is an explicit empty choice.
    const statusParam = c.req.query('status');
    const status = statusParam === undefined ? IpComplaintStatus.IP_COMPLAINT_STATUS_COUNTER_NOTICED : numberParam(statusParam, STATUSES);
    const page = queryParam(c, 'page', 512);
    const { complaints, nextPageToken } = await c.get('api').productQuality.listIpComplaints({ pageSize: 50, pageToken: page, status, merchantId, brandId: '' });
    return render(c, {
      title: v.t('ip.title'),
      active: 'ipComplaints',
      body: html`<form method="get" class="filters" role="search">
          <label>${v.t('common.merchant')} <input type="search" name="merchant" value="${merchantId}" data-search /></label>
          ${enumSelect(v, 'status', v.t('common.status'), IpComplaintStatus, status, STATUSES)}
          <button type="submit">${v.t('common.filter')}</button>
        </form>
        <table data-queue="ip-complaints">
          <caption class="visually-hidden">${v.t('ip.title')}</caption>
          <thead><tr>
            <th scope="col">${v.t('common.id')}</th><th scope="col">${v.t('common.status')}</th><th scope="col">${v.t('ip.kind')}</th>
            <th scope="col">${v.t('common.product')}</th><th scope="col">${v.t('common.merchant')}</th><th scope="col">${v.t('common.filedAt')}</th>
            <th scope="col">${v.t('common.sla')} / ${v.t('common.decidedBy')}</th><th scope="col"><span class="visually-hidden">${v.t('ip.escalated')}</span>⚑</th>
          </tr></thead>
          <tbody>${complaints.map((complaint) => complaintRow(v, complaint))}</tbody>
        </table>
        ${complaints.length === 0 ? html`<p class="muted">${v.t('common.empty')}</p>` : ''}
        ${pager(v, BASE, { merchant: merchantId, status: String(status || '') }, nextPageToken, page === '')}`,
    });
  });

  app.get(`${BASE}/:complaintId`, async (c) => {
    const can = c.get('can');
    if (!can.can('productQuality', 'GetIpComplaint')) throw forbidden();
    const v = viewOf(c);
    const { complaint } = await c.get('api').productQuality.getIpComplaint({ complaintId: c.req.param('complaintId') });
    if (!complaint) throw notFound();
    const decidable = complaint.status === IpComplaintStatus.IP_COMPLAINT_STATUS_COUNTER_NOTICED;
    const decide = !decidable
      ? html``
      : can.can('productQuality', 'DecideIpComplaint')
        ? decisionForm(v, operatorOf(c), `${BASE}/${encodeURIComponent(complaint.complaintId)}/decide`, 'outcome', [
            { value: IpComplaintOutcome.IP_COMPLAINT_OUTCOME_UPHOLD, text: v.t('ip.uphold'), key: 'u' },
            { value: IpComplaintOutcome.IP_COMPLAINT_OUTCOME_RESTORE, text: v.t('ip.restore'), key: 'r' },
          ])
        : html`<p class="muted" data-read-only>${v.t('common.readOnly')}</p>`;
    return render(c, {
      title: `${v.t('ip.title')} · ${complaint.complaintId}`,
      active: 'ipComplaints',
      body: html`${flash(c.req.query('done'))}
        <p><a href="${BASE}">← ${v.t('common.back')}</a></p>
        <div class="grid">
          <section class="panel">
            <h2>${label(v, IpComplaintStatus, complaint.status)} · ${label(v, IpComplaintKind, complaint.kind)}</h2>
            <dl class="facts">
              <dt>${v.t('ip.brand')}</dt><dd><code>${complaint.brandId}</code></dd>
              <dt>${v.t('ip.complainant')}</dt><dd>${complaint.complainantId}</dd>
              <dt>${v.t('common.product')}</dt><dd>${link('products', complaint.productId)}</dd>
              <dt>${v.t('common.merchant')}</dt><dd>${link('merchants', complaint.merchantId)}</dd>
              <dt>${v.t('common.filedAt')}</dt><dd>${time(v, complaint.filedAt)}</dd>
              <dt>${v.t('common.statement')}</dt><dd>${complaint.statement}</dd>
              <dt>${v.t('common.evidence')}</dt><dd>${complaint.evidenceRefs.join(', ') || '—'}</dd>
              <dt>${v.t('ip.restoreDue')}</dt><dd>${slaBadge(v, complaint.restoreDueAt, !decidable)}</dd>
              ${complaint.escalatedAt ? html`<dt>⚑</dt><dd>${v.t('ip.escalated')} · ${time(v, complaint.escalatedAt)}</dd>` : ''}
              ${complaint.counterNoticeDueAt ? html`<dt>${v.t('ip.counterNoticeDue')}</dt><dd>${slaBadge(v, complaint.counterNoticeDueAt)}</dd>` : ''}
              ${DECIDED.includes(complaint.status)
                ? html`<dt>${v.t('common.decidedBy')}</dt><dd data-decided-by>${complaint.reviewerId || '—'}</dd>
                    <dt>${v.t('common.decidedAt')}</dt><dd>${time(v, complaint.decidedAt)}</dd>`
                : ''}
              <dt>${v.t('common.policy')}</dt><dd>${policyRef(complaint.policy)}</dd>
            </dl>
          </section>
          <section aria-label="${v.t('common.actions')}">${decide}</section>
        </div>
        <section class="panel">
          <h2>${v.t('ip.counterNotice')}</h2>
          ${complaint.counterNoticedAt
            ? html`<dl class="facts">
                <dt>${v.t('common.filedAt')}</dt><dd>${time(v, complaint.counterNoticedAt)}</dd>
                <dt>${v.t('common.statement')}</dt><dd>${complaint.counterStatement}</dd>
                <dt>${v.t('common.evidence')}</dt><dd>${complaint.counterEvidenceRefs.join(', ') || '—'}</dd>
              </dl>`
            : html`<p class="muted">${v.t('ip.waiting')}</p>`}
        </section>
        <section class="panel"><h2>${v.t('common.reasons')}</h2>${reasonList(v, complaint.reasons)}</section>`,
    });
  });

  app.post(`${BASE}/:complaintId/decide`, async (c) => {
    if (!c.get('can').can('productQuality', 'DecideIpComplaint')) throw forbidden();
    const session = operatorOf(c);
    const complaintId = c.req.param('complaintId');
    const body = await c.req.parseBody();
    const outcome = parseChoice(body, 'outcome', [IpComplaintOutcome.IP_COMPLAINT_OUTCOME_UPHOLD, IpComplaintOutcome.IP_COMPLAINT_OUTCOME_RESTORE]);
    const requestId = String(body['request_id'] ?? '');
    await c.get('api').productQuality.decideIpComplaint({ requestId, complaintId, outcome, reviewerId: session.sub, note: noteOf(body) });
    c.get('log').info({ operator: session.sub, rpc: 'DecideIpComplaint', complaint_id: complaintId, request_id: requestId }, 'operator action');
    return redirectDone(c, `${BASE}/${encodeURIComponent(complaintId)}`, c.get('t')('common.done', { what: enumLabel(c.get('locale'), IpComplaintOutcome, outcome) }));
  });
};

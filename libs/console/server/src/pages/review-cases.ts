import {
  AppealDecision,
  AppealStatus,
  ApplicationStatus,
  MerchantStatus,
  ReviewCaseKind,
  ReviewCaseStatus,
  ReviewDecision,
  RiskBand,
  ViolationStatus,
  ViolationType,
  type Appeal,
  type Application,
  type MerchantStanding,
  type ReviewCase,
  type Violation,
} from '@govern/contracts-merchant-access';
import type { RouteModule } from '../http/app';
import { operatorOf, queryParam, type ConsoleContext } from '../http/context';
import { forbidden, notFound } from '../http/errors';
import { redirectDone, render, viewOf } from '../http/render';
import { enumLabel } from '../i18n/translate';
import { decisionForm, noteOf, parseChoice } from '../views/decision-form';
import { enumSelect, flash, formGuards, html, label, link, numberParam, pager, policyRef, reasonList, slaBadge, time, type Html, type ViewContext } from '../views/html';
import { ringGraph } from '../views/ring-graph';

const BASE = '/queues/review-cases';
const STATUSES = [ReviewCaseStatus.REVIEW_CASE_STATUS_OPEN, ReviewCaseStatus.REVIEW_CASE_STATUS_CLAIMED, ReviewCaseStatus.REVIEW_CASE_STATUS_DECIDED];
const KINDS = [ReviewCaseKind.REVIEW_CASE_KIND_APPLICATION, ReviewCaseKind.REVIEW_CASE_KIND_APPEAL];

const caseRow = (v: ViewContext, item: ReviewCase): Html => html`<tr data-row>
  <td><a href="${BASE}/${encodeURIComponent(item.caseId)}">${item.caseId}</a></td>
  <td>${label(v, ReviewCaseKind, item.kind)}</td>
  <td>${label(v, ReviewCaseStatus, item.status)}</td>
  <td class="num">${item.kind === ReviewCaseKind.REVIEW_CASE_KIND_APPLICATION ? String(item.riskScore) : '—'}</td>
  <td>${item.merchantId ? link('merchants', item.merchantId) : item.applicationId}</td>
  <td>${item.assigneeId || '—'}</td>
  <td>${time(v, item.openedAt)}</td>
  <td>${slaBadge(v, item.slaDueAt, item.status === ReviewCaseStatus.REVIEW_CASE_STATUS_DECIDED)}</td>
  <td>${item.reasons.map((r) => html`<code>${r.code}</code> `)}</td>
</tr>`;

/** Finds a violation among a merchant's (newest first; appeals come within 7 days, so early pages hold it). */
const findViolation = async (c: ConsoleContext, merchantId: string, violationId: string): Promise<Violation | undefined> => {
  let pageToken = '';
  for (let page = 0; page < 10; page++) {
    const response = await c.get('api').merchantAccess.listViolations({ merchantId, pageSize: 100, pageToken, status: ViolationStatus.VIOLATION_STATUS_UNSPECIFIED });
    const found = response.violations.find((v) => v.violationId === violationId);
    if (found || !response.nextPageToken) return found;
    pageToken = response.nextPageToken;
  }
  return undefined;
};

const applicationPanel = (v: ViewContext, application: Application): Html => {
  const decision = application.decision;
  return html`<section class="panel" aria-labelledby="application-h">
      <h2 id="application-h">${v.t('review.application')} <code>${application.applicationId}</code> ${label(v, ApplicationStatus, application.status)}</h2>
      <dl class="facts">
        <dt>${v.t('review.company')}</dt><dd>${application.companyName}</dd>
        <dt>${v.t('review.licence')}</dt><dd>${application.businessLicenceCodeMasked}</dd>
        <dt>${v.t('review.legalRep')}</dt><dd>${application.legalRepresentativeNameMasked}</dd>
        <dt>${v.t('review.phone')}</dt><dd>${application.contactPhoneMasked}</dd>
        <dt>${v.t('review.bank')}</dt><dd>${application.bankAccountMasked}</dd>
        <dt>${v.t('review.region')}</dt><dd>${application.regionCode}</dd>
        <dt>${v.t('review.categories')}</dt><dd>${application.categoryCodes.join(', ')}</dd>
        <dt>${v.t('common.filedAt')}</dt><dd>${time(v, application.submittedAt)}</dd>
        ${application.merchantId ? html`<dt>${v.t('common.merchant')}</dt><dd>${link('merchants', application.merchantId)}</dd>` : ''}
      </dl>
    </section>
    <section class="panel" aria-labelledby="decision-h">
      <h2 id="decision-h">${v.t('review.decisionAuto')}</h2>
      <dl class="facts">
        <dt>${v.t('review.risk')}</dt><dd><strong data-risk-score>${String(decision?.riskScore ?? 0)}</strong> / 100</dd>
        <dt>${v.t('review.band')}</dt><dd>${label(v, RiskBand, decision?.band ?? 0)}</dd>
        <dt>${v.t('common.policy')}</dt><dd>${policyRef(decision?.policy)}</dd>
      </dl>
      <h3>${v.t('common.reasons')}</h3>
      ${reasonList(v, decision?.reasons ?? [])}
    </section>
    <section aria-labelledby="ring-h">
      <h2 id="ring-h">${v.t('review.ring')}</h2>
      ${ringGraph(v, decision?.ringLinks ?? [])}
    </section>`;
};

const standingFacts = (v: ViewContext, standing: MerchantStanding | undefined): Html =>
  standing
    ? html`<dl class="facts" data-standing="${MerchantStatus[standing.status] ?? ''}">
        <dt>${v.t('merchant.standing')}</dt><dd>${label(v, MerchantStatus, standing.status)}</dd>
        <dt>${v.t('merchant.activePoints')}</dt><dd data-points>${String(standing.activePoints)}</dd>
        <dt>${v.t('merchant.canList')}</dt><dd>${standing.canList ? v.t('common.yes') : v.t('common.no')}</dd>
        <dt>${v.t('merchant.canSell')}</dt><dd>${standing.canSell ? v.t('common.yes') : v.t('common.no')}</dd>
      </dl>`
    : html`—`;

const appealPanel = (v: ViewContext, appeal: Appeal, violation: Violation | undefined, standing: MerchantStanding | undefined): Html => html`
  <section class="panel" aria-labelledby="appeal-h">
    <h2 id="appeal-h">${v.t('review.appeal')} <code>${appeal.appealId}</code> ${label(v, AppealStatus, appeal.status)}</h2>
    <dl class="facts">
      <dt>${v.t('common.merchant')}</dt><dd>${link('merchants', appeal.merchantId)}</dd>
      <dt>${v.t('common.filedAt')}</dt><dd>${time(v, appeal.filedAt)}</dd>
      <dt>${v.t('common.statement')}</dt><dd>${appeal.statement}</dd>
      <dt>${v.t('common.evidence')}</dt><dd>${appeal.evidenceRefs.join(', ') || '—'}</dd>
      ${appeal.decidedAt ? html`<dt>${v.t('common.decidedBy')}</dt><dd data-appeal-decided-by>${appeal.reviewerId || '—'}</dd><dt>${v.t('common.decidedAt')}</dt><dd>${time(v, appeal.decidedAt)}</dd>` : ''}
    </dl>
    ${appeal.reasons.length > 0 ? html`<h3>${v.t('common.reasons')}</h3>${reasonList(v, appeal.reasons)}` : ''}
  </section>
  <div class="grid">
    <section class="panel" aria-labelledby="violation-h">
      <h2 id="violation-h">${v.t('review.violation')}</h2>
      ${violation
        ? html`<dl class="facts">
              <dt>${v.t('common.id')}</dt><dd><code>${violation.violationId}</code></dd>
              <dt>${v.t('review.kind')}</dt><dd>${label(v, ViolationType, violation.type)}</dd>
              <dt>${v.t('common.points')}</dt><dd>${String(violation.points)}</dd>
              <dt>${v.t('common.status')}</dt><dd>${label(v, ViolationStatus, violation.status)}</dd>
              <dt>${v.t('common.time')}</dt><dd>${time(v, violation.occurredAt)}</dd>
              <dt>${v.t('merchant.expires')}</dt><dd>${time(v, violation.expiresAt)}</dd>
            </dl>
            <p>${violation.description}</p>`
        : html`<p class="muted"><code>${appeal.violationId}</code></p>`}
    </section>
    <section class="panel" aria-labelledby="standing-h">
      <h2 id="standing-h">${v.t('review.standing')}</h2>
      ${standingFacts(v, standing)}
    </section>
  </div>`;

const caseFacts = (v: ViewContext, item: ReviewCase): Html => html`<dl class="facts">
  <dt>${v.t('review.kind')}</dt><dd>${label(v, ReviewCaseKind, item.kind)}</dd>
  <dt>${v.t('common.status')}</dt><dd data-case-status="${ReviewCaseStatus[item.status] ?? ''}">${label(v, ReviewCaseStatus, item.status)}</dd>
  <dt>${v.t('review.opened')}</dt><dd>${time(v, item.openedAt)}</dd>
  <dt>${v.t('common.sla')}</dt><dd>${slaBadge(v, item.slaDueAt, item.status === ReviewCaseStatus.REVIEW_CASE_STATUS_DECIDED)}</dd>
  <dt>${v.t('review.assignee')}</dt><dd>${item.assigneeId || '—'}${item.claimedAt ? html` · ${time(v, item.claimedAt)}` : ''}</dd>
  ${item.status === ReviewCaseStatus.REVIEW_CASE_STATUS_DECIDED
    ? html`<dt>${v.t('common.decision')}</dt>
        <dd data-decision>
          ${item.kind === ReviewCaseKind.REVIEW_CASE_KIND_APPLICATION ? label(v, ReviewDecision, item.reviewDecision) : label(v, AppealDecision, item.appealDecision)}
        </dd>
        <dt>${v.t('common.decidedBy')}</dt><dd data-decided-by>${item.assigneeId}</dd>
        <dt>${v.t('common.decidedAt')}</dt><dd>${time(v, item.decidedAt)}</dd>
        <dt>${v.t('common.note')}</dt><dd>${item.note || '—'}</dd>`
    : ''}
</dl>
${item.reasons.length > 0 ? html`<h3>${v.t('common.reasons')}</h3>${reasonList(v, item.reasons)}` : ''}`;

/** Claim, or the decision form once the operator holds the case. */
const actions = (c: ConsoleContext, v: ViewContext, item: ReviewCase): Html => {
  if (item.status === ReviewCaseStatus.REVIEW_CASE_STATUS_DECIDED) return html``;
  const session = operatorOf(c);
  const can = c.get('can');
  const isApplication = item.kind === ReviewCaseKind.REVIEW_CASE_KIND_APPLICATION;
  const mayDecide = isApplication ? can.can('merchantAccess', 'DecideReviewCase') : can.can('merchantAccess', 'DecideAppeal');
  if (!mayDecide || !can.can('merchantAccess', 'ClaimReviewCase')) return html`<p class="muted" data-read-only>${v.t('common.readOnly')}</p>`;
  const action = `${BASE}/${encodeURIComponent(item.caseId)}`;
  if (item.status === ReviewCaseStatus.REVIEW_CASE_STATUS_OPEN) {
    return html`<form method="post" action="${action}/claim" class="panel">
      ${formGuards(session)}
      <p>${v.t('review.claimFirst')}</p>
      <button type="submit" data-key="c">${v.t('review.claim')} <kbd>c</kbd></button>
    </form>`;
  }
  if (item.assigneeId !== session.sub) return html`<p class="muted">${v.t('review.claimedByOther', { who: item.assigneeId })}</p>`;
  return isApplication
    ? decisionForm(v, session, `${action}/decide`, 'decision', [
        { value: ReviewDecision.REVIEW_DECISION_APPROVE, text: enumLabel(v.locale, ReviewDecision, ReviewDecision.REVIEW_DECISION_APPROVE), key: 'a' },
        { value: ReviewDecision.REVIEW_DECISION_APPROVE_WITH_RESTRICTIONS, text: enumLabel(v.locale, ReviewDecision, ReviewDecision.REVIEW_DECISION_APPROVE_WITH_RESTRICTIONS), key: 'r' },
        { value: ReviewDecision.REVIEW_DECISION_REJECT, text: enumLabel(v.locale, ReviewDecision, ReviewDecision.REVIEW_DECISION_REJECT), key: 'x' },
      ])
    : decisionForm(v, session, `${action}/decide`, 'decision', [
        { value: AppealDecision.APPEAL_DECISION_OVERTURN, text: enumLabel(v.locale, AppealDecision, AppealDecision.APPEAL_DECISION_OVERTURN), key: 'o' },
        { value: AppealDecision.APPEAL_DECISION_UPHOLD, text: enumLabel(v.locale, AppealDecision, AppealDecision.APPEAL_DECISION_UPHOLD), key: 'u' },
      ]);
};

/** Merchant review cases (onboarding applications in the review band, and violation appeals). */
export const reviewCaseRoutes: RouteModule = (app) => {
  app.get(BASE, async (c) => {
    const can = c.get('can');
    if (!can.can('merchantAccess', 'ListReviewCases')) throw forbidden();
    const v = viewOf(c);
    const session = operatorOf(c);
    // First visit: the open queue. "All" is an explicit empty choice.
    const statusParam = c.req.query('status');
    const status = statusParam === undefined ? ReviewCaseStatus.REVIEW_CASE_STATUS_OPEN : numberParam(statusParam, STATUSES);
    const kind = numberParam(c.req.query('kind'), KINDS);
    const mine = c.req.query('mine') === '1';
    const overdue = c.req.query('overdue') === '1';
    const page = queryParam(c, 'page', 512);
    const response = await c.get('api').merchantAccess.listReviewCases({ pageSize: 50, pageToken: page, status, kind, assigneeId: mine ? session.sub : '', overdueOnly: overdue });
    const query = { status: String(status || ''), kind: String(kind || ''), mine: mine ? '1' : '', overdue: overdue ? '1' : '' };
    return render(c, {
      title: v.t('review.title'),
      active: 'reviewCases',
      body: html`<form method="get" class="filters" role="search">
          ${enumSelect(v, 'status', v.t('common.status'), ReviewCaseStatus, status, STATUSES)}
          ${enumSelect(v, 'kind', v.t('review.kind'), ReviewCaseKind, kind, KINDS)}
          <label class="check"><input type="checkbox" name="mine" value="1" ${mine ? 'checked' : ''} /> ${v.t('review.mine')}</label>
          <label class="check"><input type="checkbox" name="overdue" value="1" ${overdue ? 'checked' : ''} /> ${v.t('review.overdueOnly')}</label>
          <button type="submit">${v.t('common.filter')}</button>
        </form>
        <p class="muted">${v.t('common.shortcuts', { keys: 'j / k, Enter, n' })}</p>
        <table data-queue="review-cases">
          <caption class="visually-hidden">${v.t('review.title')}</caption>
          <thead><tr>
            <th scope="col">${v.t('common.id')}</th><th scope="col">${v.t('review.kind')}</th><th scope="col">${v.t('common.status')}</th>
            <th scope="col" class="num">${v.t('review.risk')}</th><th scope="col">${v.t('common.merchant')}</th><th scope="col">${v.t('review.assignee')}</th>
            <th scope="col">${v.t('review.opened')}</th><th scope="col">${v.t('common.sla')}</th><th scope="col">${v.t('common.reasons')}</th>
          </tr></thead>
          <tbody>${response.reviewCases.map((item) => caseRow(v, item))}</tbody>
        </table>
        ${response.reviewCases.length === 0 ? html`<p class="muted">${v.t('common.empty')}</p>` : ''}
        ${pager(v, BASE, query, response.nextPageToken, page === '')}`,
    });
  });

  app.get(`${BASE}/:caseId`, async (c) => {
    const can = c.get('can');
    if (!can.can('merchantAccess', 'GetReviewCase')) throw forbidden();
    const v = viewOf(c);
    const api = c.get('api');
    const caseId = c.req.param('caseId');
    const item = await findCase(c, caseId);
    let detail: Html = html``;
    if (item.kind === ReviewCaseKind.REVIEW_CASE_KIND_APPLICATION && can.can('merchantAccess', 'GetApplication')) {
      const { application } = await api.merchantAccess.getApplication({ applicationId: item.applicationId });
      if (application) detail = applicationPanel(v, application);
    } else if (item.kind === ReviewCaseKind.REVIEW_CASE_KIND_APPEAL && can.can('merchantAccess', 'GetAppeal')) {
      const { appeal } = await api.merchantAccess.getAppeal({ appealId: item.appealId });
      if (appeal) {
        const [violation, standing] = await Promise.all([
          can.can('merchantAccess', 'ListViolations') ? findViolation(c, appeal.merchantId, appeal.violationId) : undefined,
          can.can('merchantAccess', 'GetMerchantStanding') ? api.merchantAccess.getMerchantStanding({ merchantId: appeal.merchantId }).then((r) => r.standing) : undefined,
        ]);
        detail = appealPanel(v, appeal, violation, standing);
      }
    }
    return render(c, {
      title: `${v.t('review.title')} · ${caseId}`,
      active: 'reviewCases',
      body: html`${flash(c.req.query('done'))}
        <p><a href="${BASE}">← ${v.t('common.back')}</a></p>
        <div class="grid">
          <section class="panel" aria-label="${caseId}">${caseFacts(v, item)}</section>
          <section aria-label="${v.t('common.actions')}">${actions(c, v, item)}</section>
        </div>
        ${detail}`,
    });
  });

  app.post(`${BASE}/:caseId/claim`, async (c) => {
    if (!c.get('can').can('merchantAccess', 'ClaimReviewCase')) throw forbidden();
    const session = operatorOf(c);
    const caseId = c.req.param('caseId');
    const body = await c.req.parseBody();
    await c.get('api').merchantAccess.claimReviewCase({ requestId: String(body['request_id'] ?? ''), caseId, reviewerId: session.sub });
    c.get('log').info({ operator: session.sub, rpc: 'ClaimReviewCase', case_id: caseId }, 'operator action');
    return redirectDone(c, `${BASE}/${encodeURIComponent(caseId)}`, c.get('t')('review.claimed', { who: session.sub }));
  });

  app.post(`${BASE}/:caseId/decide`, async (c) => {
    const session = operatorOf(c);
    const caseId = c.req.param('caseId');
    const item = await findCase(c, caseId);
    const body = await c.req.parseBody();
    const requestId = String(body['request_id'] ?? '');
    const note = noteOf(body);
    const t = c.get('t');
    let done: string;
    if (item.kind === ReviewCaseKind.REVIEW_CASE_KIND_APPLICATION) {
      if (!c.get('can').can('merchantAccess', 'DecideReviewCase')) throw forbidden();
      const decision = parseChoice(body, 'decision', [ReviewDecision.REVIEW_DECISION_APPROVE, ReviewDecision.REVIEW_DECISION_APPROVE_WITH_RESTRICTIONS, ReviewDecision.REVIEW_DECISION_REJECT]);
      const response = await c.get('api').merchantAccess.decideReviewCase({ requestId, caseId, reviewerId: session.sub, decision, note });
      done = `${enumLabel(c.get('locale'), ReviewDecision, decision)}${response.merchant ? ` · ${t('review.merchantCreated', { id: response.merchant.merchantId })}` : ''}`;
    } else {
      if (!c.get('can').can('merchantAccess', 'DecideAppeal')) throw forbidden();
      const decision = parseChoice(body, 'decision', [AppealDecision.APPEAL_DECISION_UPHOLD, AppealDecision.APPEAL_DECISION_OVERTURN]);
      await c.get('api').merchantAccess.decideAppeal({ requestId, appealId: item.appealId, reviewerId: session.sub, decision, note });
      done = enumLabel(c.get('locale'), AppealDecision, decision);
    }
    c.get('log').info({ operator: session.sub, rpc: 'Decide', case_id: caseId, request_id: requestId }, 'operator action');
    return redirectDone(c, `${BASE}/${encodeURIComponent(caseId)}`, t('common.done', { what: done }));
  });
};

/** A case by id; NOT_FOUND from the service is the console's 404. */
const findCase = async (c: ConsoleContext, caseId: string): Promise<ReviewCase> => {
  const { reviewCase } = await c.get('api').merchantAccess.getReviewCase({ caseId });
  if (!reviewCase) throw notFound();
  return reviewCase;
};

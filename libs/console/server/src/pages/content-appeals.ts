import {
  AppealOutcome,
  AppealState,
  CreatorStanding,
  PenaltyAction,
  PenaltySource,
  PenaltyState,
  ViolationSeverity,
  type Appeal,
  type CreatorCredit,
  type Penalty,
} from '@govern/contracts-content';
import type { RouteModule } from '../http/app';
import { operatorOf, queryParam, type ConsoleContext } from '../http/context';
import { forbidden, notFound } from '../http/errors';
import { redirectDone, render, viewOf } from '../http/render';
import { enumLabel } from '../i18n/translate';
import { decisionForm, noteOf, parseChoice } from '../views/decision-form';
import { age, enumSelect, flash, html, label, link, numberParam, pager, policyRef, reasonList, time, type Html, type ViewContext } from '../views/html';

const BASE = '/queues/content-appeals';
const STATES = [AppealState.APPEAL_STATE_PENDING, AppealState.APPEAL_STATE_UPHELD, AppealState.APPEAL_STATE_OVERTURNED];

const detailPath = (appeal: Appeal): string => `${BASE}/${encodeURIComponent(appeal.creatorId)}/${encodeURIComponent(appeal.appealId)}`;

/** Pages through a creator's items until `pick` finds one (a creator has few appeals and penalties). */
const findIn = async <T>(fetch: (pageToken: string) => Promise<{ items: T[]; next: string }>, pick: (item: T) => boolean): Promise<T | undefined> => {
  let pageToken = '';
  for (let page = 0; page < 20; page++) {
    const { items, next } = await fetch(pageToken);
    const found = items.find(pick);
    if (found || !next) return found;
    pageToken = next;
  }
  return undefined;
};

export const creditPanel = (v: ViewContext, credit: CreatorCredit | undefined): Html =>
  credit
    ? html`<dl class="facts" data-credit="${String(credit.credit)}">
        <dt>${v.t('creator.credit')}</dt><dd><strong data-credit-value>${String(credit.credit)}</strong> / ${String(credit.maxCredit)}</dd>
        <dt>${v.t('creator.standing')}</dt><dd>${label(v, CreatorStanding, credit.standing)}</dd>
        <dt>${v.t('creator.linking')}</dt><dd>${credit.linkingAllowed ? v.t('common.yes') : v.t('common.no')}${credit.linkingSuspendedUntil ? html` · ${time(v, credit.linkingSuspendedUntil)}` : ''}</dd>
        <dt>${v.t('common.policy')}</dt><dd>${policyRef(credit.policy)}</dd>
      </dl>`
    : html`—`;

export const penaltyFacts = (v: ViewContext, penalty: Penalty): Html => html`<dl class="facts">
    <dt>${v.t('common.id')}</dt><dd><code>${penalty.penaltyId}</code></dd>
    <dt>${v.t('common.status')}</dt><dd data-penalty-state="${PenaltyState[penalty.state] ?? ''}">${label(v, PenaltyState, penalty.state)}</dd>
    <dt>${v.t('review.kind')}</dt><dd>${label(v, PenaltyAction, penalty.action)} · ${label(v, ViolationSeverity, penalty.severity)} · ${label(v, PenaltySource, penalty.source)}</dd>
    <dt>${v.t('common.points')}</dt><dd>−${String(penalty.creditPoints)}</dd>
    <dt>${v.t('common.time')}</dt><dd>${time(v, penalty.imposeTime)}</dd>
    ${penalty.contentId ? html`<dt>${v.t('common.id')}</dt><dd><code>${penalty.contentId}</code></dd>` : ''}
    <dt>${v.t('common.policy')}</dt><dd>${policyRef(penalty.policy)}</dd>
  </dl>
  <h3>${v.t('common.reasons')}</h3>
  ${reasonList(v, penalty.reasons)}`;

const appealRow = (v: ViewContext, appeal: Appeal): Html => html`<tr data-row>
  <td><a href="${detailPath(appeal)}">${appeal.appealId}</a></td>
  <td>${link('creators', appeal.creatorId)}</td>
  <td><code>${appeal.penaltyId}</code></td>
  <td>${label(v, AppealState, appeal.state)}</td>
  <td>${time(v, appeal.fileTime)}</td>
  <td>${appeal.state === AppealState.APPEAL_STATE_PENDING ? age(v, appeal.fileTime) : '—'}</td>
  <td>${appeal.reviewerId || '—'}</td>
  <td>${time(v, appeal.decideTime)}</td>
</tr>`;

/** The appeal (GetAppeal), when it is the creator's of the path; NOT_FOUND from the service is the console's 404. */
const findAppeal = async (c: ConsoleContext, creatorId: string, appealId: string): Promise<Appeal | undefined> => {
  const { appeal } = await c.get('api').content.getAppeal({ appealId });
  return appeal?.creatorId === creatorId ? appeal : undefined;
};

/** Content appeals: creators contest penalties; an overturn restores tier, credit and links. */
export const contentAppealRoutes: RouteModule = (app) => {
  app.get(BASE, async (c) => {
    if (!c.get('can').can('content', 'ListAppeals')) throw forbidden();
    const v = viewOf(c);
    const stateParam = c.req.query('state');
    const state = stateParam === undefined ? AppealState.APPEAL_STATE_PENDING : numberParam(stateParam, STATES);
    const creatorId = queryParam(c, 'creator');
    const page = queryParam(c, 'page', 512);
    const response = await c.get('api').content.listAppeals({ pageSize: 50, pageToken: page, state, creatorId });
    return render(c, {
      title: v.t('appeal.title'),
      active: 'contentAppeals',
      body: html`<form method="get" class="filters" role="search">
          ${enumSelect(v, 'state', v.t('common.status'), AppealState, state, STATES)}
          <label>${v.t('common.creator')} <input type="search" name="creator" value="${creatorId}" data-search /></label>
          <button type="submit">${v.t('common.filter')}</button>
        </form>
        <p class="muted">${v.t('common.shortcuts', { keys: 'j / k, Enter, n, /' })}</p>
        <table data-queue="content-appeals">
          <caption class="visually-hidden">${v.t('appeal.title')}</caption>
          <thead><tr>
            <th scope="col">${v.t('common.id')}</th><th scope="col">${v.t('common.creator')}</th><th scope="col">${v.t('appeal.penalty')}</th>
            <th scope="col">${v.t('common.status')}</th><th scope="col">${v.t('common.filedAt')}</th><th scope="col">${v.t('common.age')}</th>
            <th scope="col">${v.t('common.decidedBy')}</th><th scope="col">${v.t('common.decidedAt')}</th>
          </tr></thead>
          <tbody>${response.appeals.map((appeal) => appealRow(v, appeal))}</tbody>
        </table>
        ${response.appeals.length === 0 ? html`<p class="muted">${v.t('common.empty')}</p>` : ''}
        ${pager(v, BASE, { state: String(state || ''), creator: creatorId }, response.nextPageToken, page === '')}`,
    });
  });

  app.get(`${BASE}/:creatorId/:appealId`, async (c) => {
    const can = c.get('can');
    if (!can.can('content', 'GetAppeal')) throw forbidden();
    const v = viewOf(c);
    const api = c.get('api');
    const { creatorId, appealId } = c.req.param();
    const appeal = await findAppeal(c, creatorId, appealId);
    if (!appeal) throw notFound();
    const [penalty, credit] = await Promise.all([
      can.can('content', 'ListPenalties')
        ? findIn(
            (pageToken) => api.content.listPenalties({ pageSize: 100, pageToken, creatorId, contentId: '', state: 0 }).then((r) => ({ items: r.penalties, next: r.nextPageToken })),
            (p) => p.penaltyId === appeal.penaltyId,
          )
        : undefined,
      can.can('content', 'GetCreatorCredit') ? api.content.getCreatorCredit({ creatorId }).then((r) => r.creatorCredit) : undefined,
    ]);
    const session = operatorOf(c);
    const pending = appeal.state === AppealState.APPEAL_STATE_PENDING;
    const decide = !pending
      ? html``
      : can.can('content', 'DecideAppeal')
        ? decisionForm(v, session, `${detailPath(appeal)}/decide`, 'outcome', [
            { value: AppealOutcome.APPEAL_OUTCOME_OVERTURN, text: v.t('appeal.overturn'), key: 'o' },
            { value: AppealOutcome.APPEAL_OUTCOME_UPHOLD, text: v.t('appeal.uphold'), key: 'u' },
          ])
        : html`<p class="muted" data-read-only>${v.t('common.readOnly')}</p>`;
    return render(c, {
      title: `${v.t('appeal.title')} · ${appeal.appealId}`,
      active: 'contentAppeals',
      body: html`${flash(c.req.query('done'))}
        <p><a href="${BASE}">← ${v.t('common.back')}</a></p>
        <div class="grid">
          <section class="panel" aria-labelledby="appeal-h">
            <h2 id="appeal-h">${label(v, AppealState, appeal.state)}</h2>
            <dl class="facts">
              <dt>${v.t('common.creator')}</dt><dd>${link('creators', appeal.creatorId)}</dd>
              <dt>${v.t('common.filedAt')}</dt><dd>${time(v, appeal.fileTime)}</dd>
              <dt>${v.t('common.statement')}</dt><dd>${appeal.statement}</dd>
              <dt>${v.t('common.evidence')}</dt><dd>${appeal.evidenceRefs.join(', ') || '—'}</dd>
              ${pending
                ? ''
                : html`<dt>${v.t('common.decidedBy')}</dt><dd data-decided-by>${appeal.reviewerId}</dd>
                    <dt>${v.t('common.decidedAt')}</dt><dd>${time(v, appeal.decideTime)}</dd>
                    <dt>${v.t('common.note')}</dt><dd>${appeal.decisionNote || '—'}</dd>`}
            </dl>
          </section>
          <section aria-label="${v.t('common.actions')}">${decide}</section>
        </div>
        <div class="grid">
          <section class="panel" aria-labelledby="penalty-h"><h2 id="penalty-h">${v.t('appeal.penalty')}</h2>${penalty ? penaltyFacts(v, penalty) : html`<code>${appeal.penaltyId}</code>`}</section>
          <section class="panel" aria-labelledby="credit-h"><h2 id="credit-h">${v.t('appeal.credit')}</h2>${creditPanel(v, credit)}</section>
        </div>`,
    });
  });

  app.post(`${BASE}/:creatorId/:appealId/decide`, async (c) => {
    if (!c.get('can').can('content', 'DecideAppeal')) throw forbidden();
    const session = operatorOf(c);
    const { creatorId, appealId } = c.req.param();
    const body = await c.req.parseBody();
    const outcome = parseChoice(body, 'outcome', [AppealOutcome.APPEAL_OUTCOME_UPHOLD, AppealOutcome.APPEAL_OUTCOME_OVERTURN]);
    const requestId = String(body['request_id'] ?? '');
    await c.get('api').content.decideAppeal({ requestId, appealId, outcome, reviewerId: session.sub, note: noteOf(body) });
    c.get('log').info({ operator: session.sub, rpc: 'content.DecideAppeal', appeal_id: appealId, request_id: requestId }, 'operator action');
    return redirectDone(c, `${BASE}/${encodeURIComponent(creatorId)}/${encodeURIComponent(appealId)}`, c.get('t')('common.done', { what: enumLabel(c.get('locale'), AppealOutcome, outcome) }));
  });
};

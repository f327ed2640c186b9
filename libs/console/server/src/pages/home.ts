import { AppealState } from '@govern/contracts-content';
import { ReviewCaseStatus } from '@govern/contracts-merchant-access';
import { BanStatus } from '@govern/contracts-product-quality';
import type { RouteModule } from '../http/app';
import type { ConsoleContext } from '../http/context';
import { render, viewOf } from '../http/render';
import { html, type Html, type ViewContext } from '../views/html';
import { navItem, type NavKey } from '../views/layout';
import { lookupForm } from './lookups';

const PAGE = 100;

interface QueueCount {
  key: NavKey;
  count: () => Promise<{ open: number; more: boolean; overdue?: number }>;
}

const queues = (c: ConsoleContext): QueueCount[] => {
  const api = c.get('api');
  return [
    {
      key: 'reviewCases',
      count: async () => {
        const [open, overdue] = await Promise.all([
          api.merchantAccess.listReviewCases({ pageSize: PAGE, pageToken: '', status: ReviewCaseStatus.REVIEW_CASE_STATUS_OPEN, kind: 0, assigneeId: '', overdueOnly: false }),
          api.merchantAccess.listReviewCases({ pageSize: PAGE, pageToken: '', status: ReviewCaseStatus.REVIEW_CASE_STATUS_UNSPECIFIED, kind: 0, assigneeId: '', overdueOnly: true }),
        ]);
        return { open: open.reviewCases.length, more: open.nextPageToken !== '', overdue: overdue.reviewCases.filter((item) => item.status !== ReviewCaseStatus.REVIEW_CASE_STATUS_DECIDED).length };
      },
    },
    {
      key: 'contentAppeals',
      count: async () => {
        const response = await api.content.listAppeals({ pageSize: PAGE, pageToken: '', state: AppealState.APPEAL_STATE_PENDING, creatorId: '' });
        return { open: response.appeals.length, more: response.nextPageToken !== '' };
      },
    },
    {
      key: 'banAppeals',
      count: async () => {
        const response = await api.productQuality.listBans({ pageSize: PAGE, pageToken: '', merchantId: '', productId: '', status: BanStatus.BAN_STATUS_UNDER_APPEAL, cause: 0 });
        return { open: response.bans.length, more: response.nextPageToken !== '' };
      },
    },
  ];
};

const card = (v: ViewContext, key: NavKey, result: PromiseSettledResult<{ open: number; more: boolean; overdue?: number }>): Html => {
  const item = navItem(key);
  return html`<div class="card" data-card="${key}">
    <h2><a href="${item.href}">${v.t(item.label)}</a></h2>
    ${result.status === 'fulfilled'
      ? html`<p><strong data-count>${result.value.more ? `${result.value.open}+` : String(result.value.open)}</strong> · ${v.t('home.open')}</p>
          ${result.value.overdue ? html`<p class="sla sla-overdue">${v.t('home.overdue', { count: result.value.overdue })}</p>` : ''}`
      : html`<p class="muted">—</p>`}
  </div>`;
};

export const homeRoutes: RouteModule = (app) => {
  app.get('/', async (c) => {
    const v = viewOf(c);
    const can = c.get('can');
    const visible = queues(c).filter((queue) => navItem(queue.key).visible(can));
    const results = await Promise.allSettled(visible.map((queue) => queue.count()));
    const others: NavKey[] = ['ipComplaints', 'disputes', 'live', 'fund', 'report'];
    return render(c, {
      title: v.t('home.title'),
      active: 'home',
      body: html`<h2>${v.t('home.queues')}</h2>
        <div class="cards">
          ${visible.map((queue, i) => card(v, queue.key, results[i] as PromiseSettledResult<{ open: number; more: boolean; overdue?: number }>))}
          ${others
            .map(navItem)
            .filter((item) => item.visible(can))
            .map((item) => html`<div class="card"><h2><a href="${item.href}">${v.t(item.label)}</a></h2></div>`)}
        </div>
        <h2>${v.t('home.lookup')}</h2>
        ${lookupForm(v, 'merchants', '')}`,
    });
  });
};

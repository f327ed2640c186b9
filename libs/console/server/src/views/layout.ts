import type { Permissions } from '../auth/permissions';
import type { Session } from '../auth/session';
import type { MessageKey } from '../i18n/messages.zh';
import { roleLabel } from '../i18n/translate';
import type { Assets } from './assets';
import { formGuards, html, time, type Html, type ViewContext } from './html';

export type NavKey = 'home' | 'reviewCases' | 'contentAppeals' | 'banAppeals' | 'ipComplaints' | 'disputes' | 'live' | 'lookup' | 'fund' | 'report';

interface NavItem {
  key: NavKey;
  href: string;
  label: MessageKey;
  /** Shown only to operators whose roles allow the page's main read. */
  visible(can: Permissions): boolean;
}

export const NAV: readonly NavItem[] = [
  { key: 'home', href: '/', label: 'nav.home', visible: () => true },
  { key: 'reviewCases', href: '/queues/review-cases', label: 'nav.reviewCases', visible: (can) => can.can('merchantAccess', 'ListReviewCases') },
  { key: 'contentAppeals', href: '/queues/content-appeals', label: 'nav.contentAppeals', visible: (can) => can.can('content', 'ListAppeals') },
  { key: 'banAppeals', href: '/queues/ban-appeals', label: 'nav.banAppeals', visible: (can) => can.can('productQuality', 'ListBans') && can.can('productQuality', 'GetBanAppeal') },
  { key: 'ipComplaints', href: '/queues/ip-complaints', label: 'nav.ipComplaints', visible: (can) => can.can('productQuality', 'ListBans') && can.can('productQuality', 'GetIpComplaint') },
  { key: 'disputes', href: '/queues/disputes', label: 'nav.disputes', visible: (can) => can.can('consumerExperience', 'ListAfterSales') },
  { key: 'live', href: '/live', label: 'nav.live', visible: (can) => can.can('content', 'GetLivestream') && can.can('content', 'ListContentItems') },
  { key: 'lookup', href: '/lookup', label: 'nav.lookup', visible: () => true },
  { key: 'fund', href: '/fund', label: 'nav.fund', visible: (can) => can.can('consumerExperience', 'GetFundLedger') },
  {
    key: 'report',
    href: '/report',
    label: 'nav.report',
    visible: (can) =>
      can.can('content', 'GetGovernanceStats') &&
      can.can('productQuality', 'GetGovernanceStats') &&
      can.can('merchantAccess', 'GetGovernanceStats') &&
      can.can('consumerExperience', 'GetGovernanceStats'),
  },
];

export const navItem = (key: NavKey): NavItem => NAV.find((item) => item.key === key) as NavItem;

export interface PageChrome {
  view: ViewContext;
  assets: Assets;
  session: Session | undefined;
  can: Permissions;
  /** The current path and query, for the language switch to come back to. */
  path: string;
}

export const layout = (chrome: PageChrome, page: { title: string; active?: NavKey; body: Html }): Html => {
  const { view: v, session, can, assets } = chrome;
  const t = v.t;
  const other = v.locale === 'zh-CN' ? 'en' : 'zh-CN';
  return html`<!doctype html>
    <html lang="${v.locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${page.title} · ${t('app.name')}</title>
        <link rel="stylesheet" href="${assets.cssUrl}" />
        <script src="${assets.jsUrl}" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">${t('app.skip')}</a>
        <header class="top">
          <a class="brand" href="/">${t('app.name')}</a>
          ${session
            ? html`<nav aria-label="${t('nav.main')}">
                <ul>
                  ${NAV.filter((item) => item.visible(can)).map(
                    (item) =>
                      html`<li><a href="${item.href}" ${item.key === page.active ? html`aria-current="page"` : ''}>${t(item.label)}</a></li>`,
                  )}
                </ul>
              </nav>`
            : ''}
          <div class="who">
            <a class="lang" href="/lang/${other}?back=${encodeURIComponent(chrome.path)}" lang="${other}" hreflang="${other}" aria-label="${t('lang.label')}: ${t('lang.switch')}"
              >${t('lang.switch')}</a
            >
            ${session
              ? html`<span class="user" data-subject="${session.sub}"
                    >${t('user.signedInAs')} <strong>${session.name ?? session.sub}</strong> (${session.sub}) ·
                    <span data-roles="${session.roles.join(' ')}">${session.roles.map((role) => roleLabel(t, role)).join('、') || '—'}</span></span
                  >
                  <small class="muted">${t('user.sessionUntil')}${time(v, new Date(session.exp * 1000))}</small>
                  <form method="post" action="/sign-out" class="inline">
                    ${formGuards(session)}
                    <button type="submit">${t('user.signOut')}</button>
                  </form>`
              : ''}
          </div>
        </header>
        <main id="main" tabindex="-1">
          <h1>${page.title}</h1>
          ${page.body}
        </main>
      </body>
    </html>`;
};

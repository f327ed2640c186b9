import { streamSSE } from 'hono/streaming';
import { LivestreamActionKind, LivestreamState, type Livestream } from '@govern/contracts-content';
import type { RouteModule } from '../http/app';
import { operatorOf } from '../http/context';
import { forbidden } from '../http/errors';
import { render, viewOf } from '../http/render';
import { formatNumber, formatTime } from '../i18n/locale';
import { enumLabel } from '../i18n/translate';
import { html, type ViewContext } from '../views/html';
import { discoverLivestreams } from '../live/live-hub';

const WATCH = /^[A-Za-z0-9._:-]{1,128}$/;

/** The cells of a row, as text: the same for the first render and every pushed update. */
export const liveCells = (v: ViewContext, livestream: Livestream): Record<string, string> => ({
  id: livestream.livestreamId,
  creator: livestream.creatorId,
  title: livestream.title,
  state: enumLabel(v.locale, LivestreamState, livestream.state),
  level: enumLabel(v.locale, LivestreamActionKind, livestream.level),
  traffic: formatNumber(v.locale, livestream.trafficWeight, 2),
  warnings: String(livestream.warnings),
  action: livestream.reasons.map((r) => `${r.code} ${r.message}`).join('；') || '—',
  started: formatTime(v.locale, v.timeZone, livestream.startTime),
});

const COLUMNS = ['id', 'creator', 'title', 'state', 'level', 'traffic', 'warnings', 'action', 'started'] as const;

const watchList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => WATCH.test(id))
    .slice(0, 20);

/** Livestreams on air with their latest governance action, updated in place by server-sent events. */
export const liveRoutes: RouteModule = (app, deps) => {
  const allowed = (can: { can: (s: 'content', rpc: 'GetLivestream' | 'ListLivestreams') => boolean }) => can.can('content', 'GetLivestream') && can.can('content', 'ListLivestreams');

  app.get('/live', async (c) => {
    if (!allowed(c.get('can'))) throw forbidden();
    const v = viewOf(c);
    const watch = watchList(c.req.query('watch'));
    const livestreams = await discoverLivestreams(c.get('api'), watch);
    const headers = {
      id: v.t('common.id'),
      creator: v.t('common.creator'),
      title: v.t('live.titleColumn'),
      state: v.t('common.status'),
      level: v.t('live.level'),
      traffic: v.t('live.traffic'),
      warnings: v.t('live.warnings'),
      action: v.t('live.lastAction'),
      started: v.t('live.started'),
    };
    const row = (cells: Record<string, string> | undefined, level: string) => html`<tr data-livestream="${cells?.['id'] ?? ''}" data-level="${level}">
      ${COLUMNS.map((name) =>
        name === 'id'
          ? html`<th scope="row"><a data-cell="id" href="/live?watch=${encodeURIComponent(cells?.['id'] ?? '')}">${cells?.['id'] ?? ''}</a></th>`
          : html`<td data-cell="${name}" ${name === 'level' ? html`class="level-${level}"` : ''}>${cells?.[name] ?? ''}</td>`,
      )}
    </tr>`;
    return render(c, {
      title: v.t('live.title'),
      active: 'live',
      body: html`<p class="muted">${v.t('live.hint', { seconds: formatNumber(v.locale, deps.livePollMs / 1000, 1) })}</p>
        <form method="get" class="filters" role="search">
          <label>${v.t('live.watch')} <input type="search" name="watch" value="${watch.join(',')}" data-search /></label>
          <button type="submit">${v.t('common.filter')}</button>
        </form>
        <p id="live-status" role="status" aria-live="polite" data-connected="${v.t('live.connected')}" data-disconnected="${v.t('live.disconnected')}"></p>
        <table data-live-stream="/live/events${watch.length > 0 ? `?watch=${encodeURIComponent(watch.join(','))}` : ''}">
          <caption class="visually-hidden">${v.t('live.title')}</caption>
          <thead><tr>${COLUMNS.map((name) => html`<th scope="col">${headers[name]}</th>`)}</tr></thead>
          <tbody>${livestreams.map((ls) => row(liveCells(v, ls), LivestreamActionKind[ls.level] ?? ''))}</tbody>
        </table>
        <p id="live-empty" class="muted" ${livestreams.length > 0 ? 'hidden' : ''}>${v.t('live.none')}</p>
        <template id="live-row">${row(undefined, '')}</template>`,
    });
  });

  app.get('/live/events', (c) => {
    if (!allowed(c.get('can'))) throw forbidden();
    const session = operatorOf(c);
    const v = viewOf(c);
    const api = c.get('api');
    const watch = watchList(c.req.query('watch'));
    return streamSSE(c, async (stream) => {
      const aborted = new AbortController();
      stream.onAbort(() => aborted.abort());
      const outcome = await deps.live.run(
        api,
        (snapshot) =>
          stream.writeSSE({
            event: 'livestream',
            data: JSON.stringify({
              id: snapshot.livestream.livestreamId,
              live: snapshot.live,
              level: LivestreamActionKind[snapshot.livestream.level] ?? '',
              cells: liveCells(v, snapshot.livestream),
            }),
          }),
        { signal: aborted.signal, watch, until: new Date(session.exp * 1000) },
      );
      // The token ended: the page reloads and meets the sign-in page.
      if (outcome === 'expired') await stream.writeSSE({ event: 'session-ended', data: '{}' });
    });
  });
};

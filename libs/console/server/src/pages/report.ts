import type { ReportLine } from '@govern/platform-clients';
import type { RouteModule } from '../http/app';
import type { ConsoleContext } from '../http/context';
import { forbidden } from '../http/errors';
import { render, viewOf } from '../http/render';
import { reportFigureLabel } from '../i18n/translate';
import { chart, formatValue } from '../report/chart';
import { addDays, dateIn, MAX_BUCKETS, periodOf, type Granularity, type Period } from '../report/period';
import { fetchReportSeries, reportCsv, type ReportSeries } from '../report/series';
import { html, type Html, type ViewContext } from '../views/html';
import { navItem } from '../views/layout';

const PILLARS: readonly ReportLine['pillar'][] = ['content', 'products', 'merchants', 'service'];
const DEFAULT_DAYS = 14;

const periodFrom = (c: ConsoleContext): { result: ReturnType<typeof periodOf>; query: Record<string, string> } => {
  const timeZone = c.get('timeZone');
  const today = dateIn(new Date(), timeZone);
  const fromDate = c.req.query('from') || addDays(today, -(DEFAULT_DAYS - 1));
  const toDate = c.req.query('to') || today;
  const granularity: Granularity = c.req.query('per') === 'week' ? 'week' : 'day';
  return { result: periodOf(fromDate.slice(0, 10), toDate.slice(0, 10), granularity, timeZone), query: { from: fromDate.slice(0, 10), to: toDate.slice(0, 10), per: granularity } };
};

const picker = (v: ViewContext, query: Record<string, string>): Html => html`<form method="get" class="filters" aria-label="${v.t('report.title')}">
  <label>${v.t('report.from')} <input type="date" name="from" value="${query['from'] ?? ''}" required /></label>
  <label>${v.t('report.to')} <input type="date" name="to" value="${query['to'] ?? ''}" required /></label>
  <label>${v.t('report.granularity')}
    <select name="per">
      <option value="day" ${query['per'] === 'day' ? 'selected' : ''}>${v.t('report.day')}</option>
      <option value="week" ${query['per'] === 'week' ? 'selected' : ''}>${v.t('report.week')}</option>
    </select>
  </label>
  <button type="submit">${v.t('report.apply')}</button>
</form>`;

const pillarSection = (v: ViewContext, pillar: ReportLine['pillar'], series: ReportSeries, period: Period): Html => {
  const indexes = series.totals.lines.map((line, index) => ({ line, index })).filter(({ line }) => line.pillar === pillar);
  const labels = period.buckets.map((b) => b.label);
  const per = period.granularity === 'day' ? v.t('report.day') : v.t('report.week');
  return html`<section aria-labelledby="pillar-${pillar}">
    <h2 id="pillar-${pillar}">${v.t(`pillar.${pillar}`)}</h2>
    <table data-report-totals="${pillar}">
      <thead><tr><th scope="col">${v.t('report.figure')}</th><th scope="col" class="num">${v.t('report.value')}</th><th scope="col">${v.t('report.source')}</th></tr></thead>
      <tbody>
        ${indexes.map(
          ({ line }) => html`<tr data-figure="${line.figure}" data-value="${String(line.value)}">
            <th scope="row">${reportFigureLabel(v.locale, line.figure)}</th><td class="num">${formatValue(v.locale, line.unit, line.value)}</td><td><code>${line.source}</code></td>
          </tr>`,
        )}
      </tbody>
    </table>
    <div class="charts">
      ${indexes.map(({ line, index }) => {
        const values = series.buckets.map((report) => report.lines[index]?.value ?? 0);
        const title = reportFigureLabel(v.locale, line.figure);
        return html`<figure data-chart="${line.figure}">
          <figcaption>${title}</figcaption>
          ${chart({
            id: `chart-${pillar}-${index}`,
            title: v.t('report.chartOf', { figure: title, granularity: per }),
            description: labels.map((label, i) => `${label}: ${formatValue(v.locale, line.unit, values[i] ?? 0)}`).join('; '),
            unit: line.unit,
            labels,
            values,
            locale: v.locale,
          })}
        </figure>`;
      })}
    </div>
  </section>`;
};

/** The governance report: totals in the source document's categories, per-day or per-week charts, CSV and JSON export. */
export const reportRoutes: RouteModule = (app) => {
  const allowed = (c: ConsoleContext): boolean => navItem('report').visible(c.get('can'));

  app.get('/report', async (c) => {
    if (!allowed(c)) throw forbidden();
    const v = viewOf(c);
    const { result, query } = periodFrom(c);
    if (!result.ok) {
      const message = result.problem === 'buckets' ? v.t('report.tooManyBuckets', { max: MAX_BUCKETS }) : v.t('error.invalid');
      return render(c, { title: v.t('report.title'), active: 'report', body: html`${picker(v, query)}<p class="error" role="alert">${message}</p>` }, 400);
    }
    const series = await fetchReportSeries(c.get('api'), result.period);
    const exportQuery = new URLSearchParams(query).toString();
    return render(c, {
      title: v.t('report.title'),
      active: 'report',
      body: html`${picker(v, query)}
        <p class="muted" data-window-from="${series.totals.window.from}" data-window-to="${series.totals.window.to}">
          ${series.totals.window.from} → ${series.totals.window.to} (${c.get('timeZone')}) · ${v.t('report.sameAsCli')}
        </p>
        <p>${v.t('report.export')}: <a href="/report.csv?${exportQuery}" download>CSV</a> · <a href="/report.json?${exportQuery}" download>JSON</a></p>
        ${PILLARS.map((pillar) => pillarSection(v, pillar, series, result.period))}`,
    });
  });

  const exported = async (c: ConsoleContext): Promise<{ series: ReportSeries; period: Period } | undefined> => {
    if (!allowed(c)) throw forbidden();
    const { result } = periodFrom(c);
    if (!result.ok) return undefined;
    return { series: await fetchReportSeries(c.get('api'), result.period), period: result.period };
  };

  app.get('/report.json', async (c) => {
    const data = await exported(c);
    if (!data) return c.json({ error: 'invalid period' }, 400);
    c.header('content-disposition', `attachment; filename="govern-report-${data.period.fromDate}-${data.period.toDate}.json"`);
    return c.json({
      timeZone: c.get('timeZone'),
      granularity: data.period.granularity,
      totals: data.series.totals,
      buckets: data.period.buckets.map((bucket, i) => ({ label: bucket.label, report: data.series.buckets[i] })),
    });
  });

  app.get('/report.csv', async (c) => {
    const data = await exported(c);
    if (!data) return c.text('invalid period', 400);
    c.header('content-disposition', `attachment; filename="govern-report-${data.period.fromDate}-${data.period.toDate}.csv"`);
    return c.body(reportCsv(data.series), 200, { 'content-type': 'text/csv; charset=utf-8' });
  });
};

import { fetchPlatformReport, type PlatformReport, type ReportClients } from '@govern/platform-clients';
import type { Period } from './period';

/**
 * The report of a period and of each of its buckets, every one built by `fetchPlatformReport`
 * (the code `govern report --json` runs), with the operator's own clients.
 */
export interface ReportSeries {
  /** The whole period: what `govern report --json --from <from> --to <to>` prints. */
  totals: PlatformReport;
  /** One report per bucket, in order. */
  buckets: PlatformReport[];
}

/** Buckets fetched at once at most (each is four GetGovernanceStats calls). */
const CONCURRENCY = 4;

export const fetchReportSeries = async (clients: ReportClients, period: Period): Promise<ReportSeries> => {
  const buckets: PlatformReport[] = new Array(period.buckets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < period.buckets.length) {
      const index = next++;
      const bucket = period.buckets[index];
      if (bucket) buckets[index] = await fetchPlatformReport(clients, { from: bucket.from, to: bucket.to });
    }
  };
  const [totals] = await Promise.all([fetchPlatformReport(clients, { from: period.from, to: period.to }), ...Array.from({ length: CONCURRENCY }, worker)]);
  return { totals, buckets };
};

const csvField = (value: string | number): string => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** One row per figure and window: the period totals first (bucket "total"), then each bucket. */
export const reportCsv = (series: ReportSeries): string => {
  const rows: (string | number)[][] = [['bucket', 'from', 'to', 'pillar', 'figure', 'value', 'unit', 'source']];
  const add = (bucket: string, report: PlatformReport): void => {
    for (const line of report.lines) rows.push([bucket, report.window.from, report.window.to, line.pillar, line.figure, line.value, line.unit, line.source]);
  };
  add('total', series.totals);
  series.buckets.forEach((report, i) => add(String(i + 1), report));
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
};

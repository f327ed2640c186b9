import { describe, expect, it } from 'vitest';
import { renderReportTable, type PlatformReport, type ReportLine } from './platform-report';

/** Where the figures come from is platform-clients' concern (its spec); here only how they print. */
const serviceLine = (figure: string, value: number, unit: ReportLine['unit']): ReportLine => ({ pillar: 'service', figure, value, unit, source: 'consumer-experience' });

describe('platform report', () => {
  const report: PlatformReport = {
    window: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
    lines: [
      serviceLine('fast-refund share of pre-dispatch after-sales', 0.94, 'share'),
      serviceLine('orders dispatched within 48 h', 0.875, 'share'),
      serviceLine('compensation paid in advance', 1234.56, 'yuan'),
      serviceLine('complaints', 9, 'count'),
    ],
  };

  it('prints shares as percentages and money in yuan', () => {
    const table = renderReportTable(report);
    expect(table).toMatch(/fast-refund share of pre-dispatch after-sales\s+94\.0%/);
    expect(table).toMatch(/orders dispatched within 48 h\s+87\.5%/);
    expect(table).toMatch(/compensation paid in advance\s+¥1,234\.56/);
  });
});

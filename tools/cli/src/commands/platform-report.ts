import type { PlatformReport, ReportLine } from '@govern/platform-clients';

/** The report builder lives in @govern/platform-clients (the operator console charts the same figures). */
export { buildPlatformReport, fetchPlatformReport, type PlatformReport, type ReportLine } from '@govern/platform-clients';

const formatValue = (line: ReportLine): string => {
  if (line.unit === 'share') return `${(line.value * 100).toFixed(1)}%`;
  if (line.unit === 'yuan') return `¥${line.value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return line.value.toLocaleString('en-US');
};

const PILLAR_TITLES: Record<ReportLine['pillar'], string> = {
  content: 'Good content',
  products: 'Good products',
  merchants: 'Merchant access',
  service: 'Good service',
};

export const renderReportTable = (report: PlatformReport): string => {
  const width = Math.max(...report.lines.map((l) => l.figure.length));
  const out = [`Govern platform report  ${report.window.from} → ${report.window.to}`, ''];
  for (const pillar of ['content', 'products', 'merchants', 'service'] as const) {
    out.push(PILLAR_TITLES[pillar]);
    for (const line of report.lines.filter((l) => l.pillar === pillar)) {
      out.push(`  ${line.figure.padEnd(width)}  ${formatValue(line).padStart(14)}   (${line.source})`);
    }
    out.push('');
  }
  return out.join('\n');
};

import type { ReportLine } from '@govern/platform-clients';
import { formatFen, formatNumber, formatShare, type Locale } from '../i18n/locale';
import { html, raw, type Html } from '../views/html';

/**
 * A small chart of one report figure over the period's buckets, drawn as SVG on the server:
 * bars for counts and money, a line for shares. A few dozen points per chart do not need a
 * charting library (nor client code); every point carries its value (title, data-value) and
 * the page also shows the numbers as a table.
 */
const W = 360;
const H = 150;
const LEFT = 64;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 24;

const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export const formatValue = (locale: Locale, unit: ReportLine['unit'], value: number): string =>
  unit === 'share' ? formatShare(locale, value) : unit === 'yuan' ? formatFen(locale, Math.round(value * 100)) : formatNumber(locale, value);

/** A "nice" axis maximum (1, 2, 5 × 10^n) at or above the largest value. */
export const niceMax = (max: number, unit: ReportLine['unit']): number => {
  if (unit === 'share') return 1;
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= max) ?? 10 * power) as number;
};

export const chart = (options: { id: string; title: string; description: string; unit: ReportLine['unit']; labels: readonly string[]; values: readonly number[]; locale: Locale }): Html => {
  const { unit, labels, values, locale } = options;
  const top = niceMax(Math.max(0, ...values), unit);
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const step = plotW / Math.max(1, values.length);
  const y = (value: number): number => TOP + plotH - (Math.max(0, value) / top) * plotH;
  const marks: string[] = [];
  marks.push(`<line class="grid" x1="${LEFT}" y1="${TOP}" x2="${W - RIGHT}" y2="${TOP}"/>`);
  marks.push(`<line class="grid" x1="${LEFT}" y1="${y(top / 2)}" x2="${W - RIGHT}" y2="${y(top / 2)}"/>`);
  marks.push(`<line class="axis" x1="${LEFT}" y1="${TOP + plotH}" x2="${W - RIGHT}" y2="${TOP + plotH}"/>`);
  // Axis labels without cents: "¥1,000", not "¥1,000.00".
  const axisLabel = unit === 'yuan' ? `¥${formatNumber(locale, top)}` : formatValue(locale, unit, top);
  marks.push(`<text x="${LEFT - 4}" y="${TOP + 4}" text-anchor="end">${escapeXml(axisLabel)}</text>`);
  marks.push(`<text x="${LEFT - 4}" y="${TOP + plotH}" text-anchor="end">0</text>`);
  if (unit === 'share') {
    const points = values.map((value, i) => `${(LEFT + step * (i + 0.5)).toFixed(1)},${y(value).toFixed(1)}`);
    if (points.length > 1) marks.push(`<polyline class="line" points="${points.join(' ')}"/>`);
    values.forEach((value, i) => {
      marks.push(
        `<circle class="bar" data-point data-bucket="${escapeXml(labels[i] ?? '')}" data-value="${value}" cx="${(LEFT + step * (i + 0.5)).toFixed(1)}" cy="${y(value).toFixed(1)}" r="3"><title>${escapeXml(`${labels[i]}: ${formatValue(locale, unit, value)}`)}</title></circle>`,
      );
    });
  } else {
    const barW = Math.max(1, step * 0.7);
    values.forEach((value, i) => {
      const height = TOP + plotH - y(value);
      marks.push(
        `<rect class="bar" data-point data-bucket="${escapeXml(labels[i] ?? '')}" data-value="${value}" x="${(LEFT + step * i + (step - barW) / 2).toFixed(1)}" y="${y(value).toFixed(1)}" width="${barW.toFixed(1)}" height="${height.toFixed(1)}"><title>${escapeXml(`${labels[i]}: ${formatValue(locale, unit, value)}`)}</title></rect>`,
      );
    });
  }
  if (labels.length > 0) {
    marks.push(`<text x="${LEFT}" y="${H - 6}">${escapeXml(labels[0] ?? '')}</text>`);
    if (labels.length > 1) marks.push(`<text x="${W - RIGHT}" y="${H - 6}" text-anchor="end">${escapeXml(labels[labels.length - 1] ?? '')}</text>`);
  }
  return html`<svg class="chart" id="${options.id}" role="img" aria-labelledby="${options.id}-t ${options.id}-d" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg">
    <title id="${options.id}-t">${options.title}</title>
    <desc id="${options.id}-d">${options.description}</desc>
    ${raw(marks.join(''))}
  </svg>`;
};

import { describe, expect, it } from 'vitest';
import { buildSummary, renderSummary, Tally } from './summary';

const run = { seed: 1, scale: 'demo', ordersPlanned: 300, idPrefix: 'sim1', durationMs: 12_345, calls: 1_234, concurrency: 16, settle: { settled: true, waitedMs: 2_100 }, phases: [{ name: 'orders', ms: 9_000, calls: 1_000 }] };

describe('the simulation summary', () => {
  it('prints sections and lines in a fixed order, whatever order the answers came in', () => {
    const a = new Tally();
    const b = new Tally();
    const events: [Parameters<Tally['add']>[0], string][] = [
      ['service', ' recorded'],
      ['merchants', ' approved'],
      ['service', 'orders sent'],
      ['merchants', 'applications sent'],
      ['content', 'a label the layout does not know'],
    ];
    for (const [section, label] of events) a.add(section, label);
    for (const [section, label] of [...events].reverse()) b.add(section, label);
    expect(renderSummary(a, buildSummary(a, run))).toBe(renderSummary(b, buildSummary(b, run)));
    const text = renderSummary(a, buildSummary(a, run));
    expect(text.indexOf('Merchant access')).toBeLessThan(text.indexOf('Content'));
    expect(text.indexOf('applications sent')).toBeLessThan(text.indexOf('approved'));
    expect(text.indexOf('orders sent')).toBeLessThan(text.indexOf('recorded'));
    expect(text).toMatch(/\n {4}approved\s+1\n/);
  });

  it('lists what the platform refused, and says whether it settled', () => {
    const tally = new Tally();
    tally.error('RecordOrder', 'INVALID_ARGUMENT', 'ORDER.PRE_SALE_TOO_LONG');
    tally.error('RecordOrder', 'INVALID_ARGUMENT', 'ORDER.PRE_SALE_TOO_LONG');
    const settled = renderSummary(tally, buildSummary(tally, run));
    expect(settled).toMatch(/RecordOrder INVALID_ARGUMENT ORDER\.PRE_SALE_TOO_LONG\s+2/);
    expect(settled).toContain('settled');
    const moving = renderSummary(tally, buildSummary(tally, { ...run, settle: { settled: false, waitedMs: 60_000 } }));
    expect(moving).toContain('still changing 60.0 s after the last call');
  });

  it('gives JSON with trimmed labels per section', () => {
    const tally = new Tally();
    tally.add('products', 'listings sent', 3);
    tally.add('products', '  "three-no" goods');
    const summary = buildSummary(tally, run);
    expect(summary.sections.products).toEqual({ 'listings sent': 3, '"three-no" goods': 1 });
    expect(summary.sections.content).toEqual({});
    expect(summary.errors).toEqual({});
  });
});

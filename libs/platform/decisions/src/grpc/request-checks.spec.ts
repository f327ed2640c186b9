import { describe, expect, it } from 'vitest';
import { ValidationError } from '@govern/policy-core';
import { OpsChecks, pageTokenAfter } from './request-checks';

const violations = (run: (checks: OpsChecks) => void): string[] => {
  const checks = new OpsChecks();
  run(checks);
  try {
    checks.throwIfAny();
    return [];
  } catch (error) {
    return (error as ValidationError).violations.map((v) => `${v.field} ${v.reason}`);
  }
};

describe('ops request checks', () => {
  it('page tokens round-trip for the same filters only', () => {
    const filters = { kind: 'toy-refund', window: undefined };
    const key = { decidedAt: new Date('2026-11-01T00:00:00.123Z'), id: 42n };
    const token = pageTokenAfter(key, filters);
    expect(new OpsChecks().pageToken('page_token', token, filters)).toEqual(key);
    expect(violations((c) => c.pageToken('page_token', token, { kind: 'other' }))).toEqual(['page_token INVALID_PAGE_TOKEN']);
    expect(violations((c) => c.pageToken('page_token', 'not-a-token', filters))).toEqual(['page_token INVALID_PAGE_TOKEN']);
    expect(violations((c) => c.pageToken('page_token', 'x'.repeat(300), filters))).toEqual(['page_token INVALID_PAGE_TOKEN']);
  });

  it('windows need both bounds in order; counts default, refuse negatives and hold to the maximum', () => {
    const start = new Date('2026-11-02T00:00:00Z');
    const end = new Date('2026-11-01T00:00:00Z');
    expect(violations((c) => c.window('window', { startTime: start, endTime: end }, true))).toEqual(['window WINDOW_OUT_OF_ORDER']);
    expect(violations((c) => c.window('window', { startTime: end }, true))).toEqual(['window.end_time REQUIRED']);
    expect(violations((c) => c.window('window', undefined, true))).toEqual(['window REQUIRED']);
    expect(new OpsChecks().window('window', undefined, false)).toBeUndefined();
    const checks = new OpsChecks();
    expect([checks.count('page_size', 0, 50, 500), checks.count('page_size', 9000, 50, 500), checks.count('page_size', 7, 50, 500)]).toEqual([50, 500, 7]);
    expect(violations((c) => c.count('page_size', -1, 50, 500))).toEqual(['page_size OUT_OF_RANGE']);
  });

  it('candidate parameters must be decision-codec JSON', () => {
    expect(new OpsChecks().decisionJson('p', '{"capFen":{"$bigint":"15000"}}')).toEqual({ capFen: 15_000n });
    expect(violations((c) => c.decisionJson('p', '{nope'))).toEqual(['p INVALID_JSON']);
    expect(violations((c) => c.subject('subject', { type: '', id: 'x' }))).toEqual(['subject.type REQUIRED']);
  });
});

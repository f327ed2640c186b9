import { describe, expect, it } from 'vitest';
import { MAX_BUCKETS, periodOf, startOfDate } from './period';

describe('report period', () => {
  it('starts days at midnight where the operators are (Asia/Shanghai is UTC+8)', () => {
    expect(startOfDate('2026-11-02', 'Asia/Shanghai').toISOString()).toBe('2026-11-01T16:00:00.000Z');
    expect(startOfDate('2026-11-02', 'UTC').toISOString()).toBe('2026-11-02T00:00:00.000Z');
  });

  it('gives a 23-hour day across a spring DST change', () => {
    const result = periodOf('2026-03-08', '2026-03-08', 'day', 'America/New_York');
    if (!result.ok) throw new Error(result.problem);
    const [day] = result.period.buckets;
    if (!day) throw new Error('no bucket');
    expect((day.to.getTime() - day.from.getTime()) / 3_600_000).toBe(23);
  });

  it('splits a period into days, the last date included', () => {
    const result = periodOf('2026-11-01', '2026-11-03', 'day', 'Asia/Shanghai');
    if (!result.ok) throw new Error(result.problem);
    expect(result.period.buckets.map((b) => b.label)).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    expect(result.period.to.toISOString()).toBe('2026-11-03T16:00:00.000Z');
  });

  it('splits into ISO weeks starting on Monday, clipped to the period at both ends', () => {
    // 2026-11-04 is a Wednesday; 2026-11-09 and 2026-11-16 are Mondays.
    const result = periodOf('2026-11-04', '2026-11-18', 'week', 'UTC');
    if (!result.ok) throw new Error(result.problem);
    expect(result.period.buckets.map((b) => [b.label, b.from.toISOString().slice(0, 10), b.to.toISOString().slice(0, 10)])).toEqual([
      ['2026-11-04', '2026-11-04', '2026-11-09'],
      ['2026-11-09', '2026-11-09', '2026-11-16'],
      ['2026-11-16', '2026-11-16', '2026-11-19'],
    ]);
  });

  it('refuses impossible dates, a reversed period and too many points', () => {
    expect(periodOf('2026-02-30', '2026-03-01', 'day', 'UTC')).toEqual({ ok: false, problem: 'dates' });
    expect(periodOf('2026-03-02', '2026-03-01', 'day', 'UTC')).toEqual({ ok: false, problem: 'order' });
    expect(periodOf('2026-01-01', '2026-12-31', 'day', 'UTC')).toEqual({ ok: false, problem: 'buckets' });
    const weekly = periodOf('2026-01-01', '2026-12-31', 'week', 'UTC');
    expect(weekly.ok && weekly.period.buckets.length).toBeLessThanOrEqual(MAX_BUCKETS);
  });
});

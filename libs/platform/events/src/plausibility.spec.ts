import { describe, expect, it } from 'vitest';
import { PoisonMessageError } from './event-bus';
import { eventTime, plausibleWindow } from './plausibility';

const now = new Date('2026-12-01T12:00:00Z');
const at = (iso: string): Date => new Date(iso);

describe('event time bounds', () => {
  it('takes an event time at or before now, and now for one ahead of the clock, missing or impossible', () => {
    expect(eventTime(at('2026-11-30T00:00:00Z'), now)).toEqual(at('2026-11-30T00:00:00Z'));
    expect(eventTime(at('2027-06-01T00:00:00Z'), now)).toEqual(now);
    expect(eventTime(undefined, now)).toEqual(now);
    expect(eventTime(new Date(Number.NaN), now)).toEqual(now);
    expect(eventTime(at('0001-01-01T00:00:00Z'), now)).toEqual(now);
  });

  it('accepts a window that ends now or a little ahead (clock skew)', () => {
    expect(plausibleWindow({ startTime: at('2026-11-01T00:00:00Z'), endTime: at('2026-12-01T12:04:00Z') }, now, 'stats')).toEqual({
      start: at('2026-11-01T00:00:00Z'),
      end: at('2026-12-01T12:04:00Z'),
    });
  });

  it('refuses as poison a window ending far ahead, reversed, empty or missing an end', () => {
    const refused = (window: { startTime?: Date; endTime?: Date } | undefined) => () => plausibleWindow(window, now, 'stats of p-1');
    expect(refused({ startTime: at('2026-11-01T00:00:00Z'), endTime: at('2099-01-01T00:00:00Z') })).toThrow(PoisonMessageError);
    expect(refused({ startTime: at('2026-11-01T00:00:00Z'), endTime: at('2099-01-01T00:00:00Z') })).toThrow(/stats of p-1: window ends 2099-01-01T00:00:00.000Z, ahead of/);
    expect(refused({ startTime: at('2026-11-02T00:00:00Z'), endTime: at('2026-11-01T00:00:00Z') })).toThrow(/starts at or after its end/);
    expect(refused({ startTime: at('2026-11-01T00:00:00Z'), endTime: at('2026-11-01T00:00:00Z') })).toThrow(/starts at or after its end/);
    expect(refused({ startTime: at('2026-11-01T00:00:00Z') })).toThrow(/without a valid start and end/);
    expect(refused(undefined)).toThrow(PoisonMessageError);
  });
});

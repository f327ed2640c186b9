import { DAY, HOUR } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { nextSweepAt } from './affiliate-sweep.job';

describe('periodic affiliate sweep', () => {
  it('runs at the next period boundary, strictly after now', () => {
    expect(nextSweepAt(new Date('2026-11-01T00:00:00Z'), DAY)).toEqual(new Date('2026-11-02T00:00:00Z'));
    expect(nextSweepAt(new Date('2026-11-01T13:30:00Z'), DAY)).toEqual(new Date('2026-11-02T00:00:00Z'));
    expect(nextSweepAt(new Date('2026-11-01T13:30:00Z'), 6 * HOUR)).toEqual(new Date('2026-11-01T18:00:00Z'));
  });
});

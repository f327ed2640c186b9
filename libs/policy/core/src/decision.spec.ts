import { describe, expect, it } from 'vitest';
import { climbLadder } from './decision';
import { seededRandom } from './ports';
import { Violations } from './validation';
import { ValidationError } from './domain-error';

describe('climbLadder', () => {
  const ladder = [
    { atLeast: 12, outcome: 'restrict' },
    { atLeast: 24, outcome: 'suspend' },
    { atLeast: 48, outcome: 'remove' },
  ];
  it('returns nothing below the first rung and the highest rung reached otherwise', () => {
    expect(climbLadder(ladder, 11)).toBeUndefined();
    expect(climbLadder(ladder, 12)?.outcome).toBe('restrict');
    expect(climbLadder(ladder, 47)?.outcome).toBe('suspend');
    expect(climbLadder(ladder, 100)?.outcome).toBe('remove');
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for one seed and differs across seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const seqA = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(seqA);
    expect(c.next()).not.toBe(seqA[0]);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('Violations', () => {
  it('collects every violation and throws them together', () => {
    const v = new Violations();
    v.require('merchant_id', '  ');
    v.maxItems('devices', [1, 2, 3], 2);
    v.check(true, 'ok', 'never');
    expect(() => v.throwIfAny()).toThrow(ValidationError);
    try {
      v.throwIfAny();
    } catch (e) {
      expect((e as ValidationError).violations.map((x) => x.reason)).toEqual(['REQUIRED', 'TOO_MANY_ITEMS']);
    }
  });
});

import { ValidationError, Violations } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { checkAll, evidenceList, pageSizeOf } from './request-checks';

const violationsOf = (run: () => void) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return { code: error.code, fields: error.violations.map((v) => v.field) };
    throw error;
  }
  return undefined;
};

describe('checkAll', () => {
  it('lists the edge checks and every domain validator’s violations in one error, keeping the domain’s specific code', () => {
    const result = violationsOf(() =>
      checkAll(
        'ORDER.INVALID',
        (v) => v.require('request_id', ''),
        () => {
          throw new ValidationError([{ field: 'promised_dispatch_at', description: 'too far', reason: 'PRE_SALE_TOO_LONG' }], 'ORDER.PRE_SALE_TOO_LONG');
        },
        () => {
          throw new ValidationError([{ field: 'amount_fen', description: 'zero', reason: 'ZERO_AMOUNT' }], 'ORDER.INVALID');
        },
      ),
    );
    expect(result).toEqual({ code: 'ORDER.PRE_SALE_TOO_LONG', fields: ['request_id', 'promised_dispatch_at', 'amount_fen'] });
  });

  it('passes when nothing is wrong and lets other errors through', () => {
    expect(violationsOf(() => checkAll('X', (v) => v.require('a', 'ok')))).toBeUndefined();
    expect(() => checkAll('X', () => { throw new TypeError('bug'); })).toThrow(TypeError);
  });
});

describe('list bounds', () => {
  it('coerces page size to the maximum and refuses a negative one', () => {
    const v = new Violations();
    expect(pageSizeOf(v, 0, 50, 500)).toBe(50);
    expect(pageSizeOf(v, 10_000, 50, 500)).toBe(500);
    pageSizeOf(v, -1, 50, 500);
    expect(v.items.map((i) => i.field)).toEqual(['page_size']);
  });

  it('refuses oversized evidence lists and references', () => {
    const v = new Violations();
    evidenceList(v, 'evidence_refs', Array.from({ length: 21 }, () => 'k'));
    evidenceList(v, 'evidence_refs', ['ok', 'x'.repeat(513)]);
    expect(v.items.map((i) => [i.field, i.reason])).toEqual([
      ['evidence_refs', 'TOO_MANY_ITEMS'],
      ['evidence_refs[1]', 'TOO_LONG'],
    ]);
  });
});

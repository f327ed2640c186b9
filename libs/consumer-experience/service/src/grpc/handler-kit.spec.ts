import { INPUT_POLICY } from '@govern/consumer-experience-domain';
import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { ConsumerExperienceChecks } from './handler-kit';

const failureOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return { code: error.code, violations: error.violations.map((v) => `${v.field}:${v.reason}`) };
    throw error;
  }
  return undefined;
};

describe('ConsumerExperienceChecks', () => {
  it('folds a domain validator in after the edge: one violation per field, and the domain’s specific code', () => {
    const failure = failureOf(() => {
      const checks = new ConsumerExperienceChecks();
      const orderId = checks.id('order_id', '');
      checks.domain(() => {
        throw new ValidationError(
          [
            { field: 'order_id', description: 'is required', reason: 'REQUIRED' },
            { field: 'promised_dispatch_at', description: 'too far', reason: 'PRE_SALE_TOO_LONG' },
          ],
          'ORDER.PRE_SALE_TOO_LONG',
        );
      });
      return checks.done({ orderId }, 'ORDER.INVALID');
    });
    expect(failure).toEqual({ code: 'ORDER.PRE_SALE_TOO_LONG', violations: ['order_id:REQUIRED', 'promised_dispatch_at:PRE_SALE_TOO_LONG'] });
  });

  it('returns the checked values when nothing is wrong, and lets other errors through', () => {
    const checks = new ConsumerExperienceChecks();
    expect(checks.done({ amountFen: checks.amountFen('amount_fen', 500n), refs: checks.evidenceRefs('evidence_refs', ['a', 'b']) })).toEqual({ amountFen: 500n, refs: ['a', 'b'] });
    expect(() => new ConsumerExperienceChecks().domain(() => { throw new TypeError('bug'); })).toThrow(TypeError);
  });

  it('refuses amounts outside the input policy and oversized evidence with the shared reasons', () => {
    const failure = failureOf(() => {
      const checks = new ConsumerExperienceChecks();
      return checks.done({
        zero: checks.amountFen('a', 0n),
        negative: checks.amountFen('b', -1n),
        huge: checks.amountFen('c', INPUT_POLICY.maxAmountFen + 1n),
        none: checks.amountFen('d', 0n, { allowZero: true }),
        many: checks.evidenceRefs('e', Array.from({ length: INPUT_POLICY.maxEvidenceRefs + 1 }, () => 'k')),
        long: checks.evidenceRefs('f', ['ok', 'x'.repeat(513)]),
      });
    });
    expect(failure?.violations).toEqual(['a:OUT_OF_RANGE', 'b:OUT_OF_RANGE', 'c:OUT_OF_RANGE', 'e:TOO_MANY_ITEMS', 'f[1]:TOO_LONG']);
  });
});

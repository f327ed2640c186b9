import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { settleReturnInsurance } from './return-insurance';
import { RETURN_INSURANCE_POLICY } from './return-insurance.policy';

describe('settleReturnInsurance', () => {
  it('pays the declared fee within the 5-25 yuan band', () => {
    expect(settleReturnInsurance({ type: 'RETURN_AND_REFUND', shippingFeeFen: 1_200n, alreadySettled: false }).amountFen).toBe(1_200n);
    expect(settleReturnInsurance({ type: 'EXCHANGE', shippingFeeFen: 0n, alreadySettled: false }).amountFen).toBe(500n);
    expect(settleReturnInsurance({ type: 'RETURN_AND_REFUND', shippingFeeFen: 9_900n, alreadySettled: false }).amountFen).toBe(2_500n);
  });

  it('explains the amount with the policy version', () => {
    const s = settleReturnInsurance({ type: 'RETURN_AND_REFUND', shippingFeeFen: 1_200n, alreadySettled: false });
    expect(s.reasons[0]).toMatchObject({ code: 'RETURN_INSURANCE.SETTLED', evidence: { declared_fee_fen: '1200' } });
    expect(s.policy.version).toBe(RETURN_INSURANCE_POLICY.version);
  });

  it('settles once, only for returns, and rejects a negative fee', () => {
    expect(() => settleReturnInsurance({ type: 'RETURN_AND_REFUND', shippingFeeFen: 1_000n, alreadySettled: true })).toThrow(
      expect.objectContaining({ code: 'RETURN_INSURANCE.ALREADY_SETTLED' }) as Error,
    );
    expect(() => settleReturnInsurance({ type: 'REFUND_ONLY', shippingFeeFen: 1_000n, alreadySettled: false })).toThrow(
      expect.objectContaining({ code: 'RETURN_INSURANCE.NOT_INSURED' }) as Error,
    );
    expect(() => settleReturnInsurance({ type: 'RETURN_AND_REFUND', shippingFeeFen: -1n, alreadySettled: false })).toThrow(ValidationError);
  });
});

import { describe, expect, it } from 'vitest';
import { returnFeeOwed } from './return-fee';
import { RETURN_FEE_POLICY } from './return-fee.policy';

describe('return shipping owed by the merchant', () => {
  it('is the freight insurance did not cover, on a return for the merchant’s fault', () => {
    const owed = returnFeeOwed({ reason: 'QUALITY_DEFECT', declaredFeeFen: 4_000n, insuredFen: 2_500n });
    expect(owed).toMatchObject({ owedFen: 1_500n, policy: { name: RETURN_FEE_POLICY.name, version: RETURN_FEE_POLICY.version } });
    expect(owed.reasons[0]).toMatchObject({ code: 'RETURN_FEE.MERCHANT_OWES', evidence: { owed_fen: '1500', insured_fen: '2500', declared_fee_fen: '4000' } });
    expect(returnFeeOwed({ reason: 'MISSING_PARTS', declaredFeeFen: 2_501n, insuredFen: 2_500n }).owedFen).toBe(1n);
  });

  it('is nothing when insurance paid it all (even above the declared fee, at its minimum), or on a return that is not the merchant’s fault', () => {
    expect(returnFeeOwed({ reason: 'NOT_AS_DESCRIBED', declaredFeeFen: 2_500n, insuredFen: 2_500n })).toMatchObject({ owedFen: 0n, reasons: [{ code: 'RETURN_FEE.COVERED' }] });
    expect(returnFeeOwed({ reason: 'COUNTERFEIT', declaredFeeFen: 300n, insuredFen: 500n }).owedFen).toBe(0n);
    expect(returnFeeOwed({ reason: 'NO_REASON_7_DAYS', declaredFeeFen: 4_000n, insuredFen: 2_500n })).toMatchObject({ owedFen: 0n, reasons: [{ code: 'RETURN_FEE.BUYER_BEARS' }] });
  });
});

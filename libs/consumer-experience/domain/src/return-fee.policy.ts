import type { VersionedPolicy } from '@govern/policy-core';
import type { AfterSaleReason } from './model';

/**
 * Return shipping owed to the buyer (issue 19). When goods go back for the merchant's fault the
 * merchant bears the freight (Consumer Rights Protection Law art. 24: the business operator bears
 * the transport and other necessary costs of a return for non-conformity); a no-reason return's
 * freight is the buyer's (art. 25). Return-shipping insurance pays at most its cap when the return
 * ships: what the buyer paid beyond it, on a return for the merchant's fault, the merchant owes.
 */
export interface ReturnFeePolicy extends VersionedPolicy {
  /** Returns for these reasons are the merchant's fault: their freight is the merchant's. */
  readonly merchantBearsReasons: readonly AfterSaleReason[];
}

export const RETURN_FEE_POLICY: ReturnFeePolicy = {
  name: 'consumer-return-fee',
  version: '2026-12-05.1',
  // The quality reasons: the goods were not what was sold.
  merchantBearsReasons: ['QUALITY_DEFECT', 'NOT_AS_DESCRIBED', 'COUNTERFEIT', 'MISSING_PARTS'],
};

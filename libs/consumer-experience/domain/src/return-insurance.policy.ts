import type { VersionedPolicy } from '@govern/policy-core';
import type { AfterSaleType } from './model';

/**
 * Return-shipping insurance: when a return ships the buyer is paid the shipping fee declared,
 * at least the standard first-weight rate and at most the insured cap.
 */
export interface ReturnInsurancePolicy extends VersionedPolicy {
  readonly insuredTypes: readonly AfterSaleType[];
  readonly minFen: bigint;
  readonly maxFen: bigint;
}

export const RETURN_INSURANCE_POLICY: ReturnInsurancePolicy = {
  name: 'consumer-return-insurance',
  version: '2026-11-01.1',
  insuredTypes: ['RETURN_AND_REFUND', 'EXCHANGE'],
  minFen: 500n,
  maxFen: 2_500n,
};


import { MINUTE, type VersionedPolicy } from '@govern/policy-core';

/**
 * Bounds on what callers may send. Amounts stay far below int64 and Number.MAX_SAFE_INTEGER
 * so sums and rates computed from them stay exact.
 */
export interface InputPolicy extends VersionedPolicy {
  readonly maxAmountFen: bigint;
  readonly clockSkewMs: number;
  readonly maxTextLength: number;
  readonly maxEvidenceRefs: number;
}

export const INPUT_POLICY: InputPolicy = {
  name: 'consumer-input',
  version: '2026-11-01.1',
  /** Largest amount accepted on one order line or payment: 100 million yuan. */
  maxAmountFen: 10_000_000_000n,
  /** Timestamps may run ahead of our clock by this much (carrier and order systems drift). */
  clockSkewMs: 5 * MINUTE,
  maxTextLength: 2000,
  maxEvidenceRefs: 20,
};


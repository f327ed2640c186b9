import { REASON, Violations } from '@govern/policy-core';
import { INPUT_POLICY, type InputPolicy } from './input.policy';

/**
 * Field checks shared by every consumer-experience request. They add to a Violations collector so
 * one response lists every bad field; the caller throws with `violations.throwIfAny()`.
 */

/** A positive amount in fen, at most the policy maximum. `allowZero` for fields where 0 means "none". */
export const checkAmount = (
  v: Violations,
  field: string,
  amountFen: bigint | undefined,
  opts: { allowZero?: boolean; policy?: InputPolicy } = {},
): boolean => {
  const policy = opts.policy ?? INPUT_POLICY;
  // One reason for every amount outside its bounds (REASON.OUT_OF_RANGE, as in every service); the description says which bound.
  if (amountFen === undefined) return v.check(false, field, 'is required', REASON.REQUIRED);
  if (amountFen < 0n) return v.check(false, field, 'must not be negative', REASON.OUT_OF_RANGE);
  if (amountFen === 0n && !opts.allowZero) return v.check(false, field, 'must be greater than zero', REASON.OUT_OF_RANGE);
  return v.check(amountFen <= policy.maxAmountFen, field, `must be at most ${policy.maxAmountFen} fen`, REASON.OUT_OF_RANGE);
};

/** A timestamp that is set and not in the future beyond the allowed clock skew. */
export const checkPastTimestamp = (
  v: Violations,
  field: string,
  at: Date | undefined,
  now: Date,
  policy: InputPolicy = INPUT_POLICY,
): boolean => {
  if (at === undefined) return v.check(false, field, 'is required', REASON.REQUIRED);
  if (Number.isNaN(at.getTime())) return v.check(false, field, 'must be a valid time', REASON.INVALID_TIMESTAMP);
  return v.check(at.getTime() <= now.getTime() + policy.clockSkewMs, field, `must not be in the future (now ${now.toISOString()})`, REASON.IN_FUTURE);
};

/** A refund request can never ask for more than the buyer paid. */
export const checkRefundWithinPaid = (v: Violations, field: string, amountFen: bigint, paidFen: bigint): boolean =>
  v.check(amountFen <= paidFen, field, `must not exceed the ${paidFen} fen paid`, 'REFUND_EXCEEDS_PAID');

/** Free text within the policy length, and evidence lists within their size. */
export const checkText = (v: Violations, field: string, text: string | undefined, policy: InputPolicy = INPUT_POLICY): boolean =>
  v.maxLength(field, text, policy.maxTextLength);

export const checkEvidence = (v: Violations, field: string, refs: readonly string[] | undefined, policy: InputPolicy = INPUT_POLICY): boolean =>
  v.maxItems(field, refs, policy.maxEvidenceRefs);

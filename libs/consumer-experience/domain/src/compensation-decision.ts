import { DomainError, reason, ValidationError, type PolicyRef, type Reason } from '@govern/policy-core';
import { planAdvanceCompensation, type AdvanceCompensationPlan, type OrderPayouts } from './compensation';
import type { CompensationPolicy } from './compensation.policy';
import type { DepositState } from './ledger';
import type { CompensationCause } from './model';
import { PROMISE_POLICY, type PromisePolicy } from './promise.policy';

/**
 * An advance compensation as a recorded decision (issue 16): every fact the fund policy read
 * (the order's payouts so far, the merchant's deposit, the claim) and the time, so that
 * `decideCompensation(facts, version)` recomputes the same plan from the record.
 */
export interface CompensationFacts {
  at: Date;
  orderId: string;
  merchantId: string;
  cause: CompensationCause;
  /** The order's category (Food Safety Law damages apply to food only; checked before the claim). */
  categoryCode: string;
  /** For DISPUTE_UNPAID and after-sale protection: the amount owed; otherwise the policy decides. */
  requestedFen?: bigint | undefined;
  afterSaleId?: string | undefined;
  /** What the order has paid out so far, by kind (under the order's row lock). */
  payouts: OrderPayouts;
  /** The merchant's deposit before this payment (under its row lock). */
  deposit: DepositState;
  /**
   * The late-dispatch rule of the promise policy in force: another policy document, recorded as
   * a fact so that a replay under the fund policy's version sees the rule the decision saw.
   */
  promise: PolicyRef & { lateDispatchCompensation: PromisePolicy['lateDispatchCompensation'] };
}

export type CompensationDecision =
  | { outcome: 'PAID'; plan: AdvanceCompensationPlan; reasons: Reason[] }
  /** The caps leave nothing to pay: the error the caller gets. */
  | { outcome: 'REFUSED'; refusal: { kind: DomainError['kind']; code: string; message: string; metadata: Record<string, string> }; reasons: Reason[] };

export const promiseFactsOf = (policy: PromisePolicy = PROMISE_POLICY): CompensationFacts['promise'] => ({
  name: policy.name,
  version: policy.version,
  lateDispatchCompensation: policy.lateDispatchCompensation,
});

/**
 * The fund's decision on one claim. A refusal is an outcome, not a throw, so that a stricter
 * candidate evaluated in shadow shows up as a divergence (PAID → REFUSED) rather than a failure.
 */
export const decideCompensation = (facts: CompensationFacts, policy: CompensationPolicy): CompensationDecision => {
  const promise: PromisePolicy = { ...PROMISE_POLICY, ...facts.promise };
  try {
    const plan = planAdvanceCompensation(
      {
        orderId: facts.orderId,
        merchantId: facts.merchantId,
        cause: facts.cause,
        payouts: facts.payouts,
        deposit: facts.deposit,
        requestedFen: facts.requestedFen,
        afterSaleId: facts.afterSaleId,
      },
      { compensation: policy, promise },
    );
    return { outcome: 'PAID', plan, reasons: plan.reasons };
  } catch (error) {
    // Bad input (a missing award, a negative amount) is the caller's error, not a decision.
    if (!(error instanceof DomainError) || error instanceof ValidationError) throw error;
    const refusal = { kind: error.kind, code: error.code, message: error.message, metadata: { ...error.metadata } };
    return { outcome: 'REFUSED', refusal, reasons: [reason(error.code, error.message, refusal.metadata)] };
  }
};

/** The error a refused claim answers with: the one the fund policy raised. */
export const refusalError = (decision: Extract<CompensationDecision, { outcome: 'REFUSED' }>): DomainError =>
  new DomainError(decision.refusal.kind, decision.refusal.code, decision.refusal.message, decision.refusal.metadata);

import {
  COMPENSATION_POLICIES,
  decideCompensation,
  decideCare,
  decideFastRefund,
  FAST_REFUND_POLICIES,
  NEW_BUYER_CARE_POLICIES,
  type CareDecision,
  type CareFacts,
  type CompensationDecision,
  type CompensationFacts,
  type FastRefundDecision,
  type FastRefundInput,
} from '@govern/consumer-experience-domain';
import { decisionKindOfPolicies, type SomeDecisionKind } from '@govern/platform-decisions';

/**
 * consumer-experience's decision kinds (issue 16): each records the input as evaluated — every
 * fact the rule read, the time included — so a replay with the recorded policy version
 * recomputes the same outcome, and a candidate version can run in shadow or be backtested.
 */

/** A fast refund as evaluated: the request, what the service looked up for it, and the time. */
export interface FastRefundFacts {
  afterSaleId: string;
  orderId: string;
  merchantId: string;
  at: Date;
  request: FastRefundInput;
}

export const fastRefundDecisions = decisionKindOfPolicies({
  kind: 'fast-refund',
  policies: FAST_REFUND_POLICIES,
  decide: (policy, facts: FastRefundFacts): FastRefundDecision => decideFastRefund(facts.request, facts.at, policy),
  summarize: (decision: FastRefundDecision) => ({ outcome: decision.outcome, reasons: decision.reasons }),
  moneyAtStake: (_facts, decision) => decision.refundFen,
  subjectOf: (facts) => [
    { type: 'after_sale', id: facts.afterSaleId },
    { type: 'order', id: facts.orderId },
    { type: 'merchant', id: facts.merchantId },
  ],
});

export const compensationDecisions = decisionKindOfPolicies({
  kind: 'compensation',
  policies: COMPENSATION_POLICIES,
  decide: (policy, facts: CompensationFacts): CompensationDecision => decideCompensation(facts, policy),
  summarize: (decision: CompensationDecision) => ({ outcome: decision.outcome, reasons: decision.reasons }),
  moneyAtStake: (_facts, decision) => (decision.outcome === 'PAID' ? decision.plan.amountFen : 0n),
  subjectOf: (facts) => [
    { type: 'order', id: facts.orderId },
    { type: 'merchant', id: facts.merchantId },
    ...(facts.afterSaleId ? [{ type: 'after_sale', id: facts.afterSaleId }] : []),
  ],
});

/**
 * New-buyer care (issue 19): each timer's step (open and nudge, step in, stand down) over the
 * order's state as read then. The money is the compensation kind's decision, recorded with its payment.
 */
export const careDecisions = decisionKindOfPolicies({
  kind: 'new-buyer-care',
  policies: NEW_BUYER_CARE_POLICIES,
  decide: (policy, facts: CareFacts): CareDecision => decideCare(facts, policy),
  summarize: (decision: CareDecision) => ({ outcome: decision.outcome, reasons: decision.reasons }),
  subjectOf: (facts) => [
    { type: 'care_case', id: facts.caseId },
    { type: 'order', id: facts.orderId },
    { type: 'merchant', id: facts.merchantId },
  ],
});

export const CONSUMER_EXPERIENCE_DECISION_KINDS: readonly SomeDecisionKind[] = [fastRefundDecisions, compensationDecisions, careDecisions];

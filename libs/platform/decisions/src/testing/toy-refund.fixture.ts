import { definePolicyVersions, reason, type PolicyRef, type Reason } from '@govern/policy-core';
import { decisionKindOfPolicies } from '../kinds/decision-kind';

/**
 * A small decision kind for the lib's own tests: a refund granted up to a cap for trusted
 * buyers. Version 2026-12-01.1 lowers the cap (the "stricter candidate"); 2026-10-01.1 is
 * an older version kept loadable.
 */
export interface ToyRefundPolicy {
  name: string;
  version: string;
  capFen: bigint;
  minTrust: number;
}

export interface ToyRefundInput {
  afterSaleId: string;
  merchantId: string;
  amountFen: bigint;
  trust: number;
  at: Date;
}

export interface ToyRefundDecision {
  outcome: 'GRANTED' | 'DENIED';
  refundFen: bigint;
  reasons: Reason[];
  policy: PolicyRef;
  decidedAt: Date;
}

export const TOY_POLICIES = definePolicyVersions<ToyRefundPolicy>(
  {
    '2026-10-01.1': { name: 'toy-refund', version: '2026-10-01.1', capFen: 30_000n, minTrust: 30 },
    '2026-11-01.1': { name: 'toy-refund', version: '2026-11-01.1', capFen: 20_000n, minTrust: 40 },
    '2026-12-01.1': { name: 'toy-refund', version: '2026-12-01.1', capFen: 15_000n, minTrust: 40 },
  },
  '2026-11-01.1',
);

export const decideToyRefund = (policy: ToyRefundPolicy, input: ToyRefundInput): ToyRefundDecision => {
  const reasons: Reason[] = [];
  if (input.trust < policy.minTrust) reasons.push(reason('TOY.LOW_TRUST', 'Trust too low', { trust: String(input.trust) }));
  if (input.amountFen > policy.capFen) reasons.push(reason('TOY.AMOUNT_OVER_CAP', 'Over the cap', { cap_fen: policy.capFen.toString() }));
  const granted = reasons.length === 0;
  if (granted) reasons.push(reason('TOY.WITHIN_CAP', 'Within the cap', { amount_fen: input.amountFen.toString() }));
  return {
    outcome: granted ? 'GRANTED' : 'DENIED',
    refundFen: granted ? input.amountFen : 0n,
    reasons,
    policy: { name: policy.name, version: policy.version },
    decidedAt: input.at,
  };
};

export const toyRefundKind = (policies = TOY_POLICIES) =>
  decisionKindOfPolicies({
    kind: 'toy-refund',
    policies,
    decide: decideToyRefund,
    summarize: (decision: ToyRefundDecision) => ({ outcome: decision.outcome, reasons: decision.reasons }),
    moneyAtStake: (_input: ToyRefundInput, decision: ToyRefundDecision) => decision.refundFen,
    subjectOf: (input: ToyRefundInput) => [
      { type: 'after_sale', id: input.afterSaleId },
      { type: 'merchant', id: input.merchantId },
    ],
  });

/** Deterministic inputs: amounts spread over 0-¥400, trust over 0-99. */
export const toyInputs = (count: number, start: Date, prefix = 'as'): ToyRefundInput[] =>
  Array.from({ length: count }, (_, i) => ({
    afterSaleId: `${prefix}-${i}`,
    merchantId: `m-${i % 17}`,
    amountFen: BigInt(((i * 7919) % 400) * 100 + (i % 100)),
    trust: (i * 31) % 100,
    at: new Date(start.getTime() + i * 60_000),
  }));

/**
 * consumer-experience's decision kinds as pure functions (issue 16): every shipped version is
 * loadable, a record replays identical through the kind's codec, and the shipped candidates
 * change what they are meant to change. (Formerly the worked example in platform-decisions.)
 */
import { describe, expect, it } from 'vitest';
import { decideFastRefund, FAST_REFUND_POLICY, FAST_REFUND_POLICY_2026_12 } from '@govern/consumer-experience-domain';
import { replayStored, type AnyDecisionKind, type StoredDecision } from '@govern/platform-decisions';
import { seededRandom } from '@govern/policy-core';
import { fastRefundDecisions, type FastRefundFacts } from './decision-kinds';

const at = new Date('2026-11-20T10:00:00Z');
const postDispatch = (afterSaleId: string, amountFen: bigint, buyerTrustScore: number | undefined): FastRefundFacts => ({
  afterSaleId,
  orderId: `o-${afterSaleId}`,
  merchantId: 'm-1',
  at,
  request: {
    type: 'RETURN_AND_REFUND',
    reason: 'QUALITY_DEFECT',
    amountFen,
    preDispatch: false,
    forwardPickedUp: true,
    returnPickedUp: false,
    buyerTrustScore,
    buyerHistory: { ordersInWindow: 12, refundsInWindow: 1 },
    merchant: { status: 'ACTIVE' },
  },
});

/** A record as the decision log stores it (through the kind's codec). */
const recorded = (facts: FastRefundFacts): StoredDecision => {
  const outcome = decideFastRefund(facts.request, facts.at, FAST_REFUND_POLICY);
  return {
    id: 1n,
    decisionId: `dec-${facts.afterSaleId}`,
    kind: 'fast-refund',
    subjects: [...fastRefundDecisions.subjectOf(facts)],
    decidedAt: facts.at,
    policy: { name: FAST_REFUND_POLICY.name, version: FAST_REFUND_POLICY.version },
    inputJson: fastRefundDecisions.encodeInput(facts),
    outcome: outcome.outcome,
    outcomeJson: fastRefundDecisions.encodeOutcome(outcome),
    reasons: outcome.reasons,
    reasonCodes: [...new Set(outcome.reasons.map((r) => r.code))],
    moneyAtStakeFen: outcome.refundFen,
  };
};

describe('fast refund as a versioned decision kind', () => {
  it('registers every shipped version, the active one live', () => {
    expect(fastRefundDecisions.policyName).toBe('consumer-fast-refund');
    expect(fastRefundDecisions.active).toBe('2026-11-01.1');
    expect(Object.keys(fastRefundDecisions.versions)).toEqual(['2026-11-01.1', '2026-12-01.1']);
  });

  it('replays a recorded decision identical, bigint caps and a defaulted trust score included', () => {
    const record = recorded(postDispatch('as-1', 18_000n, undefined));
    expect(record.outcome).toBe('GRANTED_ON_PICKUP');
    expect(replayStored(fastRefundDecisions as unknown as AnyDecisionKind, record)).toMatchObject({ verdict: 'IDENTICAL' });
    const tampered = { ...record, inputJson: record.inputJson.replace('"$bigint":"18000"', '"$bigint":"180000"') };
    expect(replayStored(fastRefundDecisions as unknown as AnyDecisionKind, tampered)).toMatchObject({ verdict: 'DIFFERENT', difference: { path: '$.outcome' } });
  });

  it('the stricter candidate denies a ¥180 refund the active policy grants to a standard buyer', () => {
    const facts = postDispatch('as-2', 18_000n, 50);
    const active = fastRefundDecisions.versions['2026-11-01.1']?.(facts);
    const candidate = fastRefundDecisions.versions['2026-12-01.1']?.(facts);
    expect(active).toMatchObject({ outcome: 'GRANTED_ON_PICKUP', refundFen: 18_000n });
    expect(candidate).toMatchObject({ outcome: 'DENIED', refundFen: 0n, policy: { version: '2026-12-01.1' } });
    expect(candidate?.reasons.find((r) => r.code === 'FAST_REFUND.AMOUNT_OVER_CAP')?.evidence).toMatchObject({ cap_fen: '15000' });
    // The same candidate as parameters over the active document, as `govern backtest --parameters` sends it.
    const byParameters = fastRefundDecisions.withParameters?.({ trustTiers: FAST_REFUND_POLICY_2026_12.trustTiers });
    expect(byParameters?.(facts)).toMatchObject({ outcome: 'DENIED', refundFen: 0n });
  });

  it('only denials change, and the money they hold back is what the granted refunds were', () => {
    const random = seededRandom(16);
    const facts = Array.from({ length: 500 }, (_, i) => postDispatch(`as-${i}`, BigInt(Math.floor(random.next() * 120_000)), Math.floor(random.next() * 100)));
    const outcomes = facts.map((f) => ({ active: fastRefundDecisions.versions['2026-11-01.1']?.(f), candidate: fastRefundDecisions.versions['2026-12-01.1']?.(f) }));
    const changed = outcomes.filter((o) => o.active?.outcome !== o.candidate?.outcome);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((o) => o.candidate?.outcome === 'DENIED' && o.active?.outcome !== 'DENIED')).toBe(true);
    const held = changed.reduce((sum, o) => sum + (o.active?.refundFen ?? 0n), 0n);
    const total = (side: 'active' | 'candidate') => outcomes.reduce((sum, o) => sum + (o[side]?.refundFen ?? 0n), 0n);
    expect(total('active') - total('candidate')).toBe(held);
  });
});

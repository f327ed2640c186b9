import { DecisionView, GovernanceOpsServiceDefinition, ReplayVerdict } from '@govern/contracts-common';
import {
  AfterSaleReason,
  AfterSaleType,
  CompensationCause,
  FastRefundOutcome,
  TrackingScanType,
  type RequestAfterSaleRequest,
} from '@govern/contracts-consumer-experience';
import { closeServiceClient, type ServiceClient } from '@govern/platform-grpc';
import type { AnyDecisionKind, SomeDecisionKind } from '@govern/platform-decisions';
import { DAY } from '@govern/policy-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compensationDecisions, fastRefundDecisions } from './decisions/decision-kinds';
import { START, startFixture, type Fixture } from './testing/service-fixture';

/**
 * Decision records of consumer-experience through real gRPC (issue 16): every fast refund and
 * every fund payment is recorded in its own transaction with the input as evaluated and the
 * policy version; it replays identical, a tampered input shows where it differs, the shipped
 * candidates run in shadow beside the live policy, and a backtest matches a direct re-evaluation.
 */
describe('consumer-experience decision records (gRPC + Postgres + NATS)', () => {
  let f: Fixture;
  let ops: ServiceClient<typeof GovernanceOpsServiceDefinition>;
  const window = { startTime: new Date(new Date(START).getTime() - DAY), endTime: new Date(new Date(START).getTime() + 30 * DAY) };

  beforeAll(async () => {
    f = await startFixture({ shadowPolicies: { 'fast-refund': '2026-12-01.1', compensation: '2026-12-01.1' } });
    ops = f.sut.client(GovernanceOpsServiceDefinition, undefined, { defaultDeadlineMs: 20_000 });
  });
  afterAll(async () => {
    if (ops) closeServiceClient(ops);
    await f?.stop();
  });

  const shipAndDeliver = async (orderId: string): Promise<void> => {
    const trackingNumber = f.id('SF');
    await f.client.recordShipment({ requestId: f.id('req'), orderId, trackingNumber, carrierCode: 'SF', shippedAt: f.clock.now(), afterSaleId: '' });
    for (const scanType of [TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED]) {
      await f.client.recordTrackingScan({ requestId: f.id('req'), trackingNumber, carrierCode: 'SF', scanType, scannedAt: f.clock.now(), location: '' });
    }
  };

  /** A delivered order's return request from a standard-trust buyer (¥200 cap live, ¥150 in the candidate). */
  const returnRequest = async (amountFen: bigint): Promise<RequestAfterSaleRequest> => {
    const buyerId = f.id('buyer');
    const orderId = await f.recordOrder({ buyerId, merchantId: 'merchant-dec', amountFen: 20_000n });
    await shipAndDeliver(orderId);
    return {
      requestId: f.id('req'),
      orderId,
      buyerId,
      type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
      reason: AfterSaleReason.AFTER_SALE_REASON_NO_REASON_7_DAYS,
      amountFen,
      description: '',
      evidenceRefs: [],
      goodsUnsealed: false,
      buyerTrustScore: 50,
    };
  };

  const recordedOf = async (kind: string) => {
    const { decisions } = await ops.listDecisions({ kind, window, pageSize: 500, view: DecisionView.DECISION_VIEW_FULL });
    return decisions;
  };

  /** Re-evaluates recorded inputs directly with a version of the kind, as the service's code would. */
  const evaluate = (kind: SomeDecisionKind, version: string, inputJson: string): { outcome: string; money: bigint | undefined } => {
    const erased = kind as AnyDecisionKind;
    const input = erased.decodeInput(inputJson);
    const outcome = erased.versions[version]?.(input);
    return { outcome: erased.summarize(outcome).outcome, money: erased.moneyAtStake?.(input, outcome) };
  };

  it('fast refund: recorded once with the input as evaluated and the version, acted on as recorded, replayed identical', async () => {
    const request = await returnRequest(18_000n);
    const { afterSale } = await f.client.requestAfterSale(request);
    expect(afterSale?.fastRefund?.outcome).toBe(FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED_ON_PICKUP);
    // The idempotent repeat answers the same and records nothing more.
    expect((await f.client.requestAfterSale(request)).afterSale?.afterSaleId).toBe(afterSale?.afterSaleId);
    const afterSaleId = afterSale?.afterSaleId ?? '';

    const { decisions } = await ops.listDecisions({ subject: { type: 'after_sale', id: afterSaleId }, view: DecisionView.DECISION_VIEW_FULL });
    expect(decisions).toHaveLength(1);
    const [record] = decisions;
    expect(record).toMatchObject({
      decisionId: afterSaleId,
      kind: 'fast-refund',
      outcome: 'GRANTED_ON_PICKUP',
      policy: { name: 'consumer-fast-refund', version: '2026-11-01.1' },
      moneyAtStake: { amountFen: 18_000n },
      requestId: request.requestId,
      shadow: { candidateVersion: '2026-12-01.1', outcome: 'DENIED', agrees: false },
    });
    expect(record?.subjects).toEqual(
      expect.arrayContaining([
        { type: 'after_sale', id: afterSaleId },
        { type: 'order', id: request.orderId },
        { type: 'merchant', id: 'merchant-dec' },
      ]),
    );
    const input = fastRefundDecisions.decodeInput(record?.inputJson ?? '');
    expect(input).toEqual({
      afterSaleId,
      orderId: request.orderId,
      merchantId: 'merchant-dec',
      at: f.clock.now(),
      request: {
        type: 'RETURN_AND_REFUND',
        reason: 'NO_REASON_7_DAYS',
        amountFen: 18_000n,
        preDispatch: false,
        forwardPickedUp: true,
        returnPickedUp: false,
        buyerTrustScore: 50,
        buyerHistory: { ordersInWindow: 1, refundsInWindow: 0 },
        merchant: { status: 'ACTIVE' },
      },
    });
    expect((await ops.replayDecision({ decisionId: afterSaleId })).result).toMatchObject({
      verdict: ReplayVerdict.REPLAY_VERDICT_IDENTICAL,
      policy: { version: '2026-11-01.1' },
    });
  });

  it('compensation: every fund payment is recorded with the order’s payouts and the deposit it read; the candidate’s amount beside it', async () => {
    const merchantId = f.id('merchant-fund');
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 30_000n, paymentRef: f.id('bank') });
    const orderId = await f.recordOrder({ merchantId, amountFen: 10_000n });
    const request = { requestId: f.id('req'), orderId, cause: CompensationCause.COMPENSATION_CAUSE_FRAUD, afterSaleId: '', operatorId: 'op-1', evidenceRef: 'finding-1', note: '' };
    const paid = await f.client.payAdvanceCompensation(request);
    await f.client.payAdvanceCompensation(request);
    const compensationId = paid.compensation?.compensationId ?? '';

    const { decisions } = await ops.listDecisions({ subject: { type: 'order', id: orderId }, kind: 'compensation', view: DecisionView.DECISION_VIEW_FULL });
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      decisionId: compensationId,
      outcome: 'PAID',
      policy: { name: 'consumer-protection-fund', version: '2026-11-01.1' },
      moneyAtStake: { amountFen: 50_000n },
      shadow: { candidateVersion: '2026-12-01.1', outcome: 'PAID', agrees: true },
    });
    const input = compensationDecisions.decodeInput(decisions[0]?.inputJson ?? '');
    expect(input).toMatchObject({
      orderId,
      merchantId,
      cause: 'FRAUD',
      categoryCode: 'home.kitchen',
      payouts: { priceFen: 10_000n, refundedFen: 0n, punitiveFen: 0n, lateDispatchFen: 0n },
      deposit: { balanceFen: 30_000n, owedFen: 0n },
      promise: { name: 'consumer-promise' },
    });
    // The candidate's floor (¥1,000) is recorded beside the live ¥500 and never paid.
    expect(compensationDecisions.decodeOutcome(decisions[0]?.shadow?.outcomeJson ?? '')).toMatchObject({ outcome: 'PAID', plan: { amountFen: 100_000n } });
    expect(paid.compensation?.amountFen).toBe(50_000n);
    expect((await ops.replayDecision({ decisionId: compensationId })).result?.verdict).toBe(ReplayVerdict.REPLAY_VERDICT_IDENTICAL);
  });

  it('a tampered stored input replays DIFFERENT at the first differing path', async () => {
    const request = await returnRequest(10_000n);
    const afterSaleId = (await f.client.requestAfterSale(request)).afterSale?.afterSaleId ?? '';
    // Only the table's owner can get past the immutability trigger: what a replay must catch.
    await f.sut.db.$executeRawUnsafe('ALTER TABLE decision_records DISABLE TRIGGER decision_records_no_update');
    await f.sut.db.$executeRawUnsafe(
      `UPDATE decision_records SET input = replace(input, '"buyerTrustScore":50', '"buyerTrustScore":10') WHERE decision_id = $1`,
      afterSaleId,
    );
    await f.sut.db.$executeRawUnsafe('ALTER TABLE decision_records ENABLE TRIGGER decision_records_no_update');
    const { result } = await ops.replayDecision({ decisionId: afterSaleId });
    expect(result).toMatchObject({
      verdict: ReplayVerdict.REPLAY_VERDICT_DIFFERENT,
      firstDifference: { path: '$.outcome', recordedJson: '"GRANTED_ON_PICKUP"', recomputedJson: '"DENIED"' },
    });
    const bulk = await ops.replayDecisions({ window, kind: 'fast-refund' });
    expect(bulk.different).toBe(1n);
    expect(bulk.results.map((r) => r.decisionId)).toEqual([afterSaleId]);

    // A fund payment whose claim is said, after the fact, to be for unsafe food (10x, at least ¥1,000).
    const [paid] = (await ops.listDecisions({ kind: 'compensation', window })).decisions;
    await f.sut.db.$executeRawUnsafe('ALTER TABLE decision_records DISABLE TRIGGER decision_records_no_update');
    await f.sut.db.$executeRawUnsafe(`UPDATE decision_records SET input = replace(input, '"cause":"FRAUD"', '"cause":"FOOD_SAFETY"') WHERE decision_id = $1`, paid?.decisionId);
    await f.sut.db.$executeRawUnsafe('ALTER TABLE decision_records ENABLE TRIGGER decision_records_no_update');
    expect((await ops.replayDecision({ decisionId: paid?.decisionId ?? '' })).result).toMatchObject({
      verdict: ReplayVerdict.REPLAY_VERDICT_DIFFERENT,
      firstDifference: { path: '$.plan.amountFen', recordedJson: '{"$bigint":"50000"}', recomputedJson: '{"$bigint":"100000"}' },
    });
  });

  it('shadow report and backtest: the stricter cap’s changed outcomes match a direct re-evaluation of the recorded inputs', async () => {
    for (const amountFen of [5_000n, 16_000n, 19_000n]) await f.client.requestAfterSale(await returnRequest(amountFen));
    const recorded = await recordedOf('fast-refund');
    const direct = recorded.map((d) => ({
      id: d.decisionId,
      live: evaluate(fastRefundDecisions, '2026-11-01.1', d.inputJson),
      candidate: evaluate(fastRefundDecisions, '2026-12-01.1', d.inputJson),
    }));
    const changed = direct.filter((d) => d.live.outcome !== d.candidate.outcome);
    expect(changed.length).toBeGreaterThanOrEqual(3);

    const { reports } = await ops.getShadowReport({ window, kind: 'fast-refund' });
    expect(reports[0]).toMatchObject({ kind: 'fast-refund', candidateVersion: '2026-12-01.1', evaluated: BigInt(recorded.length), failed: 0n });
    // The tampered record of the previous test holds its recorded outcomes: the shadow side was recorded live.
    expect(reports[0]?.divergingOutcomes).toEqual([
      expect.objectContaining({ activeOutcome: 'GRANTED_ON_PICKUP', candidateOutcome: 'DENIED', count: BigInt(recorded.filter((d) => d.shadow && !d.shadow.agrees).length) }),
    ]);

    const report = await ops.runBacktest({ kind: 'fast-refund', candidateVersion: '2026-12-01.1', window, exampleLimit: 10 });
    expect(report).toMatchObject({ evaluated: BigInt(recorded.length), failed: 0n, truncated: false });
    const byRecorded = recorded.map((d) => ({ id: d.decisionId, outcome: d.outcome, candidate: evaluate(fastRefundDecisions, '2026-12-01.1', d.inputJson) }));
    const changedFromRecorded = byRecorded.filter((d) => d.outcome !== d.candidate.outcome);
    expect(report.outcomeChanged).toBe(BigInt(changedFromRecorded.length));
    expect(report.changes).toEqual([
      expect.objectContaining({
        baselineOutcome: 'GRANTED_ON_PICKUP',
        candidateOutcome: 'DENIED',
        count: BigInt(changedFromRecorded.length),
        candidateMoneyAtStake: { amountFen: 0n, currencyCode: 'CNY' },
      }),
    ]);
    expect(report.changes[0]?.examples.map((e) => e.decisionId).sort()).toEqual(changedFromRecorded.map((d) => d.id).sort());

    // The fund's candidate changes no outcome, only the money: the backtest says how much.
    const fund = await recordedOf('compensation');
    const fundReport = await ops.runBacktest({ kind: 'compensation', candidateVersion: '2026-12-01.1', window });
    // The baseline is what was recorded (one input was tampered with above); the candidate re-evaluates the stored inputs.
    const recordedMoney = fund.reduce((total, d) => total + (d.moneyAtStake?.amountFen ?? 0n), 0n);
    const candidateMoney = fund.reduce((total, d) => total + (evaluate(compensationDecisions, '2026-12-01.1', d.inputJson).money ?? 0n), 0n);
    expect(fundReport).toMatchObject({ evaluated: BigInt(fund.length), outcomeChanged: 0n });
    expect(fundReport.baselineTally?.moneyAtStake?.amountFen).toBe(recordedMoney);
    expect(fundReport.candidateTally?.moneyAtStake?.amountFen).toBe(candidateMoney);
    expect(candidateMoney).toBeGreaterThan(recordedMoney);
  });

  it('lists the kinds with their versions and serves replays of every recorded decision', async () => {
    const { kinds } = await ops.listDecisionKinds({});
    expect(kinds.map((k) => [k.kind, k.activeVersion, k.versions, k.movesMoney])).toEqual([
      ['compensation', '2026-11-01.1', ['2026-11-01.1', '2026-12-01.1'], true],
      ['fast-refund', '2026-11-01.1', ['2026-11-01.1', '2026-12-01.1'], true],
      // Care's steps decide no amount: the fund's payment is the compensation kind's decision.
      ['new-buyer-care', '2026-12-05.2', ['2026-12-05.1', '2026-12-05.2'], false],
    ]);
    // Every record replays identical but the two the tampering test changed.
    const bulk = await ops.replayDecisions({ window });
    expect(bulk).toMatchObject({ different: 2n, notReplayable: 0n });
    expect(bulk.identical).toBe(bulk.replayed - 2n);
  });
});

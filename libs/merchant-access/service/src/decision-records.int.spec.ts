import { MerchantServiceMetricsReported, MerchantServiceMetricsReportedEvent } from '@govern/contracts-consumer-experience';
import { GovernanceOpsServiceDefinition, ReplayVerdict } from '@govern/contracts-common';
import { MerchantAccessServiceDefinition, RiskBand, ViolationSource, ViolationType, type RecordViolationRequest } from '@govern/contracts-merchant-access';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { decodeDecisionJson, type SomeDecisionKind } from '@govern/platform-decisions';
import { closeServiceClient, type ServiceClient } from '@govern/platform-grpc';
import { startServiceForTest, waitingOutRateLimit, type ServiceUnderTest } from '@govern/platform-service-testing';
import { syntheticIdentity } from '@govern/platform-testing';
import { DAY } from '@govern/policy-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardingDecisions } from './decisions/onboarding.decision-kind';
import { storeScoreDecisions } from './decisions/store-score.decision-kind';
import { violationPointsDecisions } from './decisions/violation-points.decision-kind';
import { createMerchantAccessService } from './merchant-access.service';
import { applicationInput } from './testing/applications';

const ACTIVE = '2026-11-01.1';
/** The store score's active version reads buyer contacts (issue 19); its candidate is that document with the 50-order minimum. */
const STORE_SCORE_ACTIVE = '2026-12-05.1';
const candidateOf = (kind: string): string => (kind === 'store-score' ? '2026-12-05.2' : CANDIDATE);
const CANDIDATE = '2026-12-01.1';
const WINDOW = { startTime: new Date('2026-10-01T00:00:00Z'), endTime: new Date('2027-01-01T00:00:00Z') };

describe('merchant-access decision records through GovernanceOpsService', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof MerchantAccessServiceDefinition>;
  let ops: ServiceClient<typeof GovernanceOpsServiceDefinition>;
  /** kind -> decision ids taken in this test, with the outcome the service acted on. */
  const made = new Map<string, string[]>();
  const note = (kind: string, id: string): void => {
    made.set(kind, [...(made.get(kind) ?? []), id]);
  };

  beforeAll(async () => {
    // Every kind's stricter candidate runs in shadow from the start, as SHADOW_POLICIES would set it.
    sut = await startServiceForTest(
      createMerchantAccessService({
        identityHashKey: 'integration-test-identity-hash-key-0123456789',
        shadowPolicies: { onboarding: CANDIDATE, 'violation-points': CANDIDATE, 'store-score': candidateOf('store-score') },
      }),
    );
    client = sut.client(MerchantAccessServiceDefinition);
    ops = sut.client(GovernanceOpsServiceDefinition);
  });
  afterAll(async () => {
    closeServiceClient(client);
    closeServiceClient(ops);
    await sut?.stop();
  });

  const onboard = async (seed: number, categoryCodes = ['general']) => {
    const res = await client.submitApplication({ requestId: `dec-onboard-${seed}`, application: applicationInput(seed, { categoryCodes }) });
    const applicationId = res.application?.applicationId ?? '';
    note('onboarding', applicationId);
    return { res, applicationId, merchantId: res.merchant?.merchantId ?? '' };
  };

  const violation = async (requestId: string, merchantId: string, type: ViolationType) => {
    const req: RecordViolationRequest = { requestId, merchantId, type, source: ViolationSource.VIOLATION_SOURCE_OPERATOR, sourceRef: '', productId: '', description: '', evidence: {} };
    const res = await client.recordViolation(req);
    note('violation-points', res.violation?.violationId ?? '');
    return res;
  };

  const decisionOf = async (id: string) => (await ops.getDecision({ decisionId: id })).decision;

  it('onboarding: records the normalised application, ring links and time, never an identity number; shadow diverges on the 60-69 band', async () => {
    const clean = await onboard(7001);
    expect(clean.res.application?.decision?.band).toBe(RiskBand.RISK_BAND_APPROVE);
    // Two regulated categories without their qualifications: 40 + 20 = 60 — restricted now, reviewed under the candidate.
    const risky = await onboard(7002, ['general', 'apparel', 'electronics', 'cosmetics', 'medical_device']);
    expect(risky.res.application?.decision).toMatchObject({ band: RiskBand.RISK_BAND_APPROVE_WITH_RESTRICTIONS, riskScore: 60 });
    expect(risky.res.merchant).toBeDefined();

    const decision = await decisionOf(risky.applicationId);
    expect(decision).toMatchObject({ kind: 'onboarding', outcome: 'APPROVE_WITH_RESTRICTIONS', policy: { name: 'merchant-onboarding', version: ACTIVE }, requestId: 'dec-onboard-7002' });
    expect(decision?.subjects).toEqual([{ type: 'application', id: risky.applicationId }, { type: 'merchant', id: risky.merchantId }]);
    expect(decision?.shadow).toMatchObject({ candidateVersion: CANDIDATE, outcome: 'MANUAL_REVIEW', agrees: false });
    const facts = decodeDecisionJson(decision?.inputJson ?? '') as { application: { categories: string[] }; at: Date; ring: unknown; maxOthersPerDevice: number };
    expect(facts.application.categories).toEqual(['general', 'apparel', 'electronics', 'cosmetics', 'medical_device']);
    expect(facts.at).toEqual(sut.clock.now());
    expect(facts.ring).toBeDefined();
    const identity = syntheticIdentity(7002);
    for (const secret of [identity.creditCode, identity.residentId, identity.mobilePhone, identity.bankCard]) expect(decision?.inputJson).not.toContain(secret);

    // An idempotent repeat answers the first outcome and records nothing.
    await client.submitApplication({ requestId: 'dec-onboard-7002', application: applicationInput(7002, { categoryCodes: ['general', 'apparel', 'electronics', 'cosmetics', 'medical_device'] }) });
    const rows = await sut.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM decision_records WHERE request_id = 'dec-onboard-7002'`);
    expect(rows[0]?.n).toBe(1n);
  });

  it('violation-points: records the window, the violation and the deposit forfeited; shadow diverges at 10 points', async () => {
    const { merchantId } = await onboard(7003);
    const first = await violation('dec-v-1', merchantId, ViolationType.VIOLATION_TYPE_THREE_NO_LISTING);
    const second = await violation('dec-v-2', merchantId, ViolationType.VIOLATION_TYPE_FAKE_SHIPMENT);
    expect(second.sanction).toBeUndefined();
    const diverging = await decisionOf(second.violation?.violationId ?? '');
    expect(diverging).toMatchObject({ kind: 'violation-points', outcome: 'POINTS_ADDED', shadow: { candidateVersion: CANDIDATE, outcome: 'LISTING_RESTRICTED', agrees: false } });
    const facts = decodeDecisionJson(diverging?.inputJson ?? '') as { violations: { id: string }[]; violation: { type: string } };
    expect(facts.violations.map((v) => v.id)).toEqual([first.violation?.violationId]);
    expect(facts.violation.type).toBe('FAKE_SHIPMENT');

    const { merchantId: fraudster } = await onboard(7004);
    const removed = await violation('dec-v-3', fraudster, ViolationType.VIOLATION_TYPE_FRAUD);
    expect(removed.removed).toBe(true);
    const removal = await decisionOf(removed.violation?.violationId ?? '');
    expect(removal).toMatchObject({ outcome: 'REMOVED', moneyAtStake: { amountFen: 200_000n }, shadow: { agrees: true } });
  });

  it('store-score: records the window’s reports the score read; shadow diverges below the candidate’s order minimum', async () => {
    const { merchantId } = await onboard(7005);
    const end = sut.clock.now();
    const report = (eventId: string, orders: bigint) =>
      MerchantServiceMetricsReported.fromPartial({
        meta: { eventId, occurredAt: end, causationId: eventId, correlationId: eventId },
        merchantId,
        window: { startTime: new Date(end.getTime() - 90 * DAY), endTime: end },
        orders,
        inStockOrdersDue: orders,
        dispatchedWithin48h: orders,
        avgResponseMinutes: 2,
        positiveReviews: 200n,
      });
    await sut.publish(MerchantServiceMetricsReportedEvent, report('dec-metrics-1', 40n));
    const id = 'store-score:dec-metrics-1';
    await expect.poll(async () => (await ops.listDecisions({ kind: 'store-score', pageSize: 10 })).decisions.length, { timeout: 10_000 }).toBe(1);
    note('store-score', id);
    const decision = await decisionOf(id);
    expect(decision).toMatchObject({ kind: 'store-score', outcome: '5.00', policy: { name: 'store-experience-score', version: STORE_SCORE_ACTIVE }, shadow: { outcome: 'NEUTRAL', agrees: false } });
    expect((await client.getStoreExperienceScore({ merchantId })).score).toMatchObject({ score: 5, neutral: false });
    const facts = decodeDecisionJson(decision?.inputJson ?? '') as { reports: { orders: number }[] };
    expect(facts.reports.map((r) => r.orders)).toEqual([40]);
  });

  it('replays every decision identically, and the shadow report counts the divergences per kind', async () => {
    for (const ids of made.values()) {
      for (const id of ids) expect((await ops.replayDecision({ decisionId: id })).result?.verdict).toBe(ReplayVerdict.REPLAY_VERDICT_IDENTICAL);
    }
    const total = [...made.values()].reduce((n, ids) => n + ids.length, 0);
    expect(await ops.replayDecisions({ window: WINDOW, maxDecisions: 0n, maxResults: 0 })).toMatchObject({ replayed: BigInt(total), identical: BigInt(total) });

    const { reports } = await ops.getShadowReport({ window: WINDOW, kind: '', topN: 5, exampleLimit: 3 });
    const byKind = new Map(reports.map((r) => [r.kind, r]));
    expect(byKind.get('onboarding')?.divergingOutcomes).toEqual([{ activeOutcome: 'APPROVE_WITH_RESTRICTIONS', candidateOutcome: 'MANUAL_REVIEW', count: 1n, exampleDecisionIds: [made.get('onboarding')?.[1]] }]);
    expect(byKind.get('violation-points')?.divergingOutcomes.map((d) => [d.activeOutcome, d.candidateOutcome, d.count])).toEqual([['POINTS_ADDED', 'LISTING_RESTRICTED', 1n]]);
    expect(byKind.get('store-score')?.divergingOutcomes.map((d) => [d.activeOutcome, d.candidateOutcome, d.count])).toEqual([['5.00', 'NEUTRAL', 1n]]);
  });

  it('backtests each kind’s candidate: the changed outcomes match a direct re-evaluation of the recorded inputs', async () => {
    const kinds: SomeDecisionKind[] = [onboardingDecisions, violationPointsDecisions, storeScoreDecisions];
    for (const kind of kinds) {
      const candidate = kind.versions[candidateOf(kind.kind)];
      if (!candidate) throw new Error(`${kind.kind} lacks ${candidateOf(kind.kind)}`);
      const changed: string[] = [];
      for (const id of made.get(kind.kind) ?? []) {
        const decision = await decisionOf(id);
        if (kind.summarize(candidate(kind.decodeInput(decision?.inputJson ?? ''))).outcome !== decision?.outcome) changed.push(id);
      }
      expect(changed, kind.kind).toHaveLength(1);
      // Three kinds, and RunBacktest allows bursts of two per caller: the third waits for a refill.
      const report = await waitingOutRateLimit(() => ops.runBacktest({ kind: kind.kind, candidateVersion: candidateOf(kind.kind), window: WINDOW, exampleLimit: 5 }));
      expect(report, kind.kind).toMatchObject({ evaluated: BigInt(made.get(kind.kind)?.length ?? 0), failed: 0n, outcomeChanged: BigInt(changed.length) });
      expect(report.changes.flatMap((c) => c.examples.map((e) => e.decisionId))).toEqual(changed);
    }
  });

  it('a tampered stored input replays DIFFERENT with the first difference', async () => {
    const tamper = async (id: string, from: string, to: string) => {
      // Only the table's owner can get past the trigger that refuses UPDATE: what a replay must catch.
      await sut.db.$executeRawUnsafe('ALTER TABLE decision_records DISABLE TRIGGER decision_records_no_update');
      try {
        const changed = await sut.db.$executeRawUnsafe(`UPDATE decision_records SET input = replace(input, $2, $3) WHERE decision_id = $1 AND input LIKE '%' || $2 || '%'`, id, from, to);
        expect(changed).toBe(1);
      } finally {
        await sut.db.$executeRawUnsafe('ALTER TABLE decision_records ENABLE TRIGGER decision_records_no_update');
      }
      return (await ops.replayDecision({ decisionId: id })).result;
    };
    const violationId = made.get('violation-points')?.[1] ?? '';
    const asFraud = await tamper(violationId, '"type":"FAKE_SHIPMENT"', '"type":"FRAUD"');
    expect(asFraud).toMatchObject({ verdict: ReplayVerdict.REPLAY_VERDICT_DIFFERENT, policy: { version: ACTIVE } });
    expect(asFraud?.firstDifference?.path).toMatch(/^\$\./);
    const fewerOrders = await tamper('store-score:dec-metrics-1', '"orders":40', '"orders":10');
    expect(fewerOrders).toMatchObject({ verdict: ReplayVerdict.REPLAY_VERDICT_DIFFERENT });
    // Below the order minimum the score is neutral and has no components: the first (sorted) key that differs.
    expect(fewerOrders?.firstDifference).toMatchObject({ path: '$.components[0]', recomputedJson: '' });
  });
});

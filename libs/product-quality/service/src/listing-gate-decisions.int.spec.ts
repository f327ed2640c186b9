import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GovernanceOpsServiceDefinition, ReplayVerdict } from '@govern/contracts-common';
import { ListingDecision, ProductQualityServiceDefinition, type Listing } from '@govern/contracts-product-quality';
import { decodeDecisionJson } from '@govern/platform-decisions';
import type { ServiceClient } from '@govern/platform-grpc';
import { type ServiceUnderTest, startServiceForTest } from '@govern/platform-service-testing';
import type { PrismaClient } from '@govern/product-quality-data-access';
import { LISTING_GATE_POLICIES, type ListingGateDecision } from '@govern/product-quality-domain';
import { listingGateDecisions, type ListingGateFacts } from './decisions/listing-gate.decision-kind';
import { createProductQualityService } from './product-quality.service';
import { listing, onboard, unique } from './testing/fixtures';

const ACTIVE = LISTING_GATE_POLICIES.active.version;
const CANDIDATE = '2026-12-01.1';
const WINDOW = { startTime: new Date('2026-10-31T00:00:00Z'), endTime: new Date('2026-11-02T00:00:00Z') };

describe('listing-gate decision records through GovernanceOpsService', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof ProductQualityServiceDefinition>;
  let ops: ServiceClient<typeof GovernanceOpsServiceDefinition>;
  /** evaluation id -> the listing sent and the outcome answered. */
  const made = new Map<string, { listing: Listing; decision: ListingDecision }>();

  const evaluate = async (l: Listing, requestId = unique('r')) => {
    const res = await client.evaluateListing({ requestId, listing: l, action: 0 });
    made.set(res.evaluationId, { listing: l, decision: res.decision });
    return res;
  };

  beforeAll(async () => {
    // The stricter candidate runs in shadow from the start, as SHADOW_POLICIES would set it.
    sut = await startServiceForTest(createProductQualityService({ shadowPolicies: { 'listing-gate': CANDIDATE } }));
    client = sut.client(ProductQualityServiceDefinition);
    ops = sut.client(GovernanceOpsServiceDefinition);
    await onboard(sut, 'M-1');
  });
  afterAll(async () => {
    await sut?.stop();
  });

  it('records each gate decision with its input as evaluated and its version; a repeated request records nothing', async () => {
    const approved = await evaluate(listing());
    const rejected = await evaluate(listing({ manufacturer: '', certificateCode: '无' }));
    expect(approved.decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    expect(rejected.decision).toBe(ListingDecision.LISTING_DECISION_REJECTED);

    const { decision } = await ops.getDecision({ decisionId: approved.evaluationId });
    expect(decision).toMatchObject({ kind: 'listing-gate', outcome: 'APPROVED', policy: { name: 'listing-gate', version: ACTIVE } });
    expect(decision?.subjects).toEqual(expect.arrayContaining([{ type: 'listing', id: made.get(approved.evaluationId)?.listing.listingId }]));
    const facts = decodeDecisionJson(decision?.inputJson ?? '') as ListingGateFacts;
    expect(facts.listing.listingId).toBe(made.get(approved.evaluationId)?.listing.listingId);
    expect(facts.merchant).toMatchObject({ merchantId: 'M-1', standing: 'ACTIVE' });
    expect(facts.now).toEqual(sut.clock.now());
    expect(decision?.reasons.map((r) => r.code)).toEqual(approved.reasons.map((r) => r.code));

    const again = await client.evaluateListing({ requestId: decision?.requestId ?? '', listing: made.get(approved.evaluationId)?.listing, action: 0 });
    expect(again.evaluationId).toBe(approved.evaluationId);
    const rows = await sut.db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM decision_records WHERE request_id = $1`, decision?.requestId);
    expect(rows[0]?.n).toBe(1n);
  });

  it('replays every recorded decision identically, one by one and over the window', async () => {
    for (const id of made.keys()) {
      const { result } = await ops.replayDecision({ decisionId: id });
      expect(result).toMatchObject({ decisionId: id, verdict: ReplayVerdict.REPLAY_VERDICT_IDENTICAL, policy: { version: ACTIVE } });
    }
    const bulk = await ops.replayDecisions({ kind: 'listing-gate', window: WINDOW, maxDecisions: 0n, maxResults: 0 });
    expect(bulk).toMatchObject({ replayed: BigInt(made.size), identical: BigInt(made.size), different: 0n });
  });

  it('records the shadow candidate beside the live outcome, acts on the live one, and reports the divergence', async () => {
    // A five-character certificate code: enough for the active gate (3), too short for the candidate (6).
    const diverging = await evaluate(listing({ certificateCode: 'Q/A12' }));
    expect(diverging.decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    expect((await client.getProduct({ productId: made.get(diverging.evaluationId)?.listing.productId ?? '' })).product).toBeDefined();
    const { decision } = await ops.getDecision({ decisionId: diverging.evaluationId });
    expect(decision).toMatchObject({ outcome: 'APPROVED', shadow: { candidateVersion: CANDIDATE, outcome: 'REJECTED', agrees: false, error: '' } });
    expect(decision?.shadow?.reasonCodes).toContain('LISTING.THREE_NO');

    const { reports } = await ops.getShadowReport({ window: WINDOW, kind: 'listing-gate', topN: 5, exampleLimit: 3 });
    expect(reports).toHaveLength(1);
    // Every decision so far ran under the shadow; only this one diverged.
    expect(reports[0]).toMatchObject({ kind: 'listing-gate', candidateVersion: CANDIDATE, evaluated: BigInt(made.size), agreed: BigInt(made.size - 1), failed: 0n });
    expect(reports[0]?.divergingOutcomes).toEqual([
      { activeOutcome: 'APPROVED', candidateOutcome: 'REJECTED', count: 1n, exampleDecisionIds: [diverging.evaluationId] },
    ]);
  });

  it('backtests the candidate over the recorded decisions: the changes match a direct re-evaluation', async () => {
    for (const certificateCode of ['AB1234', 'AB12', 'GB 1', 'GB 4806.7']) await evaluate(listing({ certificateCode }));
    const candidate = listingGateDecisions.versions[CANDIDATE];
    if (!candidate) throw new Error('candidate version missing');
    const changed: string[] = [];
    for (const id of made.keys()) {
      const { decision } = await ops.getDecision({ decisionId: id });
      const recomputed = candidate(decodeDecisionJson(decision?.inputJson ?? '') as ListingGateFacts) as ListingGateDecision;
      if (recomputed.decision !== decision?.outcome) changed.push(id);
    }
    expect(changed.length).toBe(3);

    const report = await ops.runBacktest({ kind: 'listing-gate', candidateVersion: CANDIDATE, window: WINDOW, exampleLimit: 10 });
    expect(report).toMatchObject({ kind: 'listing-gate', candidate: CANDIDATE, evaluated: BigInt(made.size), failed: 0n, outcomeChanged: BigInt(changed.length), truncated: false });
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({ baselineOutcome: 'APPROVED', candidateOutcome: 'REJECTED', count: BigInt(changed.length) });
    expect(new Set(report.changes[0]?.examples.map((e) => e.decisionId))).toEqual(new Set(changed));

    // The same candidate given as parameters over the active document decides the same.
    const byParameters = await ops.runBacktest({ kind: 'listing-gate', candidateParametersJson: '{"threeNo":{"certificateMinChars":6}}', window: WINDOW });
    expect(byParameters.outcomeChanged).toBe(BigInt(changed.length));
  });

  it('a tampered stored input replays DIFFERENT at the first differing path', async () => {
    const target = await evaluate(listing());
    expect(target.decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
    // Only the table's owner can get past the trigger that refuses UPDATE: what a replay must catch.
    await sut.db.$executeRawUnsafe('ALTER TABLE decision_records DISABLE TRIGGER decision_records_no_update');
    try {
      await sut.db.$executeRawUnsafe(`UPDATE decision_records SET input = replace(input, '"manufacturer":"浙江永康某某杯业有限公司"', '"manufacturer":""') WHERE decision_id = $1`, target.evaluationId);
    } finally {
      await sut.db.$executeRawUnsafe('ALTER TABLE decision_records ENABLE TRIGGER decision_records_no_update');
    }
    const { result } = await ops.replayDecision({ decisionId: target.evaluationId });
    expect(result).toMatchObject({ verdict: ReplayVerdict.REPLAY_VERDICT_DIFFERENT, policy: { version: ACTIVE } });
    expect(result?.firstDifference).toMatchObject({ path: '$.decision', recordedJson: '"APPROVED"', recomputedJson: '"REJECTED"' });
  });
});

describe('listing-gate decisions on a single database connection (as embedded PGlite has)', () => {
  it('decides the first listing without reading the shadow settings inside its own transaction', async () => {
    // With one connection, a settings read from inside the gate's transaction would wait for that very transaction.
    const sut = await startServiceForTest(createProductQualityService({ shadowPolicies: { 'listing-gate': CANDIDATE } }), { poolSize: 1 });
    try {
      const client = sut.client(ProductQualityServiceDefinition);
      await onboard(sut, 'M-1');
      const res = await client.evaluateListing({ requestId: unique('r'), listing: listing({ certificateCode: 'Q/A12' }), action: 0 });
      expect(res.decision).toBe(ListingDecision.LISTING_DECISION_APPROVED);
      const ops = sut.client(GovernanceOpsServiceDefinition);
      expect((await ops.getDecision({ decisionId: res.evaluationId })).decision?.shadow).toMatchObject({ candidateVersion: CANDIDATE, outcome: 'REJECTED' });
    } finally {
      await sut.stop();
    }
  });
});

import { DecisionView, GovernanceOpsServiceDefinition, ReplayVerdict } from '@govern/contracts-common';
import { ContentTier, LivestreamActionKind } from '@govern/contracts-content';
import { CLAIMS_LEXICON, compileClaimScanner } from '@govern/policy-claims';
import { closeServiceClient, type ServiceClient } from '@govern/platform-grpc';
import type { AnyDecisionKind } from '@govern/platform-decisions';
import { DAY } from '@govern/policy-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDecisionKinds } from './decisions/decision-kinds';
import { approveListings, eventually, startContentForTest, type ContentUnderTest } from './testing/content-test-kit';
import { openSignalStream } from './testing/signal-stream';

/**
 * Decision records of content through real gRPC (issue 16): every assessment and every
 * livestream action is recorded with the input as evaluated and the policy version, replays
 * identical, shows where a tampered input differs, carries the shadow candidate's outcome, and
 * backtests to what a direct re-evaluation of the recorded inputs gives.
 */
const ACTIVE = '2026-11-28.1';
const CANDIDATE = '2026-12-05.1';
const PRODUCT = { productId: 'p-dec-shirt', merchantId: 'm-dec' };
const kinds = contentDecisionKinds(compileClaimScanner(CLAIMS_LEXICON), { name: CLAIMS_LEXICON.name, version: CLAIMS_LEXICON.version });

/** Re-evaluates a recorded input directly with a version of the kind, as the service's code would. */
const evaluate = (kind: 'content-assessment' | 'livestream-action', version: string, inputJson: string): string => {
  const erased = (kind === 'content-assessment' ? kinds.contentAssessment : kinds.livestreamAction) as unknown as AnyDecisionKind;
  const outcome = erased.versions[version]?.(erased.decodeInput(inputJson));
  return erased.summarize(outcome).outcome;
};

describe('content decision records (gRPC + Postgres + NATS)', () => {
  let cut: ContentUnderTest;
  let ops: ServiceClient<typeof GovernanceOpsServiceDefinition>;
  let window: { startTime: Date; endTime: Date };

  beforeAll(async () => {
    cut = await startContentForTest({ shadowPolicies: { 'content-assessment': CANDIDATE, 'livestream-action': CANDIDATE } });
    ops = cut.sut.client(GovernanceOpsServiceDefinition, undefined, { defaultDeadlineMs: 20_000 });
    window = { startTime: new Date(cut.sut.clock.now().getTime() - DAY), endTime: new Date(cut.sut.clock.now().getTime() + DAY) };
    await approveListings(cut, [PRODUCT]);
  });
  afterAll(async () => {
    if (ops) closeServiceClient(ops);
    await cut?.stop();
  });

  const assess = (contentId: string, text: { title: string; captions: string; transcript: string }) =>
    cut.client.assessVideo({ requestId: `r-${contentId}`, contentId, creatorId: `cr-${contentId}`, ...text, linkedProducts: [PRODUCT], mediaFingerprint: `fp-${contentId}` });

  const recorded = async (kind: string) => (await ops.listDecisions({ kind, window, pageSize: 500, view: DecisionView.DECISION_VIEW_FULL })).decisions;

  it('content assessment: recorded once with the facts looked up and the version, acted on as recorded, replayed identical', async () => {
    const text = {
      title: 'Linen shirt after ten washes',
      captions: 'I washed this linen shirt ten times: here is how the fabric and seams held up.',
      transcript: 'Hello everyone, today we look at the seams, the collar and the buttons after ten washes. '.repeat(4),
    };
    const response = await assess('v-dec-1', text);
    expect(await assess('v-dec-1', text)).toEqual(response);
    const assessmentId = response.assessment?.assessmentId ?? '';

    const { decisions } = await ops.listDecisions({ subject: { type: 'content', id: 'v-dec-1' }, view: DecisionView.DECISION_VIEW_FULL });
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      decisionId: assessmentId,
      kind: 'content-assessment',
      outcome: 'STANDARD',
      policy: { name: 'content-governance', version: ACTIVE },
      requestId: 'r-v-dec-1',
      shadow: { candidateVersion: CANDIDATE },
    });
    expect(response.assessment?.tier).toBe(ContentTier.CONTENT_TIER_STANDARD);
    expect(kinds.contentAssessment.decodeInput(decisions[0]?.inputJson ?? '')).toMatchObject({
      contentId: 'v-dec-1',
      creatorId: 'cr-v-dec-1',
      at: cut.sut.clock.now(),
      lexicon: { name: CLAIMS_LEXICON.name, version: CLAIMS_LEXICON.version },
      text,
      linkedProducts: [PRODUCT],
      mediaFingerprint: 'fp-v-dec-1',
      creator: { credit: 12, linkingAllowed: true, privilegesRevoked: false },
      bannedProductIds: [],
      punishedViolationKeys: [],
    });
    expect(decisions[0]?.shadow?.outcome).toBe(evaluate('content-assessment', CANDIDATE, decisions[0]?.inputJson ?? ''));
    expect((await ops.replayDecision({ decisionId: assessmentId })).result).toMatchObject({ verdict: ReplayVerdict.REPLAY_VERDICT_IDENTICAL, policy: { version: ACTIVE } });
  });

  it('livestream action: each escalation is recorded with the window it read; the candidate that warns before interrupting diverges', async () => {
    await cut.client.startLivestream({ requestId: 'start-ls-dec', livestreamId: 'ls-dec', creatorId: 'cr-ls-dec', title: 'Spring tea tasting live', linkedProducts: [PRODUCT] });
    const stream = openSignalStream(cut.client);
    const say = (sequence: number, text: string) => ({ signal: { livestreamId: 'ls-dec', clientSequence: BigInt(sequence), transcriptSegment: { text, startOffsetMs: 0n, endOffsetMs: 1_000n } } });
    stream.send(say(1, 'Welcome everyone to the spring tasting'));
    expect((await stream.next()).kind).toBe(LivestreamActionKind.LIVESTREAM_ACTION_KIND_NONE);
    stream.send(say(2, 'and honestly, this tea cures cancer'));
    expect((await stream.next()).kind).toBe(LivestreamActionKind.LIVESTREAM_ACTION_KIND_INTERRUPT);
    await stream.close();

    const decisions = await eventually(async () => {
      const found = (await ops.listDecisions({ subject: { type: 'livestream', id: 'ls-dec' }, view: DecisionView.DECISION_VIEW_FULL })).decisions;
      return found.length > 0 ? found : undefined;
    }, 'the livestream decision');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      kind: 'livestream-action',
      outcome: 'INTERRUPT',
      policy: { version: ACTIVE },
      shadow: { candidateVersion: CANDIDATE, outcome: 'WARN_HOST', agrees: false },
    });
    expect(kinds.livestreamAction.decodeInput(decisions[0]?.inputJson ?? '')).toMatchObject({
      livestreamId: 'ls-dec',
      creatorId: 'cr-ls-dec',
      sequence: 2,
      signal: { type: 'TRANSCRIPT', text: 'and honestly, this tea cures cancer' },
      before: { level: 'NONE', lastSequence: 1, warnings: 0, strikes: [] },
    });
    expect((await ops.replayDecision({ decisionId: decisions[0]?.decisionId ?? '' })).result?.verdict).toBe(ReplayVerdict.REPLAY_VERDICT_IDENTICAL);
  });

  it('a tampered stored input replays DIFFERENT at the first differing path', async () => {
    const [decision] = (await ops.listDecisions({ subject: { type: 'livestream', id: 'ls-dec' } })).decisions;
    const decisionId = decision?.decisionId ?? '';
    // Only the table's owner can get past the immutability trigger: what a replay must catch.
    await cut.sut.db.$executeRawUnsafe('ALTER TABLE decision_records DISABLE TRIGGER decision_records_no_update');
    await cut.sut.db.$executeRawUnsafe(`UPDATE decision_records SET input = replace(input, 'cures cancer', 'tastes nice') WHERE decision_id = $1`, decisionId);
    await cut.sut.db.$executeRawUnsafe('ALTER TABLE decision_records ENABLE TRIGGER decision_records_no_update');
    const { result } = await ops.replayDecision({ decisionId });
    expect(result).toMatchObject({ verdict: ReplayVerdict.REPLAY_VERDICT_DIFFERENT, firstDifference: { path: '$.action', recordedJson: '"INTERRUPT"', recomputedJson: '"NONE"' } });

    // An assessment whose linked product is said, after the fact, to have been banned.
    const [assessment] = (await ops.listDecisions({ subject: { type: 'content', id: 'v-dec-1' } })).decisions;
    await cut.sut.db.$executeRawUnsafe('ALTER TABLE decision_records DISABLE TRIGGER decision_records_no_update');
    await cut.sut.db.$executeRawUnsafe(
      `UPDATE decision_records SET input = replace(input, '"bannedProductIds":[]', '"bannedProductIds":["p-dec-shirt"]') WHERE decision_id = $1`,
      assessment?.decisionId,
    );
    await cut.sut.db.$executeRawUnsafe('ALTER TABLE decision_records ENABLE TRIGGER decision_records_no_update');
    const tampered = (await ops.replayDecision({ decisionId: assessment?.decisionId ?? '' })).result;
    expect(tampered?.verdict).toBe(ReplayVerdict.REPLAY_VERDICT_DIFFERENT);
    expect(tampered?.firstDifference?.recordedJson).not.toEqual(tampered?.firstDifference?.recomputedJson);
    const bulk = await ops.replayDecisions({ window });
    expect(bulk.results.map((r) => r.decisionId).sort()).toEqual([decisionId, assessment?.decisionId].sort());
  });

  it('shadow report and backtest of the stricter tiers match a direct re-evaluation of the recorded inputs', async () => {
    await assess('v-dec-2', { title: 'Shirt', captions: 'A shirt.', transcript: 'Here is the shirt.' });
    await assess('v-dec-3', { title: 'Linen shirt, honest review', captions: 'Washed ten times, seams fine.', transcript: 'Seams, collar, buttons: all fine after ten washes. '.repeat(2) });
    // The three videos and the livestream's own item, assessed when it started.
    const assessments = await recorded('content-assessment');
    expect(assessments).toHaveLength(4);
    const direct = assessments.map((d) => ({ id: d.decisionId, recorded: d.outcome, candidate: evaluate('content-assessment', CANDIDATE, d.inputJson) }));
    const changed = direct.filter((d) => d.recorded !== d.candidate);
    expect(changed.length).toBeGreaterThan(0);
    // The shadow side was recorded live: it is what the candidate gives on the untampered inputs.
    const untampered = assessments.filter((d) => d.decisionId !== assessments.find((a) => a.subjects.some((s) => s.id === 'v-dec-1'))?.decisionId);
    for (const d of untampered) expect(d.shadow?.outcome).toBe(evaluate('content-assessment', CANDIDATE, d.inputJson));
    expect(untampered.some((d) => d.shadow?.agrees === false)).toBe(true);

    const { reports } = await ops.getShadowReport({ window, kind: 'content-assessment' });
    expect(reports[0]).toMatchObject({ evaluated: 4n, agreed: BigInt(assessments.filter((d) => d.shadow?.agrees).length), failed: 0n });

    const report = await ops.runBacktest({ kind: 'content-assessment', candidateVersion: CANDIDATE, window, exampleLimit: 10 });
    expect(report).toMatchObject({ evaluated: 4n, failed: 0n, outcomeChanged: BigInt(changed.length) });
    const changes = report.changes.map((c) => ({ from: c.baselineOutcome, to: c.candidateOutcome, ids: c.examples.map((e) => e.decisionId).sort() }));
    const expected = new Map<string, { from: string; to: string; ids: string[] }>();
    for (const d of changed) {
      const key = `${d.recorded}>${d.candidate}`;
      const entry = expected.get(key) ?? { from: d.recorded, to: d.candidate, ids: [] };
      entry.ids.push(d.id);
      expected.set(key, entry);
    }
    expect(changes.sort((a, b) => a.from.localeCompare(b.from))).toEqual([...expected.values()].map((e) => ({ ...e, ids: e.ids.sort() })).sort((a, b) => a.from.localeCompare(b.from)));
  });

  it('a livestream backtest reports the changed actions a direct re-evaluation gives', async () => {
    const actions = await recorded('livestream-action');
    const changed = actions.filter((d) => d.outcome !== evaluate('livestream-action', CANDIDATE, d.inputJson));
    const report = await ops.runBacktest({ kind: 'livestream-action', candidateVersion: CANDIDATE, window, exampleLimit: 10 });
    expect(report).toMatchObject({ evaluated: BigInt(actions.length), failed: 0n, outcomeChanged: BigInt(changed.length) });
    expect(report.changes.flatMap((c) => c.examples.map((e) => e.decisionId)).sort()).toEqual(changed.map((d) => d.decisionId).sort());
  });

  it('lists both kinds with every shipped version', async () => {
    const { kinds: listed } = await ops.listDecisionKinds({});
    expect(listed.map((k) => [k.kind, k.activeVersion, k.versions])).toEqual([
      ['content-assessment', ACTIVE, [ACTIVE, CANDIDATE]],
      ['livestream-action', ACTIVE, [ACTIVE, CANDIDATE]],
    ]);
  });
});

import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActorKind,
  BacktestBaseline,
  commonDescriptorSet,
  DecisionView,
  GovernanceOpsServiceDefinition,
  ReasonSide,
  ReplayVerdict,
  type Actor,
} from '@govern/contracts-common';
import { connectPrisma, runInTransaction, type DatabaseConnection } from '@govern/platform-db';
import { closeServiceClient, createGrpcServer, createServiceClient, type GrpcServer, type ServiceClient } from '@govern/platform-grpc';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { definePolicyVersions, ManualClock, sequentialIds } from '@govern/policy-core';
import { decodeDecisionJson } from './codec/decision-json';
import { createDecisionLog, type DecisionLog } from './decision-log';
import { PrismaClient } from './generated/test-client/client';
import { governanceOpsHandlers } from './grpc/governance-ops.handlers';
import { decideToyRefund, TOY_POLICIES, toyInputs, toyRefundKind, type ToyRefundInput } from './testing/toy-refund.fixture';
import { GOVERNANCE_OPS_POLICY } from './grpc/governance-ops.policy';
import { actorOf, as, failure, PLATFORM_MIGRATIONS } from './testing/ops-caller.fixture';

const silent = pino({ level: 'silent' });
const ACTIVE = '2026-11-01.1';
const STRICTER = '2026-12-01.1';
const SERVICE: Actor = { subject: 'spiffe://govern/toy', kind: ActorKind.ACTOR_KIND_SERVICE, roles: [], service: 'toy' };
const day = (d: number): Date => new Date(Date.UTC(2026, 10, d));
const windowOf = (from: number, to: number) => ({ startTime: day(from), endTime: day(to) });
const v1 = TOY_POLICIES.find(ACTIVE);
const v2 = TOY_POLICIES.find(STRICTER);
if (!v1 || !v2) throw new Error('toy policies lack a version');


describe('decision records, replay, shadow and backtest through GovernanceOpsService', () => {
  const kind = toyRefundKind();
  const clock = new ManualClock(day(1));
  let db: TestDatabase;
  let conn: DatabaseConnection<PrismaClient>;
  let decisions: DecisionLog;
  let server: GrpcServer;
  let ops: ServiceClient<typeof GovernanceOpsServiceDefinition>;
  const window1 = toyInputs(1000, day(1), 'w1');

  /** What a service does on its hot path: evaluate (with shadow), act, record in its own transaction. */
  const decideAndRecord = async (inputs: readonly ToyRefundInput[], log = decisions) => {
    const evaluations = [];
    for (const input of inputs) {
      clock.set(input.at);
      evaluations.push(await log.evaluateWithShadow(kind, input));
    }
    for (let i = 0; i < evaluations.length; i += 100) {
      const chunk = evaluations.slice(i, i + 100);
      await runInTransaction(conn.client, (tx) =>
        log.recordDecisions(
          tx,
          chunk.map((evaluation) => ({
            evaluation,
            decisionId: `dec-${evaluation.input.afterSaleId}`,
            actor: SERVICE,
            requestId: `req-${evaluation.input.afterSaleId}`,
            correlationId: `corr-${evaluation.input.merchantId}`,
          })),
        ),
      );
    }
    return evaluations;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: PLATFORM_MIGRATIONS, prefix: 'platform_decisions' });
    conn = connectPrisma((adapter) => new PrismaClient({ adapter }), { connectionString: db.url, poolSize: 5 });
    // A long refresh: this replica sees its own changes at once (invalidation), not by polling.
    decisions = createDecisionLog({ db: conn.client, kinds: [kind], clock, ids: sequentialIds('dec'), log: silent, shadowRefreshMs: 600_000, batchSize: 97 });
    server = createGrpcServer({ serviceName: 'toy', logger: silent, descriptorSets: [commonDescriptorSet], transport: { mode: 'plaintext' } });
    // Open to anyone here: this suite is about the decision log behind the RPCs; who may call
    // them is GOVERNANCE_OPS_POLICY's (governance-ops.policy.spec.ts) and the server kit's to enforce.
    const open = { service: GOVERNANCE_OPS_POLICY.service, rules: Object.fromEntries(Object.keys(GOVERNANCE_OPS_POLICY.rules).map((rpc) => [rpc, { public: true } as const])) };
    server.add(GovernanceOpsServiceDefinition, governanceOpsHandlers({ serviceName: 'toy', db: conn.client, decisions, actorOf }), open);
    const port = await server.listen('127.0.0.1:0');
    ops = createServiceClient(GovernanceOpsServiceDefinition, `127.0.0.1:${port}`, { defaultDeadlineMs: 30_000 });
  });

  afterAll(async () => {
    if (ops) closeServiceClient(ops);
    await server?.shutdown();
    await conn?.close();
    await db?.drop();
  });

  it('records 1,000 decisions in the callers’ transactions and replays every one identical', async () => {
    await decideAndRecord(window1);
    // An idempotent repeat of a deciding mutation records nothing twice.
    await decideAndRecord(window1.slice(0, 10));
    const [{ n }] = (await conn.pool.query<{ n: string }>('SELECT count(*) AS n FROM decision_records')).rows as [{ n: string }];
    expect(Number(n)).toBe(1000);

    const bulk = await ops.replayDecisions({ kind: 'toy-refund', window: windowOf(1, 2) });
    expect(bulk).toMatchObject({ replayed: 1000n, identical: 1000n, different: 0n, notReplayable: 0n, truncated: false, results: [] });

    const { result } = await ops.replayDecision({ decisionId: 'dec-w1-7' });
    expect(result).toMatchObject({ verdict: ReplayVerdict.REPLAY_VERDICT_IDENTICAL, policy: { name: 'toy-refund', version: ACTIVE } });

    const { decision } = await ops.getDecision({ decisionId: 'dec-w1-7' });
    const input = window1[7] as ToyRefundInput;
    const expected = decideToyRefund(v1, input);
    expect(decision).toMatchObject({
      kind: 'toy-refund',
      subjects: [{ type: 'after_sale', id: 'w1-7' }, { type: 'merchant', id: input.merchantId }],
      decideTime: input.at,
      outcome: expected.outcome,
      reasons: expected.reasons.map((r) => ({ code: r.code })),
      moneyAtStake: { amountFen: expected.refundFen, currencyCode: 'CNY' },
      actor: SERVICE,
      requestId: 'req-w1-7',
      correlationId: `corr-${input.merchantId}`,
    });
    expect(decodeDecisionJson(decision?.inputJson ?? '')).toEqual(input);
    expect(decodeDecisionJson(decision?.outcomeJson ?? '')).toEqual({ ...expected, decidedAt: input.at });
    expect((await failure(ops.getDecision({ decisionId: 'dec-none' }))).reason).toBe('DECISION.NOT_FOUND');
  });

  it('lists decisions by kind, subject, window and correlation, newest first, page by page', async () => {
    const seen: string[] = [];
    let pageToken = '';
    const sizes: number[] = [];
    do {
      const page = await ops.listDecisions({ kind: 'toy-refund', window: windowOf(1, 2), pageSize: 300, pageToken });
      sizes.push(page.decisions.length);
      seen.push(...page.decisions.map((d) => d.decisionId));
      expect(page.decisions.every((d) => d.inputJson === '' && d.outcomeJson === '')).toBe(true);
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(sizes).toEqual([300, 300, 300, 100]);
    expect(seen).toEqual(window1.map((input) => `dec-${input.afterSaleId}`).reverse());

    const ofMerchant = await ops.listDecisions({ subject: { type: 'merchant', id: 'm-3' }, pageSize: 500, view: DecisionView.DECISION_VIEW_FULL });
    expect(ofMerchant.decisions.map((d) => d.decisionId).sort()).toEqual(window1.filter((i) => i.merchantId === 'm-3').map((i) => `dec-${i.afterSaleId}`).sort());
    expect(ofMerchant.decisions.every((d) => d.inputJson.length > 0)).toBe(true);
    const ofFlow = await ops.listDecisions({ correlationId: 'corr-m-5', pageSize: 500 });
    expect(ofFlow.decisions).toHaveLength(window1.filter((i) => i.merchantId === 'm-5').length);

    const first = await ops.listDecisions({ kind: 'toy-refund', pageSize: 10 });
    const misuse = await failure(ops.listDecisions({ kind: 'toy-refund', correlationId: 'corr-m-5', pageToken: first.nextPageToken }));
    expect(misuse.fieldViolations).toEqual([expect.objectContaining({ field: 'page_token', reason: 'INVALID_PAGE_TOKEN' })]);
    const unknownKind = await failure(ops.listDecisions({ kind: 'no-such-kind' }));
    expect(unknownKind.fieldViolations).toEqual([expect.objectContaining({ field: 'kind', reason: 'UNKNOWN_DECISION_KIND' })]);
  });

  it('a tampered stored input replays DIFFERENT at the first differing path', async () => {
    const [input] = toyInputs(1, day(3), 'tamper') as [ToyRefundInput];
    await decideAndRecord([{ ...input, amountFen: 100n, trust: 90 }]);
    await expect(conn.pool.query(`UPDATE decision_records SET input = input WHERE decision_id = 'dec-tamper-0'`)).rejects.toThrow(/immutable/);

    // Only the table's owner can get past the trigger: what a replay must catch.
    await conn.pool.query('ALTER TABLE decision_records DISABLE TRIGGER decision_records_no_update');
    await conn.pool.query(`UPDATE decision_records SET input = replace(input, '"$bigint":"100"', '"$bigint":"99999"') WHERE decision_id = 'dec-tamper-0'`);
    await conn.pool.query('ALTER TABLE decision_records ENABLE TRIGGER decision_records_no_update');

    const { result } = await ops.replayDecision({ decisionId: 'dec-tamper-0' });
    expect(result).toMatchObject({
      verdict: ReplayVerdict.REPLAY_VERDICT_DIFFERENT,
      policy: { version: ACTIVE },
      firstDifference: { path: '$.outcome', recordedJson: '"GRANTED"', recomputedJson: '"DENIED"', truncated: false },
    });
    const bulk = await ops.replayDecisions({ window: windowOf(1, 4) });
    expect(bulk).toMatchObject({ replayed: 1001n, identical: 1000n, different: 1n });
    expect(bulk.results.map((r) => r.decisionId)).toEqual(['dec-tamper-0']);
  });

  it('an old version stays replayable after a new one ships, and a dropped one says so', async () => {
    const shipped = toyRefundKind(definePolicyVersions(TOY_POLICIES.versions, STRICTER));
    const after = createDecisionLog({ db: conn.client, kinds: [shipped], clock, log: silent });
    expect(await after.replayDecisions({ kind: 'toy-refund', window: { start: day(1), end: day(2) } })).toMatchObject({ replayed: 1000, identical: 1000 });

    const dropped = toyRefundKind(definePolicyVersions({ [STRICTER]: v2 }, STRICTER));
    const result = await createDecisionLog({ db: conn.client, kinds: [dropped], clock, log: silent }).replayDecision('dec-w1-1');
    expect(result).toMatchObject({ verdict: 'NOT_REPLAYABLE', detail: `policy version "${ACTIVE}" of toy-refund is no longer loadable` });
  });

  it('shadow: the actor is recorded, live decisions carry the candidate’s outcome beside them, the report counts divergences', async () => {
    const noActor = await failure(ops.setShadowPolicy({ requestId: 'shadow-0', kind: 'toy-refund', candidateVersion: STRICTER, enabled: true }));
    expect(noActor).toMatchObject({ codeName: 'PERMISSION_DENIED', reason: 'OPS.ACTOR_REQUIRED' });
    const badVersion = await failure(ops.setShadowPolicy({ requestId: 'shadow-0', kind: 'toy-refund', candidateVersion: '2030-01-01.1', enabled: true }, as('alice')));
    expect(badVersion.fieldViolations).toEqual([expect.objectContaining({ field: 'candidate_version', reason: 'UNKNOWN_POLICY_VERSION' })]);

    const request = { requestId: 'shadow-1', kind: 'toy-refund', candidateVersion: STRICTER, enabled: true, note: 'try the ¥150 cap' };
    const set = await ops.setShadowPolicy(request, as('alice'));
    expect(set.shadowPolicy).toMatchObject({ kind: 'toy-refund', candidateVersion: STRICTER, enabled: true, note: 'try the ¥150 cap' });
    expect(set.shadowPolicy?.changedBy).toEqual({ subject: 'alice', kind: ActorKind.ACTOR_KIND_PERSON, roles: ['operator'], service: '' });
    expect(await ops.setShadowPolicy(request, as('alice'))).toEqual(set);
    const { rows } = await conn.pool.query('SELECT actor_subject, actor_kind, request_id FROM decision_shadow_settings');
    expect(rows).toEqual([{ actor_subject: 'alice', actor_kind: 'person', request_id: 'shadow-1' }]);
    const { kinds } = await ops.listDecisionKinds({});
    expect(kinds).toEqual([
      expect.objectContaining({ kind: 'toy-refund', activeVersion: ACTIVE, versions: ['2026-10-01.1', ACTIVE, STRICTER], movesMoney: true, acceptsParameters: true, shadowPolicy: set.shadowPolicy }),
    ]);

    const inputs = toyInputs(300, day(4), 'w3');
    const evaluations = await decideAndRecord(inputs);
    for (const [i, evaluation] of evaluations.entries()) {
      const input = inputs[i] as ToyRefundInput;
      expect(evaluation.outcome.outcome).toBe(decideToyRefund(v1, input).outcome);
      expect(evaluation.shadow).toMatchObject({ version: STRICTER, outcome: { outcome: decideToyRefund(v2, input).outcome } });
    }
    const diverging = inputs.filter((input) => decideToyRefund(v1, input).outcome !== decideToyRefund(v2, input).outcome);
    expect(diverging.length).toBeGreaterThan(10);
    expect(diverging.every((input) => decideToyRefund(v1, input).outcome === 'GRANTED')).toBe(true);

    const { reports } = await ops.getShadowReport({ window: windowOf(4, 5), exampleLimit: 3 });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ kind: 'toy-refund', candidateVersion: STRICTER, evaluated: 300n, agreed: BigInt(300 - diverging.length), failed: 0n });
    expect(reports[0]?.agreementRate).toBeCloseTo((300 - diverging.length) / 300, 10);
    expect(reports[0]?.divergingOutcomes).toEqual([
      { activeOutcome: 'GRANTED', candidateOutcome: 'DENIED', count: BigInt(diverging.length), exampleDecisionIds: diverging.slice(0, 3).map((i) => `dec-${i.afterSaleId}`) },
    ]);
    // A reason only one side gives: e.g. over the stricter cap, also where low trust already denied.
    const onlyOn = (code: string, side: 'active' | 'candidate') =>
      inputs.filter((input) => {
        const [mine, theirs] = side === 'active' ? [decideToyRefund(v1, input), decideToyRefund(v2, input)] : [decideToyRefund(v2, input), decideToyRefund(v1, input)];
        return mine.reasons.some((r) => r.code === code) && !theirs.reasons.some((r) => r.code === code);
      });
    expect(reports[0]?.divergingReasons).toEqual([
      { reasonCode: 'TOY.AMOUNT_OVER_CAP', side: ReasonSide.REASON_SIDE_CANDIDATE_ONLY, count: BigInt(onlyOn('TOY.AMOUNT_OVER_CAP', 'candidate').length), exampleDecisionIds: onlyOn('TOY.AMOUNT_OVER_CAP', 'candidate').slice(0, 3).map((i) => `dec-${i.afterSaleId}`) },
      { reasonCode: 'TOY.WITHIN_CAP', side: ReasonSide.REASON_SIDE_ACTIVE_ONLY, count: BigInt(diverging.length), exampleDecisionIds: diverging.slice(0, 3).map((i) => `dec-${i.afterSaleId}`) },
    ]);
    const { decision } = await ops.getDecision({ decisionId: `dec-${diverging[0]?.afterSaleId}` });
    expect(decision).toMatchObject({ outcome: 'GRANTED', shadow: { candidateVersion: STRICTER, outcome: 'DENIED', agrees: false, reasonCodes: ['TOY.AMOUNT_OVER_CAP'], error: '' } });

    // Another replica (its own cache) reads the setting from the database.
    const replica = createDecisionLog({ db: conn.client, kinds: [kind], clock, log: silent });
    await replica.loadShadowSettings(); // as every service does at start: decisions only read memory
    expect((await replica.evaluateWithShadow(kind, inputs[0] as ToyRefundInput)).shadow?.version).toBe(STRICTER);

    await ops.setShadowPolicy({ requestId: 'shadow-2', kind: 'toy-refund', enabled: false, note: 'done' }, as('bob'));
    const [off] = await decideAndRecord(toyInputs(1, day(6), 'off'));
    expect(off?.shadow).toBeUndefined();
    expect((await ops.listDecisionKinds({})).kinds[0]?.shadowPolicy).toMatchObject({ enabled: false, changedBy: { subject: 'bob' } });
  });

  it('a backtest over a window matches a direct re-evaluation of the recorded inputs', async () => {
    const direct = window1.map((input) => ({ input, active: decideToyRefund(v1, input), candidate: decideToyRefund(v2, input) }));
    const changed = direct.filter((d) => d.active.outcome !== d.candidate.outcome);
    const count = (codes: string[]) => {
      const counts = new Map<string, number>();
      for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code, n]) => ({ code, count: BigInt(n) }));
    };
    const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);

    const report = await ops.runBacktest({ kind: 'toy-refund', candidateVersion: STRICTER, window: windowOf(1, 2), exampleLimit: 3 });
    expect(report).toMatchObject({ kind: 'toy-refund', candidate: STRICTER, baseline: BacktestBaseline.BACKTEST_BASELINE_RECORDED, evaluated: 1000n, failed: 0n, truncated: false });
    expect(report.outcomeChanged).toBe(BigInt(changed.length));
    expect(report.baselineTally).toEqual({
      outcomes: count(direct.map((d) => d.active.outcome)),
      reasons: count(direct.flatMap((d) => [...new Set(d.active.reasons.map((r) => r.code))])),
      moneyAtStake: { amountFen: sum(direct.map((d) => d.active.refundFen)), currencyCode: 'CNY' },
    });
    expect(report.candidateTally).toEqual({
      outcomes: count(direct.map((d) => d.candidate.outcome)),
      reasons: count(direct.flatMap((d) => [...new Set(d.candidate.reasons.map((r) => r.code))])),
      moneyAtStake: { amountFen: sum(direct.map((d) => d.candidate.refundFen)), currencyCode: 'CNY' },
    });
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({
      baselineOutcome: 'GRANTED',
      candidateOutcome: 'DENIED',
      count: BigInt(changed.length),
      baselineMoneyAtStake: { amountFen: sum(changed.map((d) => d.active.refundFen)) },
      candidateMoneyAtStake: { amountFen: 0n },
    });
    expect(report.changes[0]?.examples.map((e) => e.decisionId)).toEqual(changed.slice(0, 3).map((d) => `dec-${d.input.afterSaleId}`));

    const byParameters = await ops.runBacktest({ kind: 'toy-refund', candidateParametersJson: '{"capFen":{"$bigint":"15000"}}', window: windowOf(1, 2) });
    expect(byParameters.candidate).toMatch(/^parameters:[0-9a-f]{12}$/);
    expect({ ...byParameters, candidate: STRICTER, changes: [] }).toEqual({ ...report, changes: [], candidate: STRICTER, baseline: byParameters.baseline });
    const againstActive = await ops.runBacktest({ kind: 'toy-refund', candidateVersion: STRICTER, window: windowOf(1, 2), baseline: BacktestBaseline.BACKTEST_BASELINE_ACTIVE_VERSION, exampleLimit: 3 });
    expect({ ...againstActive, baseline: report.baseline }).toEqual(report);

    expect(await ops.runBacktest({ kind: 'toy-refund', candidateVersion: STRICTER, window: windowOf(1, 2), maxDecisions: 100n })).toMatchObject({ evaluated: 100n, truncated: true });

    const wrongType = await failure(ops.runBacktest({ kind: 'toy-refund', candidateParametersJson: '{"capFen":150}', window: windowOf(1, 2) }));
    expect(wrongType).toMatchObject({ codeName: 'INVALID_ARGUMENT', reason: 'POLICY.PARAMETERS_INVALID' });
    expect(wrongType.fieldViolations).toEqual([expect.objectContaining({ field: 'parameters.capFen', reason: 'WRONG_TYPE' })]);
    const noCandidate = await failure(ops.runBacktest({ kind: 'toy-refund', window: { startTime: day(2), endTime: day(1) } }));
    expect(noCandidate.fieldViolations.map((v) => v.field).sort()).toEqual(['candidate', 'window']);
  });

  it('without a bus, events come from the outbox alone and there are no consumer dead letters (event-ops.int.spec.ts covers the rest)', async () => {
    expect(await ops.listEvents({})).toEqual({ events: [], nextPageToken: '' });
    expect((await ops.listDeadLetters({})).deadLetters).toEqual([]);
    expect((await failure(ops.redriveDeadLetter({ requestId: 'r', deadLetterId: 'c-1', note: '' }, as('alice')))).reason).toBe('DEAD_LETTER.NOT_FOUND');
  });
});

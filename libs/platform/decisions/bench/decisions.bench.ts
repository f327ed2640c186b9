/**
 * What decision records cost: the live hook (evaluateWithShadow, recordDecision in the
 * deciding transaction), bulk recording, and the operator side (backtest, bulk replay,
 * shadow report) over 100,000 decisions. Prints figures; asserts nothing.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx libs/platform/decisions/bench/decisions.bench.ts
 */
import { join } from 'node:path';
import pino from 'pino';
import { ActorKind } from '@govern/contracts-common';
import { connectPrisma, runInTransaction } from '@govern/platform-db';
import { createTestDatabase } from '@govern/platform-testing';
import { ManualClock } from '@govern/policy-core';
import { createDecisionLog } from '../src/decision-log';
import { PrismaClient } from '../src/generated/test-client/client';
import { toyInputs, toyRefundKind } from '../src/testing/toy-refund.fixture';

const TOTAL = 100_000;
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const ms = (n: number): string => `${n.toFixed(2)} ms`;
const actor = { subject: 'spiffe://govern/bench', kind: ActorKind.ACTOR_KIND_SERVICE, roles: [], service: 'bench' };

const db = await createTestDatabase({ migrationsDir: join(import.meta.dirname, '..', '..', 'db', 'prisma', 'migrations'), prefix: 'decisions_bench' });
const conn = connectPrisma((adapter) => new PrismaClient({ adapter }), { connectionString: db.url, poolSize: 8 });
try {
  const kind = toyRefundKind();
  const clock = new ManualClock('2026-11-01T00:00:00Z');
  const log = createDecisionLog({ db: conn.client, kinds: [kind], clock, log: pino({ level: 'silent' }) });
  const inputs = toyInputs(TOTAL, new Date('2026-11-01T00:00:00Z'), 'b');

  // 1. The hook without shadow, in memory (after a warm-up that also loads the settings once).
  for (const input of inputs.slice(0, 5_000)) await log.evaluateWithShadow(kind, input);
  let started = performance.now();
  for (const input of inputs.slice(0, 20_000)) await log.evaluateWithShadow(kind, input);
  console.log(`evaluateWithShadow, shadow off: ${(((performance.now() - started) / 20_000) * 1000).toFixed(1)} µs per decision`);

  // 2. One decision per deciding transaction (what a hot-path mutation adds), 8 at a time.
  const singles: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < 2_000; i += 8) {
    await Promise.all(
      inputs.slice(i, i + 8).map(async (input) => {
        const t0 = performance.now();
        await runInTransaction(conn.client, (tx) => tx.$executeRawUnsafe('SELECT 1'));
        const t1 = performance.now();
        const evaluation = await log.evaluateWithShadow(kind, input);
        await runInTransaction(conn.client, (tx) => log.recordDecision(tx, { evaluation, decisionId: `single-${input.afterSaleId}`, actor }));
        baseline.push(t1 - t0);
        singles.push(performance.now() - t1);
      }),
    );
  }
  singles.sort((a, b) => a - b);
  baseline.sort((a, b) => a - b);
  console.log(`transaction with one recordDecision: p50 ${ms(percentile(singles, 0.5))}, p99 ${ms(percentile(singles, 0.99))} (empty transaction: p50 ${ms(percentile(baseline, 0.5))}, p99 ${ms(percentile(baseline, 0.99))})`);

  // 3. Bulk: recordDecisions of 1,000 per statement up to TOTAL.
  started = performance.now();
  for (let i = 0; i < TOTAL; i += 1_000) {
    const evaluations = [];
    for (const input of inputs.slice(i, i + 1_000)) {
      clock.set(input.at);
      evaluations.push(await log.evaluateWithShadow(kind, input));
    }
    await runInTransaction(conn.client, (tx) => log.recordDecisions(tx, evaluations.map((evaluation) => ({ evaluation, decisionId: `bulk-${evaluation.input.afterSaleId}`, actor }))));
  }
  const bulkMs = performance.now() - started;
  console.log(`recordDecisions, 1,000 per statement: ${Math.round(TOTAL / (bulkMs / 1000)).toLocaleString('en-US')} decisions/s`);

  // 4. The operator side over the whole window.
  const window = { start: new Date('2026-11-01T00:00:00Z'), end: new Date('2027-01-31T00:00:00Z') };
  const memoryBefore = process.memoryUsage().heapUsed;
  started = performance.now();
  const backtest = await log.runBacktest({ kind: 'toy-refund', candidate: { version: '2026-12-01.1' }, window });
  const backtestMs = performance.now() - started;
  console.log(
    `runBacktest over ${backtest.evaluated.toLocaleString('en-US')} decisions: ${ms(backtestMs)} (${Math.round(backtest.evaluated / (backtestMs / 1000)).toLocaleString('en-US')}/s), ` +
      `${backtest.outcomeChanged.toLocaleString('en-US')} changed, heap +${((process.memoryUsage().heapUsed - memoryBefore) / 1e6).toFixed(1)} MB`,
  );
  started = performance.now();
  const replay = await log.replayDecisions({ kind: 'toy-refund', window });
  console.log(`replayDecisions over ${replay.replayed.toLocaleString('en-US')} decisions: ${ms(performance.now() - started)}, ${replay.identical.toLocaleString('en-US')} identical`);

  await runInTransaction(conn.client, (tx) => log.setShadowPolicy(tx, { kind: 'toy-refund', candidateVersion: '2026-12-01.1', enabled: true, actor }));
  started = performance.now();
  for (const input of inputs.slice(0, 20_000)) await log.evaluateWithShadow(kind, input);
  console.log(`evaluateWithShadow, shadow on: ${(((performance.now() - started) / 20_000) * 1000).toFixed(1)} µs per decision`);
  const shadowed = inputs.slice(0, 20_000);
  for (let i = 0; i < shadowed.length; i += 1_000) {
    const evaluations = [];
    for (const input of shadowed.slice(i, i + 1_000)) evaluations.push(await log.evaluateWithShadow(kind, input));
    await runInTransaction(conn.client, (tx) => log.recordDecisions(tx, evaluations.map((evaluation) => ({ evaluation, decisionId: `shadow-${evaluation.input.afterSaleId}`, actor }))));
  }
  started = performance.now();
  const [report] = await log.shadowReport({ window, topN: 10, exampleLimit: 3 });
  console.log(`shadowReport over ${report?.evaluated.toLocaleString('en-US')} shadowed decisions: ${ms(performance.now() - started)}, agreement ${((report?.agreementRate ?? 0) * 100).toFixed(1)}%`);
} finally {
  await conn.close();
  await db.drop();
}

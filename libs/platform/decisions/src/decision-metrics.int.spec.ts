import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPrisma, runInTransaction, runTransaction, type DatabaseConnection } from '@govern/platform-db';
import { createServiceMetrics, parseExposition, sampleValue } from '@govern/platform-observability';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { ManualClock } from '@govern/policy-core';
import { createDecisionLog } from './decision-log';
import { PrismaClient } from './generated/test-client/client';
import { toyRefundKind, type ToyRefundInput } from './testing/toy-refund.fixture';
import { PLATFORM_MIGRATIONS } from './testing/ops-caller.fixture';

/**
 * The governance counters are fed where decisions are recorded: once per committed decision,
 * by type, outcome, policy version and reason code; a rolled-back or retried transaction counts
 * nothing.
 */

describe('decision counters', () => {
  const kind = toyRefundKind();
  const clock = new ManualClock(new Date('2026-11-05T00:00:00Z'));
  let db: TestDatabase;
  let conn: DatabaseConnection<PrismaClient>;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: PLATFORM_MIGRATIONS, prefix: 'decision_metrics' });
    conn = connectPrisma((adapter) => new PrismaClient({ adapter }), { connectionString: db.url, poolSize: 4 });
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  it('counts each committed decision with its outcome, policy version and reason codes, and nothing of a rolled-back one', async () => {
    const metrics = createServiceMetrics({ serviceName: 'toy', processMetrics: false });
    const log = createDecisionLog({ db: conn.client, kinds: [kind], clock, log: pino({ level: 'silent' }), metrics });
    const input = (id: string, amountFen: bigint, trust: number): ToyRefundInput => ({ afterSaleId: id, merchantId: 'm-1', amountFen, trust, at: clock.now() });
    const granted = await log.evaluateWithShadow(kind, input('as-1', 5_000n, 90));
    const denied = await log.evaluateWithShadow(kind, input('as-2', 90_000n, 10));
    const alsoDenied = await log.evaluateWithShadow(kind, input('as-3', 90_000n, 90));

    // In a Prisma transaction (a consumer's) and in a platform-run one (a mutation's or a job's).
    await runInTransaction(conn.client, (tx) => log.recordDecisions(tx, [{ evaluation: granted, actor: undefined }, { evaluation: denied, actor: undefined }]));
    await runTransaction(conn, (t) => log.recordDecision(t.tx, { evaluation: alsoDenied, actor: undefined }));
    const rolledBack = await log.evaluateWithShadow(kind, input('as-4', 90_000n, 10));
    await expect(
      runInTransaction(conn.client, async (tx) => {
        await log.recordDecision(tx, { evaluation: rolledBack, actor: undefined });
        throw new Error('the effect failed');
      }),
    ).rejects.toThrow('the effect failed');

    const scrape = parseExposition(await metrics.text());
    const version = { decision_type: 'toy-refund', policy_version: '2026-11-01.1' };
    expect(sampleValue(scrape, 'govern_decisions_total', { ...version, outcome: 'GRANTED' })).toBe(1);
    expect(sampleValue(scrape, 'govern_decisions_total', { ...version, outcome: 'DENIED' })).toBe(2);
    expect(sampleValue(scrape, 'govern_decision_reasons_total', { ...version, reason_code: 'TOY.AMOUNT_OVER_CAP' })).toBe(2);
    expect(sampleValue(scrape, 'govern_decision_reasons_total', { ...version, reason_code: 'TOY.LOW_TRUST' })).toBe(1);
    expect(sampleValue(scrape, 'govern_decision_reasons_total', { ...version, reason_code: 'TOY.WITHIN_CAP' })).toBe(1);
  });
});

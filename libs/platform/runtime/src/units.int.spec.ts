import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventMeta, EventType } from '@govern/contracts-common';
import { runTransaction, sql, type SqlTx } from '@govern/platform-db';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { DomainError, HOUR, ManualClock, Violations, type IdGenerator } from '@govern/policy-core';
import { createUnitsOfWork, type UnitsOfWork } from './units';
import { UnitOfWork } from './unit-of-work';
import { jsonCodec as json } from './testing/json-codec';

const MIGRATIONS = join(import.meta.dirname, '..', '..', 'db', 'prisma', 'migrations');

interface Pay {
  requestId: string;
  orderId: string;
  amount: number;
  paidAt?: string;
}
interface Paid {
  paymentId: string;
  run: number;
}
interface PaymentMade {
  meta?: EventMeta | undefined;
  orderId: string;
}
const PaymentMadeEvent: EventType<PaymentMade> = { typeName: 'test.v1.PaymentMade', subject: 'govern.test.payment.made', codec: json<PaymentMade>() };

let generation = 0;
const counterIds = (): IdGenerator => {
  const prefix = `g${++generation}`;
  let n = 0;
  return { next: () => `${prefix}-id-${++n}` };
};

describe('units of work', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let clock: ManualClock;
  let units: UnitsOfWork<SqlTx, UnitOfWork<SqlTx>>;
  let committedWithEvents = 0;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MIGRATIONS, prefix: 'platform_units' });
    pool = new pg.Pool({ connectionString: db.url, max: 6 });
    await pool.query(`CREATE TABLE payments (order_id text PRIMARY KEY, payment_id text NOT NULL, amount int NOT NULL)`);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });
  beforeEach(() => {
    clock = new ManualClock('2026-06-01T00:00:00Z');
    units = createUnitsOfWork<SqlTx>({ database: { pool }, clock, ids: counterIds(), eventsCommitted: () => committedWithEvents++ });
  });

  let runs = 0;
  const pay = (request: Pay, options: { deadline?: Date; slow?: boolean; check?: () => void } = {}) =>
    units.mutation(
      { scope: 'test.Pay', request, requestCodec: json<Pay>(), responseCodec: json<Paid>(), deadline: options.deadline, ...(options.check ? { check: options.check } : {}) },
      async (unit) => {
        runs++;
        const paymentId = unit.newId();
        const inserted = await unit.sql.execute(
          sql`INSERT INTO payments (order_id, payment_id, amount) VALUES (${request.orderId}, ${paymentId}, ${request.amount}) ON CONFLICT DO NOTHING`,
        );
        if (inserted === 0) throw new DomainError('ALREADY_EXISTS', 'PAYMENT.EXISTS', 'the order is paid already');
        if (options.slow) await unit.sql.query(sql`SELECT pg_sleep(0.05)`);
        unit.emit(PaymentMadeEvent, { orderId: request.orderId });
        unit.schedule({ kind: 'payment.settle', key: request.orderId, dueAt: new Date(unit.now.getTime() + HOUR) });
        return { paymentId, run: runs };
      },
    );
  const count = async (table: string, where = 'true'): Promise<number> => Number((await pool.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)).rows[0].n);

  it("a mutation's statements run on their generic plans; consumers' and jobs' units keep PostgreSQL's choice", async () => {
    const planMode = async (unit: UnitOfWork<SqlTx>) => (await unit.sql.query<{ plan_cache_mode: string }>(sql`SHOW plan_cache_mode`))[0]?.plan_cache_mode;
    const inMutation = await units.mutation(
      { scope: 'test.PlanMode', request: { requestId: 'r-plan-mode' }, requestCodec: json<{ requestId: string }>(), responseCodec: json<{ mode: string }>(), deadline: undefined },
      async (unit) => ({ mode: (await planMode(unit)) ?? '' }),
    );
    expect(inMutation.mode).toBe('force_generic_plan');
    expect(await units.run({ causationId: 'plan-mode' }, (unit) => planMode(unit))).toBe('auto');
  });

  it('a retry gets the stored answer and changes nothing', async () => {
    const request = { requestId: 'r-retry', orderId: 'o-retry', amount: 5 };
    const first = await pay(request);
    const again = await pay(request);
    expect(again).toEqual(first);
    expect(await count('payments', `order_id = 'o-retry'`)).toBe(1);
    expect(await count('outbox_events')).toBeGreaterThanOrEqual(1);
    expect(await count('scheduled_jobs', `key = 'o-retry'`)).toBe(1);
  });

  it('concurrent duplicates serialise: the work runs once and every caller gets its answer', async () => {
    const before = runs;
    const request = { requestId: 'r-concurrent', orderId: 'o-concurrent', amount: 7 };
    const answers = await Promise.all(Array.from({ length: 20 }, () => pay(request, { slow: true })));
    expect(new Set(answers.map((a) => a.paymentId)).size).toBe(1);
    expect(await count('payments', `order_id = 'o-concurrent'`)).toBe(1);
    expect(await count('outbox_events', `convert_from(payload, 'UTF8')::jsonb->>'orderId' = 'o-concurrent'`)).toBe(1);
    // Duplicates may start their work before they learn of the first (the claim is pipelined), but
    // none of it commits.
    expect(runs - before).toBeGreaterThanOrEqual(1);
  });

  it('a request_id reused for a different request is refused', async () => {
    await pay({ requestId: 'r-reused', orderId: 'o-reused-1', amount: 1 });
    await expect(pay({ requestId: 'r-reused', orderId: 'o-reused-2', amount: 1 })).rejects.toMatchObject({ code: 'REQUEST_ID.REUSED' });
    expect(await count('payments', `order_id = 'o-reused-2'`)).toBe(0);
  });

  it('a domain error passes unchanged and stores nothing: the same request_id can run again', async () => {
    await pay({ requestId: 'r-a', orderId: 'o-taken', amount: 1 });
    await expect(pay({ requestId: 'r-b', orderId: 'o-taken', amount: 1 })).rejects.toMatchObject({ code: 'PAYMENT.EXISTS', kind: 'ALREADY_EXISTS' });
    expect(await count('idempotency_keys', `request_id = 'r-b'`)).toBe(0);
  });

  it('a retry whose work would now fail still gets the first answer', async () => {
    // The work refuses a second payment of the order; the retry must not see that refusal.
    const request = { requestId: 'r-work-fails', orderId: 'o-work-fails', amount: 3 };
    const first = await pay(request);
    await expect(pay(request)).resolves.toEqual(first);
  });

  it('a retry whose time checks now fail gets the stored answer, before the checks refuse it (issue 11.7)', async () => {
    const paidAt = new Date(clock.now().getTime() - HOUR).toISOString();
    const request = { requestId: 'r-time', orderId: 'o-time', amount: 9, paidAt };
    // "paid_at at most 24 h ago", judged by the clock at each call.
    const check = () => {
      const v = new Violations();
      v.check(clock.now().getTime() - Date.parse(paidAt) <= 24 * HOUR, 'paid_at', 'must be within the last 24 hours', 'TOO_OLD');
      v.throwIfAny('PAY.INVALID');
    };
    const first = await pay(request, { check });
    clock.advance(48 * HOUR);
    await expect(pay(request, { check })).resolves.toEqual(first);
    // A new request with the same (now stale) content is refused as before.
    await expect(pay({ ...request, requestId: 'r-time-new' }, { check })).rejects.toMatchObject({ code: 'PAY.INVALID', kind: 'INVALID_ARGUMENT' });
  });

  it('events carry their meta and are written only when the unit commits; jobs likewise', async () => {
    committedWithEvents = 0;
    await pay({ requestId: 'r-meta', orderId: 'o-meta', amount: 2 });
    const { rows } = await pool.query<{ event_id: string; subject: string; event_type: string; payload: Buffer; occurred_at: Date }>(
      `SELECT event_id, subject, event_type, payload, occurred_at FROM outbox_events WHERE convert_from(payload, 'UTF8')::jsonb->>'orderId' = 'o-meta'`,
    );
    expect(rows).toHaveLength(1);
    const [row] = rows;
    const event = row ? PaymentMadeEvent.codec.decode(row.payload) : undefined;
    expect(event?.meta).toMatchObject({ eventId: row?.event_id, causationId: 'r-meta', correlationId: 'r-meta' });
    expect(new Date(event?.meta?.occurredAt as unknown as string)).toEqual(clock.now());
    expect(row).toMatchObject({ subject: 'govern.test.payment.made', event_type: 'test.v1.PaymentMade', occurred_at: clock.now() });
    expect(committedWithEvents).toBe(1);

    const failure = new Error('after the emit');
    await expect(
      units.run({ causationId: 'job-1' }, async (unit) => {
        unit.emit(PaymentMadeEvent, { orderId: 'o-rolled-back' });
        unit.schedule({ kind: 'payment.settle', key: 'o-rolled-back', dueAt: unit.now });
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await count('outbox_events', `convert_from(payload, 'UTF8')::jsonb->>'orderId' = 'o-rolled-back'`)).toBe(0);
    expect(await count('scheduled_jobs', `key = 'o-rolled-back'`)).toBe(0);
  });

  it('a consumed event passes its correlation id on; a clock cancelled and restarted in one unit is due at its new time', async () => {
    await units.run({ causationId: 'c-1' }, async (unit) => {
      unit.schedule({ kind: 'clock', key: 'k', dueAt: new Date('2026-06-02T00:00:00Z') });
      unit.schedule({ kind: 'clock', key: 'k', dueAt: new Date('2030-01-01T00:00:00Z') });
    });
    await units.run({ causationId: 'event-2', correlationId: 'flow-1' }, async (unit) => {
      unit.cancel('clock', 'k');
      unit.schedule({ kind: 'clock', key: 'k', dueAt: new Date('2026-06-05T00:00:00Z') });
      unit.emit(PaymentMadeEvent, { orderId: 'o-correlated' });
    });
    const { rows: jobs } = await pool.query<{ due_at: Date }>(`SELECT due_at FROM scheduled_jobs WHERE kind = 'clock' AND key = 'k'`);
    expect(jobs.map((j) => j.due_at)).toEqual([new Date('2026-06-05T00:00:00Z')]);
    const { rows } = await pool.query<{ payload: Buffer }>(`SELECT payload FROM outbox_events WHERE convert_from(payload, 'UTF8')::jsonb->>'orderId' = 'o-correlated'`);
    expect(rows.map((r) => PaymentMadeEvent.codec.decode(r.payload).meta)[0]).toMatchObject({ causationId: 'event-2', correlationId: 'flow-1' });
  });

  it("the caller's deadline: DEADLINE_EXCEEDED, and nothing is stored", async () => {
    const attempt = units.mutation(
      { scope: 'test.Slow', request: { requestId: 'r-slow', orderId: 'o-slow', amount: 1 }, requestCodec: json<Pay>(), responseCodec: json<Paid>(), deadline: new Date(Date.now() + 200) },
      async (unit) => {
        unit.sql.send(sql`INSERT INTO payments (order_id, payment_id, amount) VALUES ('o-slow', 'p', 1)`);
        await unit.sql.query(sql`SELECT pg_sleep(2)`);
        return { paymentId: 'p', run: 0 };
      },
    );
    await expect(attempt).rejects.toMatchObject({ kind: 'DEADLINE_EXCEEDED' });
    expect(await count('payments', `order_id = 'o-slow'`)).toBe(0);
    expect(await count('idempotency_keys', `request_id = 'r-slow'`)).toBe(0);
  });

  it('inside a transaction another part owns (a consumer handler), effects are written before it returns', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const tx: SqlTx = {
        $executeRawUnsafe: async (text, ...values) => (await client.query(text, values)).rowCount ?? 0,
        $queryRawUnsafe: async <T>(text: string, ...values: unknown[]) => (await client.query(text, values)).rows as T,
      };
      await units.within(tx, { causationId: 'event-9' }, async (unit) => {
        unit.emit(PaymentMadeEvent, { orderId: 'o-within' });
        unit.schedule({ kind: 'payment.settle', key: 'o-within', dueAt: unit.now });
      });
      const seen = await client.query(`SELECT count(*) AS n FROM outbox_events WHERE convert_from(payload, 'UTF8')::jsonb->>'orderId' = 'o-within'`);
      expect(Number(seen.rows[0].n)).toBe(1);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await count('scheduled_jobs', `key = 'o-within'`)).toBe(0);
  });

  it('inside a transaction another part owns, events wake the relay once that transaction commits, not when it rolls back', async () => {
    committedWithEvents = 0;
    const emitWithin = (orderId: string) =>
      runTransaction({ pool }, async (t) => {
        await units.within(t, { causationId: `event-${orderId}` }, async (unit) => void unit.emit(PaymentMadeEvent, { orderId }));
        // The unit is done, its owner has not committed yet: nothing to wake the relay for.
        expect(committedWithEvents).toBe(0);
        if (orderId === 'o-within-undone') throw new DomainError('FAILED_PRECONDITION', 'TEST.UNDONE', 'the owner gives up');
      });
    await expect(emitWithin('o-within-undone')).rejects.toMatchObject({ code: 'TEST.UNDONE' });
    expect(committedWithEvents).toBe(0);
    await emitWithin('o-within-done');
    expect(committedWithEvents).toBe(1);
    expect(await count('outbox_events', `convert_from(payload, 'UTF8')::jsonb->>'orderId' LIKE 'o-within-%'`)).toBe(1);
  });
});

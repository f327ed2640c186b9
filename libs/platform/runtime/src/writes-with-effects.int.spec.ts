import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMeta, EventType } from '@govern/contracts-common';
import { AUDIT_RECORDS_OF_RESOURCE_SQL, type Caller } from '@govern/platform-auth';
import { isUniqueViolation, sql, type SqlTx } from '@govern/platform-db';
import { withCallScope } from '@govern/platform-grpc';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { alreadyExists, HOUR, ManualClock } from '@govern/policy-core';
import { createUnitsOfWork } from './units';
import { jsonCodec as json } from './testing/json-codec';

/**
 * Writes sent with the unit's effects (`UnitOfWork.sendWithEffects`, the mutation's audit record):
 * one statement with the outbox rows, jobs and stored answer instead of one statement each, the
 * same rows stored, a refusal still the unit's error, nothing of a refused unit left behind.
 */
const MIGRATIONS = join(import.meta.dirname, '..', '..', 'db', 'prisma', 'migrations');

interface Pay {
  requestId: string;
  orderId: string;
}
interface Paid {
  orderId: string;
  status: string;
}
interface PaymentMade {
  meta?: EventMeta | undefined;
  orderId: string;
}
const PaymentMadeEvent: EventType<PaymentMade> = { typeName: 'test.v1.PaymentMade', subject: 'govern.test.payment.made', codec: json<PaymentMade>() };
const ALICE: Caller = { kind: 'person', subject: 'alice', roles: ['buyer'] };

describe('writes sent with the unit of work’s effects', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  /** The statements the pool's connections were given, in order (BEGIN and COMMIT included). */
  const statements: string[] = [];
  const clock = new ManualClock('2026-06-01T00:00:00Z');
  const ids = { n: 0, next() { return `id-${++this.n}`; } };

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MIGRATIONS, prefix: 'platform_with_effects' });
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, ...rest: unknown[]) => {
        statements.push(typeof config === 'string' ? config : ((config as { text?: string }).text ?? ''));
        return query(config, ...rest);
      };
    });
    await pool.query(`CREATE TABLE payments (order_id text PRIMARY KEY, status text NOT NULL)`);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const units = () => createUnitsOfWork<SqlTx>({ database: { pool }, clock, ids });
  const pay = (request: Pay) =>
    withCallScope({ rpc: 'govern.test.v1.TestService/Pay', requestId: request.requestId, caller: ALICE, resource: { type: 'order', id: (r: unknown) => (r as Pay).orderId } }, () =>
      units().mutation({ scope: 'test.Pay', request, requestCodec: json<Pay>(), responseCodec: json<Paid>() }, async (unit) => {
        unit.sendWithEffects(sql`INSERT INTO payments (order_id, status) VALUES (${request.orderId}, 'PAID')`, (error) =>
          isUniqueViolation(error) ? alreadyExists('PAYMENT.EXISTS', 'the order is paid already') : undefined,
        );
        unit.emit(PaymentMadeEvent, { orderId: request.orderId });
        unit.schedule({ kind: 'payment.settle', key: request.orderId, dueAt: new Date(unit.now.getTime() + HOUR) });
        return { orderId: request.orderId, status: 'PAID' };
      }),
    );
  const count = async (table: string, where: string, values: unknown[]): Promise<number> =>
    Number((await pool.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, values)).rows[0].n);

  it('a mutation sends its write, audit record, event, job and answer in one statement before COMMIT', async () => {
    statements.length = 0;
    await expect(pay({ requestId: 'r-1', orderId: 'o-1' })).resolves.toEqual({ orderId: 'o-1', status: 'PAID' });
    // BEGIN, the request_id's claim, the effects with the write and the audit record, COMMIT.
    expect(statements).toHaveLength(4);
    expect(statements[2]).toMatch(/INSERT INTO payments/);
    expect(statements[2]).toMatch(/INSERT INTO audit_records/);
    expect(statements[2]).toMatch(/INSERT INTO outbox_events/);
    expect(await count('payments', 'order_id = $1', ['o-1'])).toBe(1);
    expect(await count('outbox_events', `subject = 'govern.test.payment.made'`, [])).toBe(1);
    expect(await count('scheduled_jobs', 'key = $1', ['o-1'])).toBe(1);
    // The audit record is the one a separate INSERT stored: who, what, the resource.
    const { rows } = await pool.query(AUDIT_RECORDS_OF_RESOURCE_SQL, ['order', 'o-1', 10]);
    expect(rows).toEqual([expect.objectContaining({ action: 'govern.test.v1.TestService/Pay', request_id: 'r-1', actor_subject: 'alice', actor_kind: 'person', decision: 'PAID' })]);
    // The repeat gets the stored answer and writes nothing.
    await expect(pay({ requestId: 'r-1', orderId: 'o-1' })).resolves.toEqual({ orderId: 'o-1', status: 'PAID' });
    expect(await count('audit_records', 'resource_id = $1', ['o-1'])).toBe(1);
  });

  it('a refused write fails the unit with its refusal and leaves nothing of it behind', async () => {
    const failure = await pay({ requestId: 'r-2', orderId: 'o-1' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'PAYMENT.EXISTS' });
    expect(await count('idempotency_keys', 'request_id = $1', ['r-2'])).toBe(0);
    expect(await count('audit_records', 'request_id = $1', ['r-2'])).toBe(0);
    expect(await count('outbox_events', `subject = 'govern.test.payment.made'`, [])).toBe(1);
  });
});

import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorKind, type EventMeta, type EventType } from '@govern/contracts-common';
import { AUDIT_RECORDS_OF_RESOURCE_SQL, type Caller } from '@govern/platform-auth';
import { type SqlTx } from '@govern/platform-db';
import { withCallScope } from '@govern/platform-grpc';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { ManualClock } from '@govern/policy-core';
import { createUnitsOfWork } from './units';
import { jsonCodec as json } from './testing/json-codec';

const MIGRATIONS = join(import.meta.dirname, '..', '..', 'db', 'prisma', 'migrations');

interface Remove {
  requestId: string;
  merchantId: string;
  /** Never read into a record: only `*_id` fields and enum names are. */
  idCardNumber: string;
}
interface Removed {
  violation: { violationId: string; decision: number; reasons: { code: string }[]; policyVersion: string };
}
interface MerchantRemoved {
  meta?: EventMeta | undefined;
  merchantId: string;
}
const MerchantRemovedEvent: EventType<MerchantRemoved> = { typeName: 'test.v1.MerchantRemoved', subject: 'govern.test.merchant.removed', codec: json<MerchantRemoved>() };
// ts-proto's toJSON names enums; the record's decision is read from it.
const DECISIONS = ['DECISION_UNSPECIFIED', 'DECISION_REMOVED'];
const removedCodec = json<Removed>((message) => ({ violation: { ...message.violation, decision: DECISIONS[message.violation.decision] } }));

const OLGA: Caller = { kind: 'person', subject: 'olga', roles: ['operator'], via: 'cli' };

describe('audit records and event actors from the call scope', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const clock = new ManualClock('2026-06-01T00:00:00Z');
  const ids = { n: 0, next() { return `id-${++this.n}`; } };

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MIGRATIONS, prefix: 'platform_audit' });
    // The platform migrations include audit_records.
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const remove = (request: Remove) => {
    const units = createUnitsOfWork<SqlTx>({ database: { pool }, clock, ids });
    return units.mutation({ scope: 'test.Remove', request, requestCodec: json<Remove>(), responseCodec: removedCodec }, async (unit) => {
      unit.emit(MerchantRemovedEvent, { merchantId: request.merchantId });
      return { violation: { violationId: `v-${request.merchantId}`, decision: 1, reasons: [{ code: 'VIOLATION.COUNTERFEIT' }], policyVersion: 'violations-2026.11' } };
    });
  };

  it('a mutation in a call records who did it, the resource and the decision, once; its events carry the actor', async () => {
    const request = { requestId: 'r-1', merchantId: 'm-1', idCardNumber: '110101199003071234' };
    // The resource is the one the RPC's rule declares (the server kit puts it in the call scope).
    const scope = { rpc: 'govern.test.v1.TestService/RecordViolation', requestId: 'r-1', caller: OLGA, resource: { type: 'merchant', id: (r: unknown) => (r as Remove).merchantId } };
    await withCallScope(scope, () => remove(request));
    // The idempotent repeat changes nothing, and records nothing.
    await withCallScope(scope, () => remove(request));
    const { rows } = await pool.query(AUDIT_RECORDS_OF_RESOURCE_SQL, ['merchant', 'm-1', 20]);
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'govern.test.v1.TestService/RecordViolation',
        request_id: 'r-1',
        actor_subject: 'olga',
        actor_kind: 'person',
        actor_roles: ['operator'],
        actor_service: null,
        actor_via: 'cli',
        decision: 'DECISION_REMOVED',
        reason_codes: ['VIOLATION.COUNTERFEIT'],
        policy_version: 'violations-2026.11',
      }),
    ]);
    const everything = await pool.query(`SELECT count(*)::int AS n FROM audit_records WHERE actor_subject = 'olga' AND resource_id LIKE '110101%'`);
    expect(everything.rows[0].n).toBe(0);
    const { rows: outbox } = await pool.query<{ payload: Buffer }>(`SELECT payload FROM outbox_events WHERE event_type = 'test.v1.MerchantRemoved'`);
    expect(outbox.map((row) => MerchantRemovedEvent.codec.decode(row.payload).meta?.actor)).toEqual([
      { subject: 'olga', kind: ActorKind.ACTOR_KIND_PERSON, roles: ['operator'], service: 'cli' },
    ]);
  });

  it('outside a call (a consumer, a timer) nothing is attributed to a caller', async () => {
    await remove({ requestId: 'r-2', merchantId: 'm-2', idCardNumber: '' });
    const { rows } = await pool.query(AUDIT_RECORDS_OF_RESOURCE_SQL, ['merchant', 'm-2', 20]);
    expect(rows).toEqual([]);
  });

  it('the trail is append-only', async () => {
    await expect(pool.query(`UPDATE audit_records SET actor_subject = 'mallory'`)).rejects.toThrow(/append-only/);
    await expect(pool.query(`DELETE FROM audit_records`)).rejects.toThrow(/append-only/);
  });
});

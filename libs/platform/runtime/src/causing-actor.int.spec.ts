import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actor, ActorKind, type EventMeta, type EventType } from '@govern/contracts-common';
import { serviceActor, type Caller } from '@govern/platform-auth';
import { createJobRunner, type JobHandler, type SqlTx } from '@govern/platform-db';
import { withCallScope } from '@govern/platform-grpc';
import { createTestDatabase, type TestDatabase } from '@govern/platform-testing';
import { HOUR, ManualClock } from '@govern/policy-core';
import { actorOfJob, causeOfEvent } from './audit';
import { createUnitsOfWork } from './units';
import { jsonCodec as json } from './testing/json-codec';

/**
 * The causing actor everywhere (issue 12): a unit's events name the caller of the call it runs
 * in, the actor of the event a consumer handles, the actor that scheduled a job (stored with the
 * job), and otherwise the service itself.
 */
const MIGRATIONS = join(import.meta.dirname, '..', '..', 'db', 'prisma', 'migrations');

interface Happened {
  meta?: EventMeta | undefined;
  what: string;
}
const HappenedEvent: EventType<Happened> = { typeName: 'test.v1.Happened', subject: 'govern.test.thing.happened', codec: json<Happened>() };
interface Act {
  requestId: string;
  thingId: string;
}

const OLGA: Caller = { kind: 'person', subject: 'olga', roles: ['operator'], via: 'cli' };
const OLGA_ACTOR: Actor = { subject: 'olga', kind: ActorKind.ACTOR_KIND_PERSON, roles: ['operator'], service: 'cli' };

describe('the causing actor of units of work', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  const clock = new ManualClock('2026-06-01T00:00:00Z');
  let n = 0;
  const ids = { next: () => `id-${++n}` };
  const units = () => createUnitsOfWork<SqlTx>({ service: 'merchant-access', database: { pool }, clock, ids });

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MIGRATIONS, prefix: 'platform_actor' });
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const actorsOf = async (what: string): Promise<(Actor | undefined)[]> => {
    const { rows } = await pool.query<{ payload: Buffer }>(`SELECT payload FROM outbox_events WHERE event_type = 'test.v1.Happened' ORDER BY id`);
    return rows.map((row) => HappenedEvent.codec.decode(row.payload)).filter((event) => event.what === what).map((event) => event.meta?.actor);
  };

  it("a job scheduled by an operator's call keeps the operator, and its events name them; a job of many causes acts as the service", async () => {
    const request: Act = { requestId: 'act-1', thingId: 't-1' };
    await withCallScope({ rpc: 'govern.test.v1.TestService/Act', requestId: 'act-1', caller: OLGA }, () =>
      units().mutation({ scope: 'test.Act', request, requestCodec: json<Act>(), responseCodec: json<{ ok: boolean }>() }, async (unit) => {
        unit.emit(HappenedEvent, { what: 'call' });
        unit.schedule({ kind: 'test.follow-up', key: 't-1', dueAt: new Date(unit.now.getTime() + HOUR) });
        unit.schedule({ kind: 'test.report', key: 't-1', dueAt: new Date(unit.now.getTime() + HOUR), asService: true });
        return { ok: true };
      }),
    );
    const { rows } = await pool.query<{ kind: string; caused_by: unknown }>(`SELECT kind, caused_by FROM scheduled_jobs ORDER BY kind`);
    expect(rows).toEqual([
      { kind: 'test.follow-up', caused_by: Actor.toJSON(OLGA_ACTOR) },
      { kind: 'test.report', caused_by: null },
    ]);

    clock.advance(2 * HOUR);
    // As the services' job handlers do: the job's unit in the transaction that completes it, caused by whoever scheduled it.
    const run =
      (what: string): JobHandler<SqlTx> =>
      async (job, _tx, transaction) => {
        await units().within(transaction, { causationId: `${job.kind}:${job.key}`, actor: actorOfJob(job) }, async (unit) => void unit.emit(HappenedEvent, { what }));
      };
    const runner = createJobRunner<SqlTx>({
      database: { pool },
      clock,
      log: pino({ level: 'silent' }),
      handlers: { 'test.follow-up': run('follow-up'), 'test.report': run('report') },
    });
    expect(await runner.runDue()).toBe(2);
    expect(await actorsOf('call')).toEqual([OLGA_ACTOR]);
    expect(await actorsOf('follow-up')).toEqual([OLGA_ACTOR]);
    expect(await actorsOf('report')).toEqual([serviceActor('merchant-access')]);
  });

  it("a consumer's unit names the incoming event's actor and keeps its flow; an event without one, the service", async () => {
    const incoming = { meta: { eventId: 'ev-1', occurredAt: clock.now(), causationId: 'act-1', correlationId: 'flow-1', actor: OLGA_ACTOR }, what: 'removed' };
    const cause = causeOfEvent(incoming, 'ev-1');
    expect(cause).toEqual({ causationId: 'ev-1', correlationId: 'flow-1', actor: OLGA_ACTOR });
    await units().run(cause, async (unit) => void unit.emit(HappenedEvent, { what: 'consumed' }));
    await units().run(causeOfEvent({ meta: undefined }, 'ev-2'), async (unit) => void unit.emit(HappenedEvent, { what: 'anonymous-event' }));
    expect(await actorsOf('consumed')).toEqual([OLGA_ACTOR]);
    expect(await actorsOf('anonymous-event')).toEqual([serviceActor('merchant-access')]);
    expect(actorOfJob({ causedBy: null })).toBeUndefined();
    expect(actorOfJob({ causedBy: { subject: '', kind: 'ACTOR_KIND_PERSON' } })).toBeUndefined();
  });
});

import { testInfra } from '@govern/platform-testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startConsumer } from './consumer';
import { DLQ_HEADERS, type EventBus, type OutgoingMessage } from './event-bus';
import { createInMemoryBus } from './in-memory-bus';
import { createJetStreamBus } from './jetstream-bus';
import { toOutgoing } from './outbox';
import { readDeadLetters, silentLog, useFlowWorlds } from './testing/flow-fixture';
import { TEST_STREAM, ThingHappenedEvent, thingHappened } from './testing/test-event';
import { eventually, sleep } from './testing/wait';

/**
 * The consumer's batch-wide statements (issue 13): facts named by `factOf` are claimed in the
 * statement that records the batch in the inbox, `prefetch` reads for the whole batch in one
 * statement and `batchWrites` writes for it in one; the inbox's promises hold exactly as with `ctx.claimOnce` (one effect per fact, a
 * redelivered event applied once, one bad event dead-lettered and the rest applied once).
 */
const buses: [string, (namespace: string) => Promise<EventBus>][] = [
  ['JetStream', async (namespace) => createJetStreamBus({ natsUrl: (await testInfra()).natsUrl, log: silentLog, namespace })],
  ['in-memory', async (namespace) => createInMemoryBus({ log: silentLog, namespace })],
];

interface Statement {
  text: string;
  values: unknown[];
}

/** The statements run on each connection of `pool`, in order (to see what a transaction sent). */
const recordStatements = (pool: pg.Pool): Statement[][] => {
  const connections: Statement[][] = [];
  const seen = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    if (seen.has(client)) return;
    seen.add(client);
    const statements: Statement[] = [];
    connections.push(statements);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, ...rest: unknown[]) => {
      const text = typeof config === 'string' ? config : ((config as { text?: string }).text ?? '');
      const values = typeof config === 'string' ? ((rest[0] as unknown[] | undefined) ?? []) : ((config as { values?: unknown[] }).values ?? []);
      statements.push({ text, values });
      return query(config, ...rest);
    };
  });
  return connections;
};

/** The statements of each transaction (BEGIN to its end) the consumer ran, with those matching `pattern`. */
const transactionsOf = (connections: Statement[][], pattern: RegExp): Statement[][] =>
  connections.flatMap((statements) => {
    const transactions: Statement[][] = [];
    let open: Statement[] | undefined;
    for (const statement of statements) {
      if (statement.text.startsWith('BEGIN')) transactions.push((open = []));
      else if (/^(COMMIT|ROLLBACK)$/.test(statement.text)) open = undefined;
      else if (pattern.test(statement.text)) open?.push(statement);
    }
    return transactions;
  });

/** A pool of the test's own (its statements recorded), ended before the world's database is dropped. */
const ownPool = (url: string): pg.Pool & { stop(): Promise<void> } => {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => undefined);
  return Object.assign(pool, { stop: () => pool.end() });
};

describe.each(buses)('batch-wide consumer statements on the %s bus', (_name, makeBus) => {
  const { world, track } = useFlowWorlds({ makeBus });
  const asMessage = (eventId: string, thingId = eventId): OutgoingMessage => {
    const event = toOutgoing(ThingHappenedEvent, thingHappened(eventId, thingId));
    return { subject: event.subject, eventId: event.eventId, eventType: event.eventType, payload: event.payload };
  };

  it('claims the facts of a batch in its inbox statement: the first event of a fact applies, later ones and a bad one do not', async () => {
    const { fixture, bus } = await world();
    const { letters, reader } = await readDeadLetters(bus);
    track(reader);
    const pool = track(ownPool(fixture.database.url));
    const statements = recordStatements(pool);
    // Claimed before this consumer ran: its event is acknowledged without an effect.
    await pool.query(`INSERT INTO consumed_facts (consumer, fact, event_id) VALUES ('test_batch_facts', 'thing:claimed-earlier', 'earlier')`);
    // Events 0-9 name facts 0-4 twice each (the even one first); the last a fact claimed earlier.
    const messages = [
      ...Array.from({ length: 10 }, (_, i) => asMessage(`fact-${i}`, `shared-${Math.floor(i / 2)}`)),
      asMessage('no-fact', 'none'),
      asMessage('late', 'claimed-earlier'),
    ];
    await bus.publish(messages);
    track(
      await startConsumer({
        bus,
        database: { pool },
        consumer: 'test_batch_facts',
        stream: TEST_STREAM.name,
        eventTypes: [ThingHappenedEvent],
        log: silentLog,
        maxDeliver: 2,
        backoffMs: [50],
        factOf: (event) => (event.thingId === 'none' ? undefined : `thing:${event.thingId}`),
        handler: async (_event, ctx) => {
          ctx.sql.send(`INSERT INTO effects (event_id, count) VALUES ($1, 1)`, [ctx.eventId]);
        },
      }),
    );
    await eventually('the five first events of a fact and the one without', async () => (await fixture.effects()).size === 6);
    // Redelivered after being applied: acknowledged, nothing applied again; with an event whose fact is too long to claim.
    await bus.publish([{ ...asMessage('fact-0', 'shared-0'), eventId: 'redelivery' }, asMessage('too-long', 'x'.repeat(600)), asMessage('sentinel', 'sentinel')]);
    await eventually('the bad fact dead-lettered', () => letters.length === 1);
    await eventually('the sentinel', async () => (await fixture.effects()).has('sentinel'));
    await sleep(200);
    const effects = await fixture.effects();
    expect([...effects.keys()].sort()).toEqual(['fact-0', 'fact-2', 'fact-4', 'fact-6', 'fact-8', 'no-fact', 'sentinel']);
    expect([...effects.values()].every((count) => count === 1)).toBe(true);
    expect(letters[0]?.headers[DLQ_HEADERS.eventId]).toBe('too-long');
    expect(letters[0]?.headers[DLQ_HEADERS.error]).toMatch(/factOf: fact key must be 1\.\.500 characters/);
    const { rows } = await pool.query(`SELECT fact, event_id FROM consumed_facts WHERE consumer = 'test_batch_facts' ORDER BY fact`);
    expect(rows).toEqual([
      { fact: 'thing:claimed-earlier', event_id: 'earlier' },
      { fact: 'thing:sentinel', event_id: 'sentinel' },
      ...[0, 1, 2, 3, 4].map((n) => ({ fact: `thing:shared-${n}`, event_id: `fact-${n * 2}` })),
    ]);
    // One claiming statement per transaction at most, whatever the number of events in it (the first batch holds several).
    const claims = transactionsOf(statements, /consumed_facts/);
    expect(Math.max(...claims.map((t) => t.length))).toBe(1);
    expect(Math.max(...claims.flatMap((t) => t.map((s) => (s.values[3] as string[]).length)))).toBeGreaterThan(1);
  });

  it('gives every handler of a batch what one prefetch read for the batch', async () => {
    const { fixture, bus } = await world();
    const pool = track(ownPool(fixture.database.url));
    const statements = recordStatements(pool);
    await pool.query(`CREATE TABLE stock (thing_id TEXT PRIMARY KEY, n INT NOT NULL)`);
    await pool.query(`INSERT INTO stock SELECT 'thing-' || g, g * 10 FROM generate_series(0, 19) g`);
    await bus.publish(Array.from({ length: 20 }, (_, i) => asMessage(`read-${i}`, `thing-${i}`)));
    const batches: number[] = [];
    track(
      await startConsumer({
        bus,
        database: { pool },
        consumer: 'test_prefetch',
        stream: TEST_STREAM.name,
        eventTypes: [ThingHappenedEvent],
        log: silentLog,
        backoffMs: [50],
        prefetch: async (events, sql) => {
          batches.push(events.length);
          const rows = await sql.query<{ thing_id: string; n: number }>(`SELECT thing_id, n FROM stock WHERE thing_id = ANY($1::text[])`, [
            events.map((e) => e.event.thingId),
          ]);
          return new Map(rows.map((row) => [row.thing_id, row.n]));
        },
        handler: async (event, ctx) => {
          const n = ctx.prefetched.get(event.thingId);
          if (n === undefined) throw new Error(`nothing prefetched for ${event.thingId}`);
          ctx.sql.send(`INSERT INTO effects (event_id, count) VALUES ($1, $2)`, [ctx.eventId, n]);
        },
      }),
    );
    await eventually('the twenty effects', async () => (await fixture.effects()).size === 20);
    const effects = await fixture.effects();
    expect(Object.fromEntries(effects)).toEqual(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`read-${i}`, i * 10])));
    // One read per transaction, not one per event (the first batch holds several).
    const reads = transactionsOf(statements, /FROM stock/);
    expect(reads.every((t) => t.length === 1)).toBe(true);
    expect(Math.max(...reads.flatMap((t) => t.map((s) => (s.values[0] as string[]).length)))).toBeGreaterThan(1);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(20);
  });

  it('writes once for the events of a batch that will be handled: not for a redelivered one or one whose fact was claimed, and a failing write fails only its event', async () => {
    const { fixture, bus } = await world();
    const { letters, reader } = await readDeadLetters(bus);
    track(reader);
    const pool = track(ownPool(fixture.database.url));
    const statements = recordStatements(pool);
    await pool.query(`INSERT INTO consumed_facts (consumer, fact, event_id) VALUES ('test_batch_writes', 'thing:claimed-earlier', 'earlier')`);
    // The batch write stores each thing id as the effect's count: "x" is no number, its write fails.
    const messages = [
      ...Array.from({ length: 12 }, (_, i) => asMessage(`write-${i}`, String(i))),
      // A second copy of an event in the same batch (re-published under another message id).
      { ...asMessage('write-3', '3'), eventId: 'write-3-copy' },
      asMessage('late', 'claimed-earlier'),
      asMessage('own-write', 'own'),
      asMessage('poison', 'x'),
    ];
    await bus.publish(messages);
    const given: string[][] = [];
    track(
      await startConsumer({
        bus,
        database: { pool },
        consumer: 'test_batch_writes',
        stream: TEST_STREAM.name,
        eventTypes: [ThingHappenedEvent],
        log: silentLog,
        maxDeliver: 2,
        backoffMs: [50],
        factOf: (event) => (event.thingId === 'claimed-earlier' ? 'thing:claimed-earlier' : undefined),
        batchWrites: (events, sql) => {
          given.push(events.map((e) => e.eventId));
          const written = events.filter((e) => e.event.thingId !== 'own');
          sql.send(`INSERT INTO effects (event_id, count) SELECT w.event_id, w.n::int FROM unnest($1::text[], $2::text[]) AS w(event_id, n)`, [
            written.map((e) => e.eventId),
            written.map((e) => e.event.thingId),
          ]);
          return new Set(written.map((e) => e.eventId));
        },
        handler: async (_event, ctx) => {
          // Its own write for an event the batch write left out: -1, to tell them apart.
          if (!ctx.batchWritten) ctx.sql.send(`INSERT INTO effects (event_id, count) VALUES ($1, -1)`, [ctx.eventId]);
        },
      }),
    );
    await eventually('the poison dead-lettered', () => letters.length === 1);
    await eventually('the twelve and the own write', async () => (await fixture.effects()).size === 13);
    // Redelivered after being applied: the batch write is not given it (a second insert of its row would fail).
    await bus.publish([{ ...asMessage('write-0', '0'), eventId: 'redelivery' }, asMessage('sentinel', '99')]);
    await eventually('the sentinel', async () => (await fixture.effects()).has('sentinel'));
    await sleep(200);
    expect(letters.map((l) => l.headers[DLQ_HEADERS.eventId])).toEqual(['poison']);
    expect(letters[0]?.headers[DLQ_HEADERS.error]).toMatch(/invalid input syntax for type integer/);
    expect(Object.fromEntries(await fixture.effects())).toEqual({
      ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`write-${i}`, i])),
      'own-write': -1,
      sentinel: 99,
    });
    const handed = given.flat();
    expect(handed).not.toContain('late');
    expect(given.every((ids) => new Set(ids).size === ids.length)).toBe(true);
    // One write per transaction for all its events (the first batch holds several), not one per event.
    const writes = transactionsOf(statements, /INSERT INTO effects .*unnest/s);
    expect(writes.every((t) => t.length === 1)).toBe(true);
    expect(Math.max(...writes.flatMap((t) => t.map((s) => (s.values[0] as string[]).length)))).toBeGreaterThan(1);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ActorKind,
  commonDescriptorSet,
  DeadLetterOrigin,
  DeadLetterState,
  defineEventType,
  EventDeliveryState,
  EventMeta,
  GovernanceOpsServiceDefinition,
  PayloadView,
} from '@govern/contracts-common';
import { connectPrisma, runInTransaction, type DatabaseConnection } from '@govern/platform-db';
import { appendToOutbox, createInMemoryBus, createJetStreamBus, PoisonMessageError, startConsumer, toOutgoing, type ConsumerHandle, type EventBus } from '@govern/platform-events';
import { closeServiceClient, createGrpcServer, createServiceClient, type GrpcServer, type ServiceClient } from '@govern/platform-grpc';
import { createTestDatabase, deleteNamespaceStreams, testInfra, uniqueSuffix, type TestDatabase } from '@govern/platform-testing';
import { ManualClock, sequentialIds } from '@govern/policy-core';
import { createDecisionLog } from './decision-log';
import { PrismaClient } from './generated/test-client/client';
import { governanceOpsHandlers } from './grpc/governance-ops.handlers';
import { GOVERNANCE_OPS_POLICY } from './grpc/governance-ops.policy';
import { toyRefundKind } from './testing/toy-refund.fixture';
import { actorOf, as, failure, PLATFORM_MIGRATIONS } from './testing/ops-caller.fixture';

const silent = pino({ level: 'silent' });

/**
 * Shaped like every Govern event (`EventMeta meta = 1`, then the resource), hand-encoded because
 * the lib adds no protos: `message ThingMade { EventMeta meta = 1; string thing_id = 2; }`.
 */
interface ThingMade {
  meta?: EventMeta | undefined;
  thingId: string;
}
const thingCodec = {
  encode(message: ThingMade): BinaryWriter {
    const writer = new BinaryWriter();
    if (message.meta) EventMeta.encode(message.meta, writer.uint32(10).fork()).join();
    if (message.thingId !== '') writer.uint32(18).string(message.thingId);
    return writer;
  },
  decode(input: Uint8Array): ThingMade {
    const reader = new BinaryReader(input);
    const message: ThingMade = { thingId: '' };
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 1) message.meta = EventMeta.decode(reader, reader.uint32());
      else if (tag >>> 3 === 2) message.thingId = reader.string();
      else reader.skip(tag & 7);
    }
    return message;
  },
};
/** Made by another service ("maker"), consumed by the toy service. */
const ThingMadeEvent = defineEventType<ThingMade>('govern.maker.v1.ThingMade', 'govern.maker.thing.made', thingCodec);
const MAKER_STREAM = { name: 'GOVERN_MAKER', subjects: ['govern.maker.>'] };
/** Produced by the toy service (its outbox). */
const ThingShippedEvent = defineEventType<ThingMade>('govern.toy.v1.ThingShipped', 'govern.toy.thing.shipped', thingCodec);
const TOY_STREAM = { name: 'GOVERN_TOY', subjects: ['govern.toy.>'] };

const thing = (eventId: string, thingId: string, correlationId: string, at = new Date()): ThingMade => ({
  meta: { eventId, occurredAt: at, causationId: '', correlationId },
  thingId,
});


const eventually = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};

const buses: [string, (namespace: string) => Promise<EventBus>][] = [
  ['the in-memory bus of embedded mode', async (namespace) => createInMemoryBus({ log: silent, namespace })],
  ['JetStream', async (namespace) => createJetStreamBus({ natsUrl: (await testInfra()).natsUrl, log: silent, namespace, name: 'event-ops-test' })],
];

describe.each(buses)('events and dead letters through GovernanceOpsService on %s', (busName, makeBus) => {
  const namespace = `t${uniqueSuffix()}`;
  let db: TestDatabase;
  let conn: DatabaseConnection<PrismaClient>;
  let bus: EventBus;
  let consumer: ConsumerHandle;
  let server: GrpcServer;
  let ops: ServiceClient<typeof GovernanceOpsServiceDefinition>;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: PLATFORM_MIGRATIONS, prefix: 'platform_event_ops' });
    conn = connectPrisma((adapter) => new PrismaClient({ adapter }), { connectionString: db.url, poolSize: 5 });
    // The toy service keeps a catalogue of things; an event about a thing it does not know is
    // poison until the thing is added (the "cause" an operator removes).
    await conn.pool.query('CREATE TABLE toy_things (thing_id TEXT PRIMARY KEY)');
    await conn.pool.query('CREATE TABLE toy_effects (event_id TEXT NOT NULL, thing_id TEXT NOT NULL)');
    bus = await makeBus(namespace);
    await bus.ensureStreams([MAKER_STREAM, TOY_STREAM]);
    consumer = await startConsumer({
      bus,
      db: conn.client,
      consumer: 'toy_things_made',
      stream: MAKER_STREAM.name,
      eventTypes: [ThingMadeEvent],
      maxDeliver: 3,
      backoffMs: [20],
      log: silent,
      handler: async (event, ctx) => {
        const known = await ctx.tx.$queryRawUnsafe<unknown[]>('SELECT 1 FROM toy_things WHERE thing_id = $1', event.thingId);
        if (known.length === 0) throw new PoisonMessageError(`thing ${event.thingId} is not in the catalogue`);
        await ctx.tx.$executeRawUnsafe('INSERT INTO toy_effects (event_id, thing_id) VALUES ($1, $2)', ctx.eventId, event.thingId);
      },
    });
    const decisions = createDecisionLog({ db: conn.client, kinds: [toyRefundKind()], clock: new ManualClock(new Date()), ids: sequentialIds('dec'), log: silent });
    server = createGrpcServer({ serviceName: 'toy', logger: silent, descriptorSets: [commonDescriptorSet], transport: { mode: 'plaintext' } });
    // Every RPC open: this suite tests reading and re-driving events, not authorization (the services' own trust suites do).
    const open = { service: GOVERNANCE_OPS_POLICY.service, rules: Object.fromEntries(Object.keys(GOVERNANCE_OPS_POLICY.rules).map((rpc) => [rpc, { public: true } as const])) };
    server.add(GovernanceOpsServiceDefinition, governanceOpsHandlers({ serviceName: 'toy', db: conn.client, decisions, actorOf, events: { bus } }), open);
    const port = await server.listen('127.0.0.1:0');
    ops = createServiceClient(GovernanceOpsServiceDefinition, `127.0.0.1:${port}`, { defaultDeadlineMs: 30_000 });
  });

  afterAll(async () => {
    if (ops) closeServiceClient(ops);
    await server?.shutdown();
    await consumer?.stop();
    await bus?.close();
    await conn?.close();
    await db?.drop();
    if (busName === 'JetStream') await deleteNamespaceStreams((await testInfra()).natsUrl, namespace).catch(() => undefined);
  });

  const effects = async (): Promise<{ event_id: string; thing_id: string }[]> =>
    (await conn.pool.query<{ event_id: string; thing_id: string }>('SELECT event_id, thing_id FROM toy_effects ORDER BY event_id')).rows;

  it('a poison event lands in the dead letters, is read through the API, re-driven after the fix, and takes effect once', async () => {
    await conn.pool.query(`INSERT INTO toy_things VALUES ('known')`);
    await bus.publish([
      { ...toOutgoing(ThingMadeEvent, thing('ev-good', 'known', 'flow-1')), eventId: 'ev-good' },
      { ...toOutgoing(ThingMadeEvent, thing('ev-poison', 'missing', 'flow-2')), eventId: 'ev-poison' },
    ].map(({ subject, eventId, eventType, payload }) => ({ subject, eventId, eventType, payload })));

    const listed = await eventually('the dead letter', async () => {
      const { deadLetters } = await ops.listDeadLetters({ view: PayloadView.PAYLOAD_VIEW_FULL });
      return deadLetters.length > 0 ? deadLetters : undefined;
    });
    expect(listed).toHaveLength(1);
    const letter = listed[0];
    if (!letter) throw new Error('no dead letter');
    expect(letter).toMatchObject({
      origin: DeadLetterOrigin.DEAD_LETTER_ORIGIN_CONSUMER,
      consumer: 'toy_things_made',
      eventId: 'ev-poison',
      eventType: 'govern.maker.v1.ThingMade',
      subject: 'govern.maker.thing.made',
      state: DeadLetterState.DEAD_LETTER_STATE_PENDING,
      deliveries: 1,
    });
    expect(letter.error).toContain('thing missing is not in the catalogue');
    expect(thingCodec.decode(letter.payload).thingId).toBe('missing');
    expect(await effects()).toEqual([{ event_id: 'ev-good', thing_id: 'known' }]);

    // Filters and request checks.
    expect((await ops.listDeadLetters({ state: DeadLetterState.DEAD_LETTER_STATE_REDRIVEN })).deadLetters).toEqual([]);
    expect((await ops.listDeadLetters({ consumer: 'toy_other' })).deadLetters).toEqual([]);
    expect((await ops.listDeadLetters({ origin: DeadLetterOrigin.DEAD_LETTER_ORIGIN_PUBLISH })).deadLetters).toEqual([]);
    const badToken = await failure(ops.listDeadLetters({ pageToken: 'not-a-token!' }));
    expect(badToken.fieldViolations.map((v) => v.field)).toEqual(['page_token']);

    // Re-driving before the cause is removed fails, keeps the letter pending and applies nothing.
    const early = await failure(ops.redriveDeadLetter({ requestId: 'redrive-0', deadLetterId: letter.deadLetterId, note: 'try' }, as('alice')));
    expect(early.reason).toBe('DEAD_LETTER.HANDLER_FAILED');
    expect((await ops.listDeadLetters({})).deadLetters[0]?.state).toBe(DeadLetterState.DEAD_LETTER_STATE_PENDING);

    // No caller, no re-drive.
    const anonymous = await failure(ops.redriveDeadLetter({ requestId: 'redrive-x', deadLetterId: letter.deadLetterId, note: '' }));
    expect(anonymous.reason).toBe('OPS.ACTOR_REQUIRED');

    // The fix: the thing is added to the catalogue. Then the re-drive applies it, once.
    await conn.pool.query(`INSERT INTO toy_things VALUES ('missing')`);
    const { deadLetter } = await ops.redriveDeadLetter({ requestId: 'redrive-1', deadLetterId: letter.deadLetterId, note: 'catalogue fixed (ticket 42)' }, as('alice'));
    expect(deadLetter).toMatchObject({
      deadLetterId: letter.deadLetterId,
      state: DeadLetterState.DEAD_LETTER_STATE_REDRIVEN,
      redrivenBy: { subject: 'alice', kind: ActorKind.ACTOR_KIND_PERSON },
      redriveNote: 'catalogue fixed (ticket 42)',
    });
    expect(await effects()).toEqual([
      { event_id: 'ev-good', thing_id: 'known' },
      { event_id: 'ev-poison', thing_id: 'missing' },
    ]);

    // The same request again answers the same; another re-drive is refused; the effect stays once.
    const repeat = await ops.redriveDeadLetter({ requestId: 'redrive-1', deadLetterId: letter.deadLetterId, note: 'catalogue fixed (ticket 42)' }, as('alice'));
    expect(repeat.deadLetter?.state).toBe(DeadLetterState.DEAD_LETTER_STATE_REDRIVEN);
    const again = await failure(ops.redriveDeadLetter({ requestId: 'redrive-2', deadLetterId: letter.deadLetterId, note: '' }, as('bob')));
    expect(again.reason).toBe('DEAD_LETTER.ALREADY_REDRIVEN');
    expect((await effects()).filter((row) => row.event_id === 'ev-poison')).toHaveLength(1);

    // The record of the re-drive is read back from the dead-letter stream.
    const { deadLetters: redriven } = await ops.listDeadLetters({ state: DeadLetterState.DEAD_LETTER_STATE_REDRIVEN });
    expect(redriven).toHaveLength(1);
    expect(redriven[0]).toMatchObject({ redrivenBy: { subject: 'alice' }, redriveNote: 'catalogue fixed (ticket 42)' });
    expect(redriven[0]?.payload).toHaveLength(0);

    const unknown = await failure(ops.redriveDeadLetter({ requestId: 'redrive-3', deadLetterId: 'c-999999', note: '' }, as('alice')));
    expect(unknown.reason).toBe('DEAD_LETTER.NOT_FOUND');
  });

  it('lists the events the service produced from its outbox, filtered and paged, and gets one', async () => {
    const base = Date.UTC(2026, 11, 1);
    const produced = Array.from({ length: 7 }, (_, i) =>
      toOutgoing(ThingShippedEvent, thing(`ship-${i}`, `thing-${i}`, i % 2 === 0 ? 'flow-even' : 'flow-odd', new Date(base + i * 60_000))),
    );
    await runInTransaction(conn.client, (tx) => appendToOutbox(tx, produced));

    const first = await ops.listEvents({ pageSize: 3 });
    expect(first.events.map((e) => e.eventId)).toEqual(['ship-6', 'ship-5', 'ship-4']);
    expect(first.events[0]).toMatchObject({ eventType: 'govern.toy.v1.ThingShipped', state: EventDeliveryState.EVENT_DELIVERY_STATE_PENDING, correlationId: 'flow-even' });
    expect(first.events[0]?.payload).toHaveLength(0);
    const second = await ops.listEvents({ pageSize: 3, pageToken: first.nextPageToken });
    expect(second.events.map((e) => e.eventId)).toEqual(['ship-3', 'ship-2', 'ship-1']);
    const third = await ops.listEvents({ pageSize: 3, pageToken: second.nextPageToken });
    expect(third).toMatchObject({ events: [{ eventId: 'ship-0' }], nextPageToken: '' });

    const even = await ops.listEvents({ correlationId: 'flow-even', pageSize: 2 });
    expect(even.events.map((e) => e.eventId)).toEqual(['ship-6', 'ship-4']);
    const evenRest = await ops.listEvents({ correlationId: 'flow-even', pageSize: 2, pageToken: even.nextPageToken });
    expect(evenRest.events.map((e) => e.eventId)).toEqual(['ship-2', 'ship-0']);

    const windowed = await ops.listEvents({ window: { startTime: new Date(base + 60_000), endTime: new Date(base + 3 * 60_000) } });
    expect(windowed.events.map((e) => e.eventId)).toEqual(['ship-2', 'ship-1']);
    expect((await ops.listEvents({ eventType: 'govern.toy.v1.Other' })).events).toEqual([]);
    expect((await ops.listEvents({ state: EventDeliveryState.EVENT_DELIVERY_STATE_PUBLISHED })).events).toEqual([]);

    const { event } = await ops.getEvent({ eventId: 'ship-3' });
    expect(thingCodec.decode(event?.payload ?? new Uint8Array()).thingId).toBe('thing-3');
    expect((await failure(ops.getEvent({ eventId: 'nope' }))).reason).toBe('EVENT.NOT_FOUND');

    const bad = await failure(ops.listEvents({ pageSize: -1, window: { startTime: new Date(base + 60_000), endTime: new Date(base) } }));
    expect(bad.fieldViolations.map((v) => v.field).sort()).toEqual(['page_size', 'window.end_time']);

    // A window's pages are newest occurrence first, then newest in the outbox: two events that
    // occurred in the same millisecond, committed after the others, fall between ship-2 and ship-1,
    // and a page boundary between them loses neither.
    const sameMoment = new Date(base + 90_000);
    await runInTransaction(conn.client, (tx) =>
      appendToOutbox(tx, [toOutgoing(ThingShippedEvent, thing('late-a', 'thing-a', 'flow-late', sameMoment)), toOutgoing(ThingShippedEvent, thing('late-b', 'thing-b', 'flow-late', sameMoment))]),
    );
    const window = { startTime: new Date(base + 60_000), endTime: new Date(base + 5 * 60_000) };
    const pages: string[][] = [];
    let pageToken = '';
    do {
      const page = await ops.listEvents({ window, pageSize: 2, pageToken });
      pages.push(page.events.map((e) => e.eventId));
      pageToken = page.nextPageToken;
    } while (pageToken !== '' && pages.length < 10);
    expect(pages).toEqual([['ship-4', 'ship-3'], ['ship-2', 'late-b'], ['late-a', 'ship-1']]);
    // A window's token continues only a window's list, and a plain list's token only a plain list.
    const windowToken = (await ops.listEvents({ window, pageSize: 2 })).nextPageToken;
    expect((await failure(ops.listEvents({ pageSize: 2, pageToken: windowToken }))).fieldViolations.map((v) => v.field)).toEqual(['page_token']);
    expect((await failure(ops.listEvents({ window, pageSize: 2, pageToken: first.nextPageToken }))).fieldViolations.map((v) => v.field)).toEqual(['page_token']);
  });
});

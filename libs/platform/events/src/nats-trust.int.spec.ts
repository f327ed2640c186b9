import { join } from 'node:path';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createUser } from '@nats-io/nkeys';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import * as consumerExperience from '@govern/contracts-consumer-experience';
import type { EventType, StreamSpec } from '@govern/contracts-common';
import * as content from '@govern/contracts-content';
import * as merchantAccess from '@govern/contracts-merchant-access';
import * as productQuality from '@govern/contracts-product-quality';
import { dlqSubjectOf, DLQ_STREAM_NAME, GOVERN_EVENT_TOPOLOGY, natsConnectionAuth, nkeyVariableOf, OPS_USER, streamNameOf } from '@govern/platform-auth';
import { natsServerBinary, startNatsServer, type NatsServerProcess } from '@govern/platform-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsumer } from './consumer';
import { DLQ_HEADERS, PublishError, type ConsumerHandle, type EventBus, type OutgoingMessage } from './event-bus';
import { createJetStreamBus } from './jetstream-bus';
import { toOutgoing, type EventMessage } from './outbox';
import { createFlowFixture, silentLog, type FlowFixture } from './testing/flow-fixture';
import { eventually, present, sleep } from './testing/wait';

/**
 * The event bus as the services run it against the committed NATS configuration
 * (deploy/nats/govern.conf, its own nats-server and store): each service signs in with its own
 * NKey, makes its own stream, reads through its own durables with the contracts' event types,
 * and dead-letters under its own rights; an outsider cannot sign in, a service cannot publish
 * on another's subjects, and another service's event type on a service's own subjects is
 * dead-lettered by every consumer with the reason. Nobody acts on anything forged.
 */
const CONFIG = join(import.meta.dirname, '..', '..', '..', '..', 'deploy', 'nats', 'govern.conf');
const SERVICES = GOVERN_EVENT_TOPOLOGY.map((topology) => topology.service);

const isEventType = (value: unknown): value is EventType<EventMessage> =>
  typeof value === 'object' && value !== null && 'typeName' in value && 'subject' in value && 'codec' in value;
const EVENT_TYPES = [content, productQuality, merchantAccess, consumerExperience].flatMap((contracts) => Object.values(contracts).filter(isEventType));
const typeOn = (subject: string): EventType<EventMessage> => present(EVENT_TYPES.find((type) => type.subject === subject), `an event type on ${subject}`);

/** A real event of `type` (its fields at their defaults), optionally sent on another subject than its own. */
const eventOf = (type: EventType<EventMessage>, eventId: string, subject = type.subject): OutgoingMessage => {
  const message = type.codec.decode(new Uint8Array());
  message.meta = { eventId, occurredAt: new Date(), causationId: '', correlationId: eventId };
  const outgoing = toOutgoing(type, message);
  return { subject, eventId, eventType: outgoing.eventType, payload: outgoing.payload };
};
const streamSpec = (service: string): StreamSpec => ({ name: streamNameOf(service), subjects: [`govern.${service}.>`] });
const producerOf = (stream: string): string => stream.replace(/^GOVERN_/, '').toLowerCase();

describe('the event bus on NATS with the committed configuration: each service with its own credentials', () => {
  let server: NatsServerProcess;
  let fixture: FlowFixture;
  let ops: NatsConnection;
  let opsJsm: JetStreamManager;
  const seeds = new Map<string, string>();
  const buses = new Map<string, EventBus>();
  const consumers: ConsumerHandle[] = [];
  /** What the services' handlers acted on: `<durable> <event id>`. */
  const handled: string[] = [];
  const bus = (service: string): EventBus => present(buses.get(service), service);
  const busOf = (service: string, seed: string | undefined): Promise<EventBus> =>
    createJetStreamBus({
      natsUrl: server.url,
      log: silentLog,
      name: service,
      publishTimeoutMs: 2_000,
      connection: natsConnectionAuth(seed ? { NATS_NKEY_SEED: seed } : {}, service),
      ownStreams: [streamNameOf(service)],
    });
  const actedOn = (eventId: string): string[] => handled.filter((entry) => entry.endsWith(` ${eventId}`)).map((entry) => entry.split(' ')[0] ?? '');

  beforeAll(async () => {
    const env: Record<string, string> = {};
    for (const user of [...SERVICES, OPS_USER]) {
      const pair = createUser();
      seeds.set(user, new TextDecoder().decode(pair.getSeed()));
      env[nkeyVariableOf(user)] = pair.getPublicKey();
    }
    // Installed on the machine and in CI (.ci/run: Debian's nats-server); a missing binary fails the suite.
    server = await startNatsServer(present(natsServerBinary(), 'nats-server'), { configFile: CONFIG, env });
    fixture = await createFlowFixture();
    // In registry order, as a deployment may start them: content reads streams whose producers
    // have not made them yet; its consumers wait for them instead of failing its start.
    for (const topology of GOVERN_EVENT_TOPOLOGY) {
      const serviceBus = await busOf(topology.service, seeds.get(topology.service));
      buses.set(topology.service, serviceBus);
      // Every stream it names, as the services' definitions do: only its own is made here.
      await serviceBus.ensureStreams([streamSpec(topology.service), ...topology.consumes.map((c) => streamSpec(producerOf(c.stream)))]);
      for (const consumed of topology.consumes) {
        consumers.push(
          await startConsumer({
            bus: serviceBus,
            db: fixture.db,
            consumer: consumed.durable,
            stream: consumed.stream,
            eventTypes: consumed.subjects.map(typeOn),
            backoffMs: [50],
            log: silentLog,
            handler: async (_event, ctx) => void handled.push(`${consumed.durable} ${ctx.eventId}`),
          }),
        );
      }
    }
    await eventually('every durable consuming', () => consumers.every((handle) => handle.health().up), 30_000);
    ops = await connect({ servers: server.url, maxReconnectAttempts: 0, ...natsConnectionAuth({ NATS_NKEY_SEED: seeds.get(OPS_USER) }, OPS_USER) });
    opsJsm = await jetstreamManager(ops, { timeout: 2_000 });
  });
  afterAll(async () => {
    for (const handle of consumers) await handle.stop();
    for (const serviceBus of buses.values()) await serviceBus.close();
    await ops?.close();
    await server?.dispose();
    await fixture?.dispose();
  });

  it('each service publishes its own events and each durable receives exactly the events it reads', async () => {
    const expected: string[] = [];
    for (const topology of GOVERN_EVENT_TOPOLOGY) {
      for (const consumed of topology.consumes) for (const subject of consumed.subjects) expected.push(`${consumed.durable} legit:${subject}`);
    }
    const subjectsByProducer = new Map<string, Set<string>>();
    for (const topology of GOVERN_EVENT_TOPOLOGY) {
      for (const consumed of topology.consumes) {
        const subjects = subjectsByProducer.get(producerOf(consumed.stream)) ?? new Set<string>();
        for (const subject of consumed.subjects) subjects.add(subject);
        subjectsByProducer.set(producerOf(consumed.stream), subjects);
      }
    }
    for (const [producer, subjects] of subjectsByProducer) {
      const acks = await bus(producer).publish([...subjects].map((subject) => eventOf(typeOn(subject), `legit:${subject}`)));
      expect(new Set(acks.map((ack) => ack.stream))).toEqual(new Set([streamNameOf(producer)]));
    }
    await eventually('every durable handled what it reads', () => expected.every((entry) => handled.includes(entry)), 20_000);
    await sleep(300);
    expect(handled.filter((entry) => entry.includes(' legit:')).sort()).toEqual(expected.sort());
  });

  it('refuses an outsider: no credentials, an unknown key, or another service’s rights on govern.product_quality.>; no service acts', async () => {
    await expect(busOf('outsider', undefined)).rejects.toThrow(/Authorization Violation/i);
    await expect(busOf('outsider', new TextDecoder().decode(createUser().getSeed()))).rejects.toThrow(/Authorization Violation/i);
    const forged = (eventId: string): OutgoingMessage => eventOf(productQuality.InspectionFailedEvent, eventId);
    await expect(bus('merchant_access').publish([forged('forged-by-merchant-access')])).rejects.toThrow(PublishError);
    await expect(bus('content').publish([forged('forged-by-content')])).rejects.toThrow(PublishError);
    // The owner's next event on the same subject: once its readers have it, anything forged before it would have come first.
    await bus('product_quality').publish([forged('sentinel-product-quality')]);
    await eventually('the readers of InspectionFailed handled the sentinel', () => actedOn('sentinel-product-quality').length === 2, 20_000);
    expect(actedOn('sentinel-product-quality').sort()).toEqual(['consumer_experience_inspection_failures', 'merchant_access_quality_violations']);
    expect(handled.filter((entry) => entry.includes(' forged-'))).toEqual([]);
    const stream = await opsJsm.streams.info(streamNameOf('product_quality'));
    const last = await opsJsm.streams.info(streamNameOf('product_quality'), { subjects_filter: 'govern.product_quality.inspection.failed' });
    expect(stream.state.last_seq).toBeGreaterThan(0);
    // One legitimate InspectionFailed before, the sentinel now: nothing forged was stored.
    expect(last.state.subjects?.['govern.product_quality.inspection.failed']).toBe(2);
  });

  it('dead-letters another service’s event type published on a service’s own subjects, at once and with the reason, in every consumer', async () => {
    // merchant-access may publish on govern.merchant_access.>: it sends product-quality's InspectionFailed there.
    const removedSubject = merchantAccess.MerchantRemovedEvent.subject;
    await bus('merchant_access').publish([eventOf(productQuality.InspectionFailedEvent, 'forged-type', removedSubject), eventOf(merchantAccess.MerchantRemovedEvent, 'sentinel-merchant-access')]);
    const readers = GOVERN_EVENT_TOPOLOGY.flatMap((t) => t.consumes.filter((c) => c.subjects.includes(removedSubject)).map((c) => c.durable)).sort();
    expect(readers).toHaveLength(3);
    await eventually('the readers of MerchantRemoved handled the sentinel', () => actedOn('sentinel-merchant-access').length === readers.length, 20_000);
    expect(actedOn('forged-type')).toEqual([]);
    for (const durable of readers) {
      const letter = await opsJsm.streams.getMessage(DLQ_STREAM_NAME, { last_by_subj: dlqSubjectOf('GOVERN_MERCHANT_ACCESS', durable) });
      const header = (name: string): string | undefined => letter?.header.get(name);
      expect(header(DLQ_HEADERS.eventId), durable).toBe('forged-type');
      expect(header(DLQ_HEADERS.deliveries)).toBe('1');
      expect(header(DLQ_HEADERS.error)).toBe(
        `PoisonMessageError: event origin refused: event type "govern.product_quality.v1.InspectionFailed" belongs to product_quality but was published on "${removedSubject}" (merchant_access's subjects)`,
      );
    }
  });

  it('a replica with other stream limits updates its own stream and leaves the shared dead-letter stream as the first service made it', async () => {
    const dlqBefore = (await opsJsm.streams.info(DLQ_STREAM_NAME)).config;
    const replica = await createJetStreamBus({
      natsUrl: server.url,
      log: silentLog,
      name: 'content',
      connection: natsConnectionAuth({ NATS_NKEY_SEED: seeds.get('content') }, 'content'),
      ownStreams: [streamNameOf('content')],
      streamLimits: { maxAgeMs: 3_600_000 },
    });
    try {
      await replica.ensureStreams([streamSpec('content'), streamSpec('product_quality')]);
      expect((await opsJsm.streams.info(streamNameOf('content'))).config.max_age).toBe(3_600_000 * 1_000_000);
      expect((await opsJsm.streams.info(DLQ_STREAM_NAME)).config.max_age).toBe(dlqBefore.max_age);
    } finally {
      await replica.close();
    }
  });
});

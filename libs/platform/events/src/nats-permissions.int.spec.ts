import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createUser } from '@nats-io/nkeys';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsServerBinary, startNatsServer, type NatsServerProcess } from '@govern/platform-testing';
// Here rather than in platform-auth (which defines these): starting a nats-server is platform-testing's, and platform-testing depends on platform-auth.
import { DLQ_STREAM_NAME, dlqSubjectOf, GOVERN_EVENT_TOPOLOGY, natsConnectionAuth, nkeyVariableOf, OPS_USER, streamNameOf } from '@govern/platform-auth';

/** The committed configuration, started as a deployment would start it (public keys from the environment). */
const CONFIG = join(import.meta.dirname, '..', '..', '..', '..', 'deploy', 'nats', 'govern.conf');
const SERVICES = GOVERN_EVENT_TOPOLOGY.map((t) => t.service);
const decoder = new TextDecoder();

describe('NATS with the committed configuration: each service publishes only its own events and reads only what it consumes', () => {
  let server: NatsServerProcess;
  const seeds = new Map<string, string>();
  const connections = new Map<string, NatsConnection>();
  const errors = new Map<string, string[]>();

  const connectAs = async (service: string): Promise<NatsConnection> => {
    const auth = natsConnectionAuth({ NATS_NKEY_SEED: seeds.get(service) }, service);
    const nc = await connect({ servers: server.url, name: service, ...auth, maxReconnectAttempts: 0 });
    const seen: string[] = [];
    errors.set(service, seen);
    void (async () => {
      for await (const status of nc.status()) if (status.type === 'error') seen.push(String(status.error.message));
    })();
    return nc;
  };
  const as = (service: string): NatsConnection => {
    const nc = connections.get(service);
    if (!nc) throw new Error(service);
    return nc;
  };
  /** Waits until the server has reported a permission violation on `subject` to this connection. */
  const violationReported = async (service: string, subject: string): Promise<void> => {
    const until = Date.now() + 5_000;
    while (!(errors.get(service) ?? []).some((message) => message.includes('Permissions Violation') && message.includes(subject))) {
      if (Date.now() > until) throw new Error(`no permission violation on ${subject} reported to ${service}: ${errors.get(service)?.join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const publishEvent = (service: string, subject: string, eventId: string) => {
    const h = headers();
    h.set('Govern-Event-Type', `govern.${subject.split('.')[1]}.v1.Test`);
    return jetstream(as(service), { timeout: 1_500 }).publish(subject, new TextEncoder().encode(eventId), { msgID: eventId, headers: h });
  };

  beforeAll(async () => {
    const env: Record<string, string> = {};
    for (const service of [...SERVICES, OPS_USER]) {
      const pair = createUser();
      seeds.set(service, decoder.decode(pair.getSeed()));
      env[nkeyVariableOf(service)] = pair.getPublicKey();
    }
    const binary = natsServerBinary();
    if (!binary) throw new Error('nats-server is not installed (.ci/run uses /usr/sbin/nats-server)');
    server = await startNatsServer(binary, { configFile: CONFIG, env });
    for (const service of [...SERVICES, OPS_USER]) connections.set(service, await connectAs(service));
  });
  afterAll(async () => {
    for (const nc of connections.values()) await nc.close().catch(() => undefined);
    await server?.dispose();
  });

  it('each service creates its own stream and the dead-letter stream, and publishes its own events', async () => {
    for (const service of SERVICES) {
      const jsm = await jetstreamManager(as(service));
      await jsm.streams.add({ name: streamNameOf(service), subjects: [`govern.${service}.>`] });
      await jsm.streams.add({ name: DLQ_STREAM_NAME, subjects: ['govern.dlq.>'] });
    }
    // One event on every subject some service consumes, published by the subject's owner.
    const consumedSubjects = new Map(GOVERN_EVENT_TOPOLOGY.flatMap((t) => t.consumes.flatMap((c) => c.subjects.map((subject) => [subject, c.stream] as const))));
    for (const [subject, stream] of consumedSubjects) {
      const producer = stream.replace(/^GOVERN_/, '').toLowerCase();
      const ack = await publishEvent(producer, subject, subject);
      expect(ack.stream).toBe(stream);
    }
  });

  it('each service reads its durables on the streams it consumes, acks them, and dead-letters to its own DLQ subjects', async () => {
    for (const topology of GOVERN_EVENT_TOPOLOGY) {
      const nc = as(topology.service);
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      for (const consumed of topology.consumes) {
        // As platform-events creates them on a server without multi-filter consumers.
        const filter = consumed.subjects.length === 1 ? { filter_subject: consumed.subjects[0] } : {};
        await jsm.consumers.add(consumed.stream, { durable_name: consumed.durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...filter });
        const consumer = await js.consumers.get(consumed.stream, consumed.durable);
        const received: string[] = [];
        const pending = (await consumer.info()).num_pending;
        for await (const message of await consumer.fetch({ max_messages: pending, expires: 2_000 })) {
          if (consumed.subjects.includes(message.subject)) received.push(decoder.decode(message.data));
          await message.ackAck();
        }
        expect([...new Set(received)].sort()).toEqual([...consumed.subjects].sort());
        const dead = await js.publish(dlqSubjectOf(consumed.stream, consumed.durable), new Uint8Array([1]), { msgID: `dlq-${consumed.durable}` });
        expect(dead.stream).toBe(DLQ_STREAM_NAME);
      }
    }
  });

  it('an outsider without credentials cannot connect, and a key the server does not know is refused', async () => {
    await expect(connect({ servers: server.url, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/i);
    const stranger = createUser();
    await expect(connect({ servers: server.url, maxReconnectAttempts: 0, ...natsConnectionAuth({ NATS_NKEY_SEED: decoder.decode(stranger.getSeed()) }, 'outsider') })).rejects.toThrow(
      /Authorization Violation/i,
    );
  });

  it('a service publishing on another service’s subjects (a forged InspectionFailed) is refused, and the stream never stores it', async () => {
    const jsm = await jetstreamManager(as('product_quality'));
    const before = (await jsm.streams.info('GOVERN_PRODUCT_QUALITY')).state.messages;
    await expect(publishEvent('merchant_access', 'govern.product_quality.inspection.failed', 'forged-1')).rejects.toThrow();
    await violationReported('merchant_access', 'govern.product_quality.inspection.failed');
    as('content').publish('govern.product_quality.inspection.failed', 'forged-2');
    await violationReported('content', 'govern.product_quality.inspection.failed');
    // Sentinel: the producer's own next event. The stream grew by it alone, and the consumer of
    // InspectionFailed (consumer-experience, which pays buyers on it) receives it and nothing forged.
    const sentinel = await publishEvent('product_quality', 'govern.product_quality.inspection.failed', 'sentinel');
    const after = await jsm.streams.info('GOVERN_PRODUCT_QUALITY');
    expect(after.state.messages).toBe(before + 1);
    expect(after.state.last_seq).toBe(sentinel.seq);
    const consumer = await jetstream(as('consumer_experience')).consumers.get('GOVERN_PRODUCT_QUALITY', 'consumer_experience_inspection_failures');
    const delivered: string[] = [];
    for await (const message of await consumer.fetch({ max_messages: 10, expires: 1_000 })) {
      delivered.push(decoder.decode(message.data));
      await message.ackAck();
    }
    expect(delivered).toEqual(['sentinel']);
  });

  it('a service cannot read streams it does not consume, take another service’s durable, listen on govern.> or others’ inboxes, or reconfigure the DLQ', async () => {
    const nc = as('merchant_access');
    const jsm: JetStreamManager = await jetstreamManager(nc, { timeout: 1_500 });
    await expect(jsm.consumers.add('GOVERN_CONTENT', { durable_name: 'merchant_access_spy', ack_policy: AckPolicy.Explicit })).rejects.toThrow();
    await violationReported('merchant_access', 'GOVERN_CONTENT.merchant_access_spy');
    await expect(jsm.consumers.info('GOVERN_PRODUCT_QUALITY', 'consumer_experience_inspection_failures')).rejects.toThrow();
    await violationReported('merchant_access', 'GOVERN_PRODUCT_QUALITY.consumer_experience_inspection_failures');
    await expect(jsm.streams.getMessage('GOVERN_CONSUMER_EXPERIENCE', { seq: 1 })).rejects.toThrow();
    await expect(jsm.streams.update(DLQ_STREAM_NAME, { max_msgs: 1 })).rejects.toThrow();
    await violationReported('merchant_access', `$JS.API.STREAM.UPDATE.${DLQ_STREAM_NAME}`);

    nc.subscribe('govern.>');
    await violationReported('merchant_access', 'govern.>');
    nc.subscribe('_INBOX.content.>');
    await violationReported('merchant_access', '_INBOX.content.>');
  });

  it('the operators’ user reads dead letters and inspects durables, and can neither publish, take messages, nor read event streams', async () => {
    const nc = as(OPS_USER);
    const jsm = await jetstreamManager(nc, { timeout: 1_500 });
    const letter = await jsm.streams.getMessage(DLQ_STREAM_NAME, { seq: 1 });
    expect(letter?.subject.startsWith('govern.dlq.')).toBe(true);
    expect((await jsm.consumers.info('GOVERN_PRODUCT_QUALITY', 'consumer_experience_inspection_failures')).name).toBe('consumer_experience_inspection_failures');
    await expect(jsm.streams.getMessage('GOVERN_PRODUCT_QUALITY', { seq: 1 })).rejects.toThrow();
    await violationReported(OPS_USER, '$JS.API.STREAM.MSG.GET.GOVERN_PRODUCT_QUALITY');
    await expect(jsm.consumers.add('GOVERN_PRODUCT_QUALITY', { durable_name: 'ops_peek', ack_policy: AckPolicy.Explicit })).rejects.toThrow();
    await violationReported(OPS_USER, 'GOVERN_PRODUCT_QUALITY.ops_peek');
    nc.publish('govern.product_quality.inspection.failed', 'forged-by-ops');
    await violationReported(OPS_USER, 'govern.product_quality.inspection.failed');
  });
});

import { jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { deleteNamespaceStreams, natsServerBinary, startNatsServer, testInfra, uniqueSuffix } from '@govern/platform-testing';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { PublishError } from './event-bus';
import { AckError, createAckedPublisher, readAck } from './jetstream-acks';
import { createJetStreamBus } from './jetstream-bus';
import { present } from './testing/wait';

const encoder = new TextEncoder();

const withId = (id: string, more: Record<string, string> = {}): MsgHdrs => {
  const headers = natsHeaders();
  headers.set('Nats-Msg-Id', id);
  for (const [key, value] of Object.entries(more)) headers.set(key, value);
  return headers;
};

describe('readAck: what a reply says about the publish it answers', () => {
  const reply = (body: string, code?: number) => ({ data: encoder.encode(body), headers: code === undefined ? undefined : ({ code } as unknown as MsgHdrs) });

  it('reads the stored place, and whether the stream already had the message', () => {
    expect(readAck('s', reply('{"stream":"S","seq":7}'))).toEqual({ stream: 'S', seq: 7, duplicate: false });
    expect(readAck('s', reply('{"stream":"S","seq":7,"duplicate":true}'))).toEqual({ stream: 'S', seq: 7, duplicate: true });
  });

  it('turns a refusal, "no responders", an unreadable or incomplete reply into an AckError naming the subject', () => {
    const refused = readAck('a.b', reply('{"error":{"code":400,"err_code":10060,"description":"expected stream does not match"},"stream":""}'));
    expect(refused).toBeInstanceOf(AckError);
    expect((refused as AckError).message).toBe('JetStream refused a message on a.b: expected stream does not match (10060)');
    expect((readAck('a.b', { data: new Uint8Array(), headers: { code: 503 } as unknown as MsgHdrs }) as AckError).message).toMatch(/no stream takes subject a\.b/);
    expect((readAck('a.b', reply('not json')) as AckError).message).toMatch(/unreadable/);
    expect((readAck('a.b', reply('{"stream":"S"}')) as AckError).message).toMatch(/invalid/);
  });
});

describe('createAckedPublisher against JetStream', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanup.length > 0) await cleanup.pop()?.();
  });

  const setUp = async (natsUrl: string, timeoutMs = 5_000) => {
    const nc = await connect({ servers: natsUrl });
    cleanup.push(() => nc.close());
    const namespace = `t${uniqueSuffix()}`;
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: `${namespace}_ACKS`, subjects: [`${namespace}.stored.>`], duplicate_window: 60_000_000_000 });
    cleanup.push(() => deleteNamespaceStreams(natsUrl, namespace));
    const publisher = createAckedPublisher(nc, { timeoutMs });
    cleanup.push(async () => publisher.close());
    return { nc, namespace, publisher };
  };

  /** A core subscriber on the subject that never answers (so no ack ever comes); `answerAfterMs` answers late. */
  const silentListener = async (nc: NatsConnection, subject: string, answerAfterMs?: number) => {
    const subscription = nc.subscribe(subject, {
      callback: (_error, message) => {
        if (answerAfterMs !== undefined) setTimeout(() => message.respond(encoder.encode('{"stream":"LATE","seq":1}')), answerAfterMs);
      },
    });
    await nc.flush();
    cleanup.push(async () => subscription.unsubscribe());
  };

  it('resolves each of many publishes in flight with its own stored place, in the order they were sent, and a repeated id as a duplicate', async () => {
    const { namespace, publisher } = await setUp((await testInfra()).natsUrl);
    const acks = await Promise.all(Array.from({ length: 300 }, (_, i) => publisher.publish(`${namespace}.stored.thing`, encoder.encode(`m${i}`), withId(`id-${i}`))));
    expect(acks.map((a) => a.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(acks.every((a) => a.stream === `${namespace}_ACKS` && !a.duplicate)).toBe(true);
    const again = await publisher.publish(`${namespace}.stored.thing`, encoder.encode('m7 again'), withId('id-7'));
    expect(again).toEqual({ stream: `${namespace}_ACKS`, seq: 8, duplicate: true });
  });

  it("rejects JetStream's refusal and a subject no stream takes at once, and goes on publishing", async () => {
    const { namespace, publisher } = await setUp((await testInfra()).natsUrl);
    const started = Date.now();
    const refused = publisher.publish(`${namespace}.stored.thing`, encoder.encode('x'), withId('r1', { 'Nats-Expected-Stream': 'SOME_OTHER' }));
    await expect(refused).rejects.toThrow(/JetStream refused a message on .*expected stream does not match/);
    await expect(publisher.publish(`${namespace}.nowhere.thing`, encoder.encode('x'), withId('n1'))).rejects.toThrow(/no stream takes subject/);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(publisher.publish(`${namespace}.stored.thing`, encoder.encode('x'), withId('ok'))).resolves.toMatchObject({ seq: 1 });
  });

  it('rejects a publish left unanswered once its timeout passes, and ignores the answer that comes after', async () => {
    const { nc, namespace, publisher } = await setUp((await testInfra()).natsUrl, 300);
    await silentListener(nc, `${namespace}.silent.thing`, 800);
    const started = Date.now();
    await expect(publisher.publish(`${namespace}.silent.thing`, encoder.encode('x'), withId('s1'))).rejects.toThrow(/no JetStream ack .* within 300 ms/);
    expect(Date.now() - started).toBeLessThan(1_500);
    // The late answer arrives with nothing waiting for it; the next publish is unaffected.
    await new Promise((resolve) => setTimeout(resolve, 900));
    await expect(publisher.publish(`${namespace}.stored.thing`, encoder.encode('x'), withId('after'))).resolves.toMatchObject({ seq: 1, duplicate: false });
  });

  it('rejects what is pending when closed, and every publish after', async () => {
    const { nc, namespace, publisher } = await setUp((await testInfra()).natsUrl);
    await silentListener(nc, `${namespace}.silent.thing`);
    const pending = publisher.publish(`${namespace}.silent.thing`, encoder.encode('x'), withId('c1'));
    publisher.close();
    await expect(pending).rejects.toThrow(/closed/);
    await expect(publisher.publish(`${namespace}.stored.thing`, encoder.encode('x'), withId('c2'))).rejects.toThrow(/closed/);
  });

  const binary = natsServerBinary();
  it.skipIf(binary === undefined)("the event bus fails its publishes awaiting an ack when the connection drops, not at their timeout", async () => {
    const server = await startNatsServer(present(binary, 'nats-server binary'));
    cleanup.push(() => server.dispose());
    const namespace = `t${uniqueSuffix()}`;
    const bus = await createJetStreamBus({ natsUrl: server.url, log: pino({ level: 'silent' }), namespace, publishTimeoutMs: 60_000 });
    cleanup.push(() => bus.close());
    const listener = await connect({ servers: server.url, maxReconnectAttempts: 0 });
    cleanup.push(() => listener.close().catch(() => undefined));
    await silentListener(listener, `${namespace}.govern.silent.thing`);
    const started = Date.now();
    const publishing = bus.publish([{ subject: 'govern.silent.thing', eventId: 'd1', eventType: 'govern.test.v1.Silent', payload: encoder.encode('x') }]).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.kill();
    const failure = await publishing;
    expect(failure).toBeInstanceOf(PublishError);
    expect((failure as PublishError).failed).toEqual([{ eventId: 'd1', error: expect.stringMatching(/connection dropped/) as unknown as string }]);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

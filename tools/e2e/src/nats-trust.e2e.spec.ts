import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createUser } from '@nats-io/nkeys';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { InspectionFailedEvent } from '@govern/contracts-product-quality';
import { MerchantRemovedEvent } from '@govern/contracts-merchant-access';
import { dlqSubjectOf, DLQ_STREAM_NAME, GOVERN_EVENT_TOPOLOGY, natsConnectionAuth, OPS_USER } from '@govern/platform-auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCommittedNats, type CommittedNats } from './committed-nats';
import { prepareRemovalScenario, type RemovalScenario } from './faults/removal-scenario';
import { settle, startPlatformProcesses, type PlatformUnderTest } from './platform-processes';

/**
 * Issue 12 item 5 end to end: the four services as processes on a nats-server started with the
 * committed configuration (deploy/nats/govern.conf), each signed in with its own NKey
 * (`NATS_NKEY_SEED`). The cross-service removal cascade settles with each effect once; an
 * outsider's publish on govern.product_quality.> is refused by the server and stored nowhere; a
 * service publishing another service's event type on its own subjects is dead-lettered by every
 * reader, at once, with the reason.
 */

describe('trust on NATS: the platform on the committed configuration, each service with its own NKey', { timeout: 300_000 }, () => {
  let nats: CommittedNats;
  let platform: PlatformUnderTest;
  let scenario: RemovalScenario;
  let ops: NatsConnection;
  let opsJsm: JetStreamManager;
  const as = (user: string): Promise<NatsConnection> => connect({ servers: nats.url, maxReconnectAttempts: 0, ...natsConnectionAuth({ NATS_NKEY_SEED: nats.seedOf(user) }, user) });
  /** A real InspectionFailed (fields at their defaults), published raw, as an attacker holding some credentials would. */
  const forgedInspectionFailed = (eventId: string): Uint8Array => {
    const message = InspectionFailedEvent.codec.decode(new Uint8Array());
    message.meta = { eventId, occurredAt: new Date(), causationId: '', correlationId: eventId };
    return InspectionFailedEvent.codec.encode(message).finish();
  };
  const publishRaw = (nc: NatsConnection, subject: string, eventId: string) => {
    const h = headers();
    h.set('Govern-Event-Type', InspectionFailedEvent.typeName);
    return jetstream(nc, { timeout: 2_000 }).publish(subject, forgedInspectionFailed(eventId), { msgID: eventId, headers: h });
  };
  const storedOn = async (stream: string, subject: string): Promise<number> => (await opsJsm.streams.info(stream, { subjects_filter: subject })).state.subjects?.[subject] ?? 0;

  beforeAll(async () => {
    nats = await startCommittedNats();
    platform = await startPlatformProcesses({ natsUrl: nats.url, natsSettings: nats.settings });
    scenario = await prepareRemovalScenario(platform, 'nt', 950);
    ops = await as(OPS_USER);
    opsJsm = await jetstreamManager(ops, { timeout: 2_000 });
  }, 240_000);
  afterAll(async () => {
    await ops?.close();
    await platform?.stop();
    await nats?.server.dispose();
  }, 60_000);

  it('the services’ real consumers are exactly the durables of the topology the permissions are rendered from', async () => {
    const expected = GOVERN_EVENT_TOPOLOGY.flatMap((t) => t.consumes.map((c) => `${c.stream}/${c.durable}`)).sort();
    const streams = [...new Set(GOVERN_EVENT_TOPOLOGY.flatMap((t) => t.consumes.map((c) => c.stream)))];
    // A durable outside the topology is refused by the server, so it never appears; one the services lack never gets made.
    const { value: durables } = await settle('every durable created', async () => {
      const found: string[] = [];
      for (const stream of streams) for await (const info of opsJsm.consumers.list(stream)) found.push(`${stream}/${info.name}`);
      return found.length >= expected.length ? found.sort() : undefined;
    });
    expect(durables).toEqual(expected);
  });

  it('refuses an outsider’s publish on govern.product_quality.>: no sign-in without a known key, no publish with another service’s rights, nothing stored', async () => {
    await expect(connect({ servers: nats.url, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/i);
    await expect(connect({ servers: nats.url, maxReconnectAttempts: 0, ...natsConnectionAuth({ NATS_NKEY_SEED: new TextDecoder().decode(createUser().getSeed()) }, 'outsider') })).rejects.toThrow(
      /Authorization Violation/i,
    );
    const before = await storedOn('GOVERN_PRODUCT_QUALITY', InspectionFailedEvent.subject);
    for (const holder of ['merchant_access', 'consumer_experience', OPS_USER]) {
      const nc = await as(holder);
      try {
        await expect(publishRaw(nc, InspectionFailedEvent.subject, `forged-by-${holder}`)).rejects.toThrow();
      } finally {
        await nc.close();
      }
    }
    expect(await storedOn('GOVERN_PRODUCT_QUALITY', InspectionFailedEvent.subject)).toBe(before);
  });

  it('runs the removal cascade across the four services with their own credentials: each effect once, nothing forged acted on', async () => {
    await scenario.failLabTest();
    await scenario.removeMerchants();
    // Exact end state in every service: the refused InspectionFailed above would have paid buyers and added points.
    await scenario.assertSettled(120_000);
  });

  it('dead-letters another service’s event type on merchant-access’s own subjects in every reader, at once, with the reason', async () => {
    const subject = MerchantRemovedEvent.subject;
    const nc = await as('merchant_access');
    try {
      // Allowed by the server (merchant-access's own subject); the consumers must not believe it.
      await publishRaw(nc, subject, 'forged-type-e2e');
    } finally {
      await nc.close();
    }
    const readers = GOVERN_EVENT_TOPOLOGY.flatMap((t) => t.consumes.filter((c) => c.subjects.includes(subject)).map((c) => c.durable));
    expect(readers).toHaveLength(3);
    for (const durable of readers) {
      const { value: letter } = await settle(`${durable} dead-letters the forged type`, async () => {
        const last = await opsJsm.streams.getMessage(DLQ_STREAM_NAME, { last_by_subj: dlqSubjectOf('GOVERN_MERCHANT_ACCESS', durable) }).catch(() => null);
        return last?.header.get('Govern-Dlq-Event-Id') === 'forged-type-e2e' ? last : undefined;
      });
      expect(letter.header.get('Govern-Dlq-Deliveries')).toBe('1');
      expect(letter.header.get('Govern-Dlq-Error')).toBe(
        `PoisonMessageError: event origin refused: event type "${InspectionFailedEvent.typeName}" belongs to product_quality but was published on "${subject}" (merchant_access's subjects)`,
      );
    }
  });
});

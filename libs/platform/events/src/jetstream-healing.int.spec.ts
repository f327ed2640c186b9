import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { watchConsumerHealth } from './consumer-health';
import type { EventBus } from './event-bus';
import { toOutgoing } from './outbox';
import { silentLog, useFlowWorlds } from './testing/flow-fixture';
import { natsServerBinary, startNatsServer, type NatsServerProcess } from '@govern/platform-testing';
import { TEST_STREAM, ThingHappenedEvent, thingHappened } from './testing/test-event';
import { eventually, present } from './testing/wait';

/**
 * Consumers heal (issue 11.5): whatever ends a consume loop, it restarts with backoff and
 * recreates what went missing, and the service's health follows it.
 */
describe('JetStream consumers heal', () => {
  const { world, track, cleanup } = useFlowWorlds({ publishTimeoutMs: 1_000 });
  const publish = (bus: EventBus, ids: string[]) =>
    bus.publish(
      ids.map((id) => {
        const event = toOutgoing(ThingHappenedEvent, thingHappened(id));
        return { subject: event.subject, eventId: event.eventId, eventType: event.eventType, payload: event.payload };
      }),
    );
  const manager = async (url: string) => {
    const nc = await connect({ servers: url });
    cleanup.push(() => nc.close());
    return jetstreamManager(nc);
  };

  it('recreates its durable consumer when it is deleted underneath, and goes on from the stream', async () => {
    const { fixture, bus, natsUrl } = await world();
    const handle = track(await fixture.startCounting(bus));
    await publish(bus, ['before']);
    await eventually('before', async () => (await fixture.effects()).has('before'));

    const jsm = await manager(natsUrl);
    await jsm.consumers.delete(`${fixture.namespace}_${TEST_STREAM.name}`, 'test_effects');
    await eventually('a restart', () => handle.health().restarts > 0, 20_000);
    await publish(bus, ['after-1', 'after-2']);
    await eventually('events after the deletion', async () => (await fixture.effects()).size === 3, 20_000);
    expect(handle.health()).toMatchObject({ up: true });
    expect(handle.health().lastError).toMatch(/consumer.deleted|not.found/i);
    expect([...(await fixture.effects()).values()].every((count) => count === 1)).toBe(true);
  });

  it('recreates the stream it consumes when the stream is deleted underneath', async () => {
    const { fixture, bus, natsUrl } = await world();
    const handle = track(await fixture.startCounting(bus));
    await publish(bus, ['before']);
    await eventually('before', async () => (await fixture.effects()).has('before'));

    const jsm = await manager(natsUrl);
    await jsm.streams.delete(`${fixture.namespace}_${TEST_STREAM.name}`);
    await eventually('the stream back', async () => (await jsm.streams.names().next()).some((name) => name === `${fixture.namespace}_${TEST_STREAM.name}`), 20_000);
    await eventually('the consumer up again', () => handle.health().up && handle.health().restarts > 0, 20_000);
    await publish(bus, ['after']);
    await eventually('the event after the deletion', async () => (await fixture.effects()).has('after'), 20_000);
    expect(await fixture.effects()).toEqual(new Map([['before', 1], ['after', 1]]));
  });

  const binary = natsServerBinary();
  const withOwnServer = binary ? it : it.skip;
  withOwnServer('reports down while its server is gone (health NOT_SERVING past the bound), then SERVING and caught up after the restart', async () => {
    const server: NatsServerProcess = await startNatsServer(present(binary, 'nats-server binary'));
    cleanup.unshift(() => server.dispose());
    const { fixture, bus } = await world({ natsUrl: server.url });
    const statuses: string[] = [];
    const watch = watchConsumerHealth({ setServing: (status) => statuses.push(status), log: silentLog, boundMs: 1_000, checkEveryMs: 50 });
    cleanup.push(async () => watch.stop());
    const handle = track(watch.track('test_effects', await fixture.startCounting(bus)));
    await publish(bus, ['before']);
    await eventually('before', async () => (await fixture.effects()).has('before'));

    await server.kill();
    await eventually('consumer down', () => handle.health().downSince !== undefined, 10_000);
    await eventually('health NOT_SERVING', () => statuses.at(-1) === 'NOT_SERVING', 10_000);
    expect(watch.down()).toEqual(['test_effects']);

    await server.restart();
    await eventually('health SERVING again', () => statuses.at(-1) === 'SERVING', 30_000);
    await eventually('publishing again', async () => (await publish(bus, ['after']).then(() => true).catch(() => false)), 20_000);
    await eventually('the event after the restart', async () => (await fixture.effects()).has('after'), 20_000);
    expect(statuses).toEqual(['NOT_SERVING', 'SERVING']);
    expect(await fixture.effects()).toEqual(new Map([['before', 1], ['after', 1]]));
  });
});

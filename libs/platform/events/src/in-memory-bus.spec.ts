import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { eventBusContract } from './event-bus.contract';
import { createInMemoryBus } from './in-memory-bus';
import { TEST_STREAM } from './testing/test-event';

const log = pino({ level: 'silent' });

eventBusContract('in-memory', async () => {
  const bus = createInMemoryBus({ log, namespace: 'mem' });
  return { bus, dispose: () => bus.close() };
});

describe('in-memory bus, like JetStream', () => {
  it('refuses a stream whose subjects overlap another stream', async () => {
    const bus = createInMemoryBus({ log });
    await bus.ensureStreams([TEST_STREAM]);
    await expect(bus.ensureStreams([{ name: 'GOVERN_OTHER', subjects: ['govern.test.thing.>'] }])).rejects.toThrow(/overlaps stream GOVERN_TEST/);
    await bus.close();
  });

  it('refuses a consumer on a stream nobody created', async () => {
    const bus = createInMemoryBus({ log });
    await expect(
      bus.consume({ durable: 'x_y', stream: 'GOVERN_NONE', subjects: ['govern.none.>'], maxDeliver: 1, backoffMs: [], handler: async () => undefined }),
    ).rejects.toThrow(/stream GOVERN_NONE not found/);
    await bus.close();
  });

  it('forgets event ids after the duplicate window', async () => {
    const bus = createInMemoryBus({ log, duplicateWindowMs: 50 });
    await bus.ensureStreams([TEST_STREAM]);
    const event = { subject: 'govern.test.a', eventId: 'e', eventType: 't', payload: new Uint8Array() };
    expect((await bus.publish([event]))[0]?.duplicate).toBe(false);
    expect((await bus.publish([event]))[0]?.duplicate).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await bus.publish([event]))[0]?.duplicate).toBe(false);
    await bus.close();
  });
});

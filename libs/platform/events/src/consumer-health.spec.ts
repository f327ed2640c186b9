import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { watchConsumerHealth } from './consumer-health';
import type { ConsumerHandle, ConsumerHealth } from './event-bus';
import { eventually, sleep } from './testing/wait';

const fakeHandle = (): ConsumerHandle & { state: ConsumerHealth; stopped: boolean } => {
  const handle = {
    state: { up: true, restarts: 0 } as ConsumerHealth,
    stopped: false,
    async stop() {
      handle.stopped = true;
    },
    abort() {
      handle.stopped = true;
    },
    health: () => handle.state,
  };
  return handle;
};

describe('consumer health watch', () => {
  it('goes NOT_SERVING only after a consumer has been down past the bound, and SERVING once all are up', async () => {
    const statuses: string[] = [];
    const watch = watchConsumerHealth({ setServing: (s) => statuses.push(s), log: pino({ level: 'silent' }), boundMs: 200, checkEveryMs: 10 });
    const a = fakeHandle();
    const b = fakeHandle();
    watch.track('a', a);
    watch.track('b', b);
    a.state = { up: false, downSince: Date.now(), restarts: 1 };
    await sleep(100);
    expect(statuses).toEqual([]);
    await eventually('NOT_SERVING', () => statuses.length === 1);
    expect(statuses).toEqual(['NOT_SERVING']);
    expect(watch.down()).toEqual(['a']);
    a.state = { up: true, restarts: 1 };
    await eventually('SERVING', () => statuses.length === 2);
    expect(statuses).toEqual(['NOT_SERVING', 'SERVING']);
    watch.stop();
  });

  it('stops watching a consumer once it is stopped', async () => {
    const statuses: string[] = [];
    const watch = watchConsumerHealth({ setServing: (s) => statuses.push(s), log: pino({ level: 'silent' }), boundMs: 20, checkEveryMs: 5 });
    const a = fakeHandle();
    const tracked = watch.track('a', a);
    await tracked.stop();
    expect(a.stopped).toBe(true);
    a.state = { up: false, downSince: Date.now() - 1_000, restarts: 0 };
    await sleep(60);
    expect(statuses).toEqual([]);
    watch.stop();
  });
});

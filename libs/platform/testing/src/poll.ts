import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it returns something other than undefined, and returns that; fails naming
 * `what` once `timeoutMs` has passed. For effects that land asynchronously (a consumer, the
 * outbox relay, another process): a test waits for the condition, never for a fixed time.
 */
export const pollUntil = async <T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> => {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(options.intervalMs ?? 25);
  }
};

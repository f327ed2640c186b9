import type { Logger } from 'pino';
import type { ConsumerHandle } from './event-bus';

/**
 * Turns the health of a service's required consumers into its serving status: NOT_SERVING
 * once any of them has been down (restarting, or its server unreachable) for longer than
 * `boundMs`, SERVING again when all are up. A short blip (a reconnect) changes nothing.
 */
export interface ConsumerHealthWatch {
  /** Watches this consumer until it is stopped; returns a handle that stops watching on stop/abort. */
  track(name: string, handle: ConsumerHandle): ConsumerHandle;
  /** Names of the consumers down for longer than the bound now. */
  down(): string[];
  stop(): void;
}

export const DEFAULT_CONSUMER_DOWN_BOUND_MS = 30_000;

export const watchConsumerHealth = (options: {
  setServing(status: 'SERVING' | 'NOT_SERVING'): void;
  log: Logger;
  /** Default 30 s. */
  boundMs?: number;
  /** Default a quarter of the bound, at most 1 s. */
  checkEveryMs?: number;
}): ConsumerHealthWatch => {
  const boundMs = options.boundMs ?? DEFAULT_CONSUMER_DOWN_BOUND_MS;
  const tracked = new Map<ConsumerHandle, string>();
  let serving = true;

  const down = (): string[] => {
    const now = Date.now();
    return [...tracked].filter(([handle]) => {
      const health = handle.health();
      return health.downSince !== undefined && now - health.downSince > boundMs;
    }).map(([, name]) => name);
  };

  const check = (): void => {
    const names = down();
    if (names.length > 0 && serving) {
      serving = false;
      options.log.error({ consumers: names, bound_ms: boundMs }, 'required consumers down; health NOT_SERVING');
      options.setServing('NOT_SERVING');
    } else if (names.length === 0 && !serving) {
      serving = true;
      options.log.info('required consumers up again; health SERVING');
      options.setServing('SERVING');
    }
  };
  const timer = setInterval(check, options.checkEveryMs ?? Math.min(1_000, Math.max(10, Math.floor(boundMs / 4))));
  timer.unref();

  return {
    track(name, handle) {
      tracked.set(handle, name);
      return {
        stop: async () => {
          tracked.delete(handle);
          await handle.stop();
        },
        abort: () => {
          tracked.delete(handle);
          handle.abort();
        },
        health: () => handle.health(),
      };
    },
    down,
    stop() {
      clearInterval(timer);
      tracked.clear();
    },
  };
};

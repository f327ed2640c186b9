import { LivestreamState, type Livestream } from '@govern/contracts-content';
import type { Logger } from '@govern/platform-core';
import type { OperatorApi } from '../grpc/platform-api';

/**
 * Live livestreams for the live page, pushed to the browser as server-sent events. Each open page
 * polls with its own operator's token — never a shared console identity: ListLivestreams(LIVE)
 * each round, then GetLivestream for the sessions that left the list (their final state) and for
 * the ones the operator asked for by name. Only changes are sent. (content has no watch stream
 * yet: see the README.)
 */
export interface LiveSnapshot {
  livestream: Livestream;
  /** False once the session ended or was interrupted: the page drops the row. */
  live: boolean;
}

export interface LiveHub {
  /**
   * Polls for one page until `signal` aborts, calling `emit` with every change. `watch` adds
   * livestream ids the operator asked for by name (found even when discovery misses them).
   */
  run(api: OperatorApi, emit: (snapshot: LiveSnapshot) => Promise<void>, options: { signal: AbortSignal; watch: readonly string[]; until: Date }): Promise<'ended' | 'expired'>;
  /** Ends every open stream (shutdown). */
  close(): void;
}

/** The most sessions one page follows (newest start first); more would cost every poll. */
const MAX_TRACKED = 100;
const CONCURRENCY = 8;

const fingerprint = (livestream: Livestream): string =>
  JSON.stringify([livestream.state, livestream.level, livestream.trafficWeight, livestream.warnings, livestream.lastClientSequence.toString(), livestream.reasons.map((r) => r.code)]);

/** Runs `work` over `items`, at most `limit` at a time. */
const pool = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
};

/** The sessions on air, newest start first, up to MAX_TRACKED. */
const listLive = async (api: OperatorApi): Promise<Livestream[]> => {
  const { livestreams } = await api.content.listLivestreams({ state: LivestreamState.LIVESTREAM_STATE_LIVE, pageSize: MAX_TRACKED, pageToken: '' });
  return livestreams;
};

/** Sessions by id (asked for by name, or gone from the live list); unknown ids are left out. */
const getEach = async (api: OperatorApi, ids: readonly string[]): Promise<Livestream[]> => {
  const found: Livestream[] = [];
  await pool(ids, CONCURRENCY, async (livestreamId) => {
    const { livestream } = await api.content.getLivestream({ livestreamId }).catch(() => ({ livestream: undefined }));
    if (livestream) found.push(livestream);
  });
  return found;
};

/** What the page renders before the stream opens: the sessions on air and the ones asked for by name. */
export const discoverLivestreams = async (api: OperatorApi, watch: readonly string[]): Promise<Livestream[]> => {
  const live = await listLive(api);
  const onAir = new Set(live.map((l) => l.livestreamId));
  const named = await getEach(api, watch.filter((id) => !onAir.has(id)));
  return [...live, ...named].sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0));
};

export const createLiveHub = (options: { pollMs: number; log: Logger; sleep?: (ms: number, signal: AbortSignal) => Promise<void> }): LiveHub => {
  const open = new Set<AbortController>();
  const sleep =
    options.sleep ??
    ((ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      }));
  return {
    async run(api, emit, { signal, watch, until }) {
      const controller = new AbortController();
      open.add(controller);
      const stop = (): void => controller.abort();
      signal.addEventListener('abort', stop, { once: true });
      const sent = new Map<string, string>();
      const finished = new Set<string>();
      const send = async (livestream: Livestream, live: boolean): Promise<void> => {
        const print = fingerprint(livestream);
        if (sent.get(livestream.livestreamId) === print) return;
        sent.set(livestream.livestreamId, print);
        await emit({ livestream, live });
      };
      try {
        while (!controller.signal.aborted) {
          if (Date.now() >= until.getTime()) return 'expired';
          const live = await listLive(api);
          const onAir = new Set(live.map((l) => l.livestreamId));
          for (const livestream of live) await send(livestream, true);
          // Sessions shown before that left the list ended or were interrupted: their last state is sent once.
          const gone = [...sent.keys()].filter((id) => !onAir.has(id) && !finished.has(id));
          const named = watch.filter((id) => !onAir.has(id) && !gone.includes(id));
          for (const livestream of await getEach(api, [...gone, ...named])) {
            const watched = watch.includes(livestream.livestreamId);
            if (sent.has(livestream.livestreamId) || watched) await send(livestream, livestream.state === LivestreamState.LIVESTREAM_STATE_LIVE || watched);
            if (livestream.state !== LivestreamState.LIVESTREAM_STATE_LIVE && !watched) finished.add(livestream.livestreamId);
          }
          await sleep(options.pollMs, controller.signal);
        }
        return 'ended';
      } catch (error) {
        if (!controller.signal.aborted) options.log.warn({ err: error }, 'live updates stopped');
        return 'ended';
      } finally {
        signal.removeEventListener('abort', stop);
        open.delete(controller);
      }
    },
    close() {
      for (const controller of open) controller.abort();
    },
  };
};

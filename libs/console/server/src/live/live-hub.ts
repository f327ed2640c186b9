import { ContentKind, LivestreamState, type Livestream } from '@govern/contracts-content';
import type { Logger } from '@govern/platform-core';
import type { OperatorApi } from '../grpc/platform-api';

/**
 * Live livestreams for the live page, pushed to the browser as server-sent events. The content
 * service has no list of live sessions and no watch stream (see the README's missing RPCs), so
 * each open page polls with its own operator's token — never a shared console identity:
 * discovery over the newest content items (livestreams are content items of kind LIVESTREAM),
 * then GetLivestream for each one on air. Only changes are sent.
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

/** One page of the newest content items is the discovery window; more would cost every poll. */
const DISCOVERY_PAGE = 200;
const DISCOVER_EVERY = 5;
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

/** The first livestreams of a discovery (what the page renders before the stream opens). */
export const discoverLivestreams = async (api: OperatorApi, watch: readonly string[]): Promise<Livestream[]> => {
  const { contentItems } = await api.content.listContentItems({ pageSize: DISCOVERY_PAGE, pageToken: '', creatorId: '', productId: '', tier: 0 });
  const ids = [...new Set([...watch, ...contentItems.filter((item) => item.kind === ContentKind.CONTENT_KIND_LIVESTREAM).map((item) => item.livestreamId || item.contentId)])].slice(0, MAX_TRACKED);
  const found: Livestream[] = [];
  await pool(ids, CONCURRENCY, async (livestreamId) => {
    const { livestream } = await api.content.getLivestream({ livestreamId }).catch(() => ({ livestream: undefined }));
    if (livestream && (livestream.state === LivestreamState.LIVESTREAM_STATE_LIVE || watch.includes(livestreamId))) found.push(livestream);
  });
  return found.sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0));
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
      let tracked: string[] = [...watch];
      try {
        for (let round = 0; !controller.signal.aborted; round++) {
          if (Date.now() >= until.getTime()) return 'expired';
          if (round % DISCOVER_EVERY === 0) {
            const { contentItems } = await api.content.listContentItems({ pageSize: DISCOVERY_PAGE, pageToken: '', creatorId: '', productId: '', tier: 0 });
            const discovered = contentItems.filter((item) => item.kind === ContentKind.CONTENT_KIND_LIVESTREAM).map((item) => item.livestreamId || item.contentId);
            tracked = [...new Set([...watch, ...tracked, ...discovered])].filter((id) => !finished.has(id)).slice(0, MAX_TRACKED);
          }

          await pool(tracked, CONCURRENCY, async (livestreamId) => {
            const { livestream } = await api.content.getLivestream({ livestreamId });
            if (!livestream) return;
            const live = livestream.state === LivestreamState.LIVESTREAM_STATE_LIVE;
            const print = fingerprint(livestream);
            if (sent.get(livestreamId) !== print && (live || sent.has(livestreamId) || watch.includes(livestreamId))) {
              sent.set(livestreamId, print);
              await emit({ livestream, live: live || watch.includes(livestreamId) });
            }
            if (!live && !watch.includes(livestreamId)) finished.add(livestreamId);
          });
          // Ended sessions stop being asked about (their last state was sent).
          tracked = tracked.filter((id) => !finished.has(id));
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

import type { Logger } from 'pino';
import type { ShadowSetting } from './store/shadow-settings.store';

/**
 * The shadow settings in force, read on every live decision: served from memory and
 * refreshed in the background once older than `refreshMs`, so the hot path never waits on
 * the database after the first read. A change made through this replica applies at once
 * (`invalidate`); other replicas pick it up within `refreshMs`. If the settings cannot be
 * read, decisions go on without shadow: a candidate must never hold up a live decision.
 */
export interface ShadowSettingsCache {
  current(kind: string): Promise<ShadowSetting | undefined>;
  invalidate(): void;
}

export const createShadowSettingsCache = (options: {
  load: () => Promise<ShadowSetting[]>;
  refreshMs: number;
  log: Pick<Logger, 'warn'>;
  now?: () => number;
}): ShadowSettingsCache => {
  const now = options.now ?? (() => performance.now());
  let settings: Map<string, ShadowSetting> | undefined;
  let loadedAt = 0;
  let loading: Promise<void> | undefined;
  // A load that started before an invalidation may have read the old settings: its result is dropped.
  let generation = 0;

  const refresh = (): Promise<void> => {
    const started = generation;
    loading ??= options
      .load()
      .then((rows) => {
        if (started !== generation) return;
        settings = new Map(rows.map((row) => [row.kind, row]));
        loadedAt = now();
      })
      .catch((error: unknown) => {
        options.log.warn({ err: error }, 'shadow policy settings could not be read; deciding without shadow until they can');
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async current(kind) {
      if (!settings) {
        await refresh();
        // The load awaited may have been one an invalidation overtook: load once more.
        if (!settings) await refresh();
      } else if (now() - loadedAt >= options.refreshMs) void refresh();
      return settings?.get(kind);
    },
    invalidate() {
      generation++;
      settings = undefined;
    },
  };
};

import type { Logger } from 'pino';
import type { ShadowSetting } from './store/shadow-settings.store';

/**
 * The shadow settings in force, read on every live decision: always answered from memory,
 * never by waiting on the database. A live decision holds its transaction's connection while
 * it asks; a read that waited for another connection could wait for ever on a
 * single-connection database (embedded PGlite) and starve the pool of a server one under load.
 * So the settings are loaded at start (`reload`, outside any transaction), refreshed in the
 * background once older than `refreshMs`, and a change made through this replica is applied
 * once its transaction has committed (`applied`); other replicas pick it up within `refreshMs`.
 * Until a first load succeeds, and whenever the settings cannot be read, decisions go on
 * without shadow: a candidate must never hold up a live decision.
 */
export interface ShadowSettingsCache {
  /** The setting in force for `kind`, from memory; starts a background refresh when stale. */
  current(kind: string): ShadowSetting | undefined;
  /** A change this replica committed: in force here at once. */
  applied(setting: ShadowSetting): void;
  /** The next `current` refreshes in the background (a change whose commit this replica cannot see). */
  markStale(): void;
  /** Loads now and waits: at start, outside any transaction. */
  reload(): Promise<void>;
}

export const createShadowSettingsCache = (options: {
  load: () => Promise<ShadowSetting[]>;
  refreshMs: number;
  log: Pick<Logger, 'warn'>;
  now?: () => number;
}): ShadowSettingsCache => {
  const now = options.now ?? (() => performance.now());
  let settings: Map<string, ShadowSetting> | undefined;
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;
  // A load that started before a change was applied may have read the settings without it: dropped.
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
    current(kind) {
      if (now() - loadedAt >= options.refreshMs) void refresh();
      return settings?.get(kind);
    },
    applied(setting) {
      generation++;
      settings = new Map(settings ?? []);
      settings.set(setting.kind, setting);
    },
    markStale() {
      loadedAt = Number.NEGATIVE_INFINITY;
    },
    async reload() {
      // A load already running may predate the caller's change: wait for it, then load again.
      if (loading) await loading;
      generation++;
      await refresh();
    },
  };
};

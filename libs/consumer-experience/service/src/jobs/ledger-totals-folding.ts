import type pg from 'pg';
import type { Logger } from 'pino';
import { foldLedgerTotals } from '../adapters/ledger.repository';

/**
 * Folds the ledger's change rows into its running totals every `intervalMs` (migration
 * 20261207300000_ledger_totals): a reader sums the totals and the rows not yet folded, so the
 * interval bounds how many rows that is (a few per posting), not what the answer is. A replica
 * that folds at the same time waits for the other's rows and skips them (foldLedgerTotals).
 * A timer rather than a durable job: nothing is owed if a fold is missed, the next one takes it.
 */
export interface LedgerTotalsFolding {
  stop(): Promise<void>;
}

export const startLedgerTotalsFolding = (options: { pool: Pick<pg.Pool, 'query'>; log: Logger; intervalMs: number }): LedgerTotalsFolding => {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const schedule = (): void => {
    timer = setTimeout(() => {
      running = foldLedgerTotals(options.pool)
        .catch((error: unknown) => options.log.warn({ err: error }, 'folding the ledger totals failed; the next fold takes its rows'))
        .finally(() => {
          running = undefined;
          if (!stopped) schedule();
        });
    }, options.intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};

import type pg from 'pg';
import type { Logger } from 'pino';
import { startPeriodicTask, type PeriodicTask } from '@govern/platform-db';
import { foldLedgerTotals } from '../adapters/ledger.repository';

/**
 * Folds the ledger's change rows into its running totals every `intervalMs` (migration
 * 20261207300000_ledger_totals): a reader sums the totals and the rows not yet folded, so the
 * interval bounds how many rows that is (a few per posting), not what the answer is. A replica
 * that folds at the same time waits for the other's rows and skips them (foldLedgerTotals).
 * A timer rather than a durable job: nothing is owed if a fold is missed, the next one takes it.
 */
export const startLedgerTotalsFolding = (options: { pool: Pick<pg.Pool, 'query'>; log: Logger; intervalMs: number }): PeriodicTask =>
  startPeriodicTask({
    intervalMs: options.intervalMs,
    run: () => foldLedgerTotals(options.pool),
    onError: (error) => options.log.warn({ err: error }, 'folding the ledger totals failed; the next fold takes its rows'),
  });

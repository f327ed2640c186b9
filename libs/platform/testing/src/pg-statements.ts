import pg from 'pg';

/** A statement a pg connection sent: its text, its values, and the socket write it left in (numbered per connection). */
export interface RecordedStatement {
  text: string;
  values: readonly unknown[];
  write: number;
}

/** One transaction as sent, from BEGIN to COMMIT: its statements' texts and the socket writes they took. */
export interface RecordedTransaction {
  statements: string[];
  writes: number;
}

/**
 * Records, per pg connection, the statements sent (text and values) and the socket write each
 * leaves in: a statement sent while an earlier one of the same turn of the event loop is waiting
 * joins its write (the platform's transaction corks the socket until the turn ends), so a
 * transaction's writes are its round trips. For tests of a service running in the test's process
 * (its connections are these); `restore()` puts pg back.
 */
export const recordPgStatements = () => {
  const original = pg.Client.prototype.query;
  const byClient = new Map<pg.Client, RecordedStatement[]>();
  const open = new Set<pg.Client>();
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string; values?: unknown[] } | undefined;
    const text = (typeof first === 'string' ? first : first?.text) ?? '';
    const values = (typeof first === 'string' ? (args[1] as unknown[] | undefined) : first?.values) ?? [];
    const log = byClient.get(this) ?? [];
    byClient.set(this, log);
    const write = (log.at(-1)?.write ?? 0) + (open.has(this) ? 0 : 1);
    if (!open.has(this)) {
      open.add(this);
      setImmediate(() => open.delete(this));
    }
    log.push({ text, values, write });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
  return {
    /** Every transaction (BEGIN to COMMIT) that sent a statement `matches` accepts, each connection's in the order sent. */
    transactions(matches: (statement: RecordedStatement) => boolean): RecordedTransaction[] {
      const found: RecordedTransaction[] = [];
      for (const log of byClient.values()) {
        log.forEach((statement, begin) => {
          if (!statement.text.startsWith('BEGIN')) return;
          const commit = log.findIndex((s, i) => i > begin && s.text === 'COMMIT');
          const transaction = log.slice(begin, commit + 1);
          if (commit > begin && transaction.some(matches)) {
            found.push({ statements: transaction.map((s) => s.text), writes: (transaction.at(-1)?.write ?? 0) - (transaction[0]?.write ?? 0) + 1 });
          }
        });
      }
      return found;
    },
    restore: () => {
      pg.Client.prototype.query = original;
    },
  };
};

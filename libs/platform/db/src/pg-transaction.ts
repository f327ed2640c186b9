import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { DomainError } from '@govern/policy-core';
import { deadlineExceeded, isAbortedTransaction, isRetryableTransactionError, isStalePreparedPlan, isStatementTimeout, transactionConflict } from './pg-errors';
import { trackTransaction } from './after-commit';
import { holdWritesUntilNextTick } from './hold-writes';
import { JoinablePool, joinConnection, type DatabaseConnection } from './prisma-client';
import { SQL_RESULT_TYPES, statementOf, type Sql, type SqlInput, type SqlStatement } from './sql';
import type { IsolationLevel, SqlTx, TransactionalClient, TransactionOptions } from './transaction';

/**
 * A database transaction the platform owns on a node-postgres connection, for the unit of work.
 *
 * Why not Prisma's `$transaction`: measured on this machine (libs/platform/runtime/bench/
 * transaction-paths.bench.ts), a Prisma interactive transaction costs about 0.3 ms of CPU before any
 * statement and 0.13 ms per raw statement (0.35 ms per model call), against 0.05 ms for a whole
 * node-postgres transaction; and Prisma sends BEGIN, SET LOCAL, each statement and COMMIT as separate
 * round trips, each leaving the session idle in ClientRead. Here:
 *  - BEGIN and the statement timeout go out as one message;
 *  - statements are pipelined: a statement is written at once, without waiting for the answer to
 *    the previous one (the server still runs them in order), so a use case's writes, the unit's
 *    effects and COMMIT leave in one write and come back in one read;
 *  - Prisma joins on first use: `tx` is the service's Prisma client inside this very transaction,
 *    for the use cases where a model call costs little next to the work (cold paths).
 * The caller's deadline bounds every statement (statement_timeout of the time left) and no statement
 * starts after it; serialization failures and deadlocks retry the whole work (ABORTED
 * `TRANSACTION.CONFLICT` when every attempt conflicts); a domain error thrown by the work rolls back
 * and passes unchanged.
 */
export interface DbTransaction<Tx> {
  /** Plain SQL in this transaction (pipelined). */
  readonly sql: Sql;
  /**
   * The service's Prisma client inside this transaction, joined on first use (model delegates and
   * `$queryRaw*`/`$executeRaw*`; Prisma's fluent relation API is not supported through it).
   */
  readonly tx: Tx;
  /** When the transaction must be finished: the caller's deadline, else the internal bound. */
  readonly deadline: Date;
  /** Waits for every statement sent so far and throws the first failure. */
  settle(): Promise<void>;
}

/**
 * Plain-SQL statements run as server-side prepared statements, named by their text: PostgreSQL then
 * parses and analyses each text once per connection instead of at every call, which halved the
 * PostgreSQL CPU of a RecordOrder-shaped unit (transaction-paths.bench.ts). Statements are written
 * with arrays (`= ANY(${ids}::text[])`), so their texts are few; past MAX_PREPARED distinct texts a
 * statement runs unnamed, which bounds what each connection keeps on the server.
 */
const MAX_PREPARED = 500;
const prepared = new Map<string, string>();
const preparedName = (text: string): string | undefined => {
  let name = prepared.get(text);
  if (name === undefined && prepared.size < MAX_PREPARED) {
    name = `govern_${createHash('sha1').update(text).digest('base64url')}`;
    prepared.set(text, name);
  }
  return name;
};

/**
 * A query sent ahead of need (pipelined) may fail while its caller awaits something else first, or
 * after the caller gave up on the unit; the failure is reported by whoever awaits it and by commit,
 * never as an unhandled rejection that would stop the process.
 */
const handled = <T>(promise: Promise<T>): Promise<T> => {
  promise.catch(() => undefined);
  return promise;
};

const ignore = (): void => undefined;
const rowsOf = <Row>(result: pg.QueryResult): Row[] => result.rows as Row[];
const rowCountOf = (result: pg.QueryResult): number => result.rowCount ?? 0;

/**
 * The statement as node-postgres takes it: named when it has values (see MAX_PREPARED). The `sql`
 * tag's `text` is a getter that joins the statement's pieces at every read: read once here. The
 * values are passed as they are (node-postgres maps them into a new list when it binds them).
 */
const configOf = (s: SqlStatement): pg.QueryConfig => {
  const text = s.text;
  const values = s.values as unknown[];
  const name = values.length > 0 ? preparedName(text) : undefined;
  return name === undefined ? { text, values, types: SQL_RESULT_TYPES } : { text, values, types: SQL_RESULT_TYPES, name };
};

const ISOLATION: Record<IsolationLevel, string> = {
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

/** What Prisma's adapter sends to open and close its transaction: the platform does that itself here. */
const OWNED_BY_PLATFORM = /^(BEGIN|COMMIT|ROLLBACK)$|^SET TRANSACTION ISOLATION LEVEL /;

type PipelineClient = pg.PoolClient & { pipeline?: boolean };

class TransactionTimedOut extends Error {
  constructor(budgetMs: number) {
    super(`transaction exceeded its ${budgetMs} ms bound`);
    this.name = 'TransactionTimedOut';
  }
}

class PgTransaction<Tx extends SqlTx> implements DbTransaction<Tx>, Sql {
  readonly sql: Sql = this;
  readonly deadline: Date;
  /** The first statement that failed, in the order sent: the cause of the "transaction aborted" after it. */
  firstFailure: unknown;
  /**
   * Statements complete in the order they were sent (one connection, answered in order; chained
   * when not pipelined), so waiting for all of them is waiting for the last one: no list of
   * promises per transaction. Each statement has a sequence number; failures (rare) are kept
   * with theirs, so `settle` reports the first failure among the statements it waited for.
   */
  private last: Promise<unknown> | undefined;
  private sequence = 0;
  private settledUpTo = 0;
  private failures: { sequence: number; error: unknown }[] = [];
  private refusedUnsent: { error: unknown } | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private ended = false;
  private broken: Error | undefined;
  private prisma?: { tx: Promise<Tx>; done: Promise<unknown>; release: (commit: boolean) => void };
  private lazyTx?: Tx;

  constructor(
    private readonly client: PipelineClient,
    private readonly prismaClient: TransactionalClient<Tx> | undefined,
    private readonly pipelined: boolean,
    private readonly budgetMs: number,
    private readonly callerDeadline: boolean,
    begin: { isolation: IsolationLevel; genericPlans: boolean },
    deadline: Date,
  ) {
    // The bound was set before the connection was acquired: the wait for it counts.
    this.deadline = deadline;
    this.client.on('error', this.onConnectionError);
    // One message: the transaction and its settings (SET LOCAL ends with the transaction).
    const left = Math.max(1, Math.ceil(deadline.getTime() - Date.now()));
    const plans = begin.genericPlans ? '; SET LOCAL plan_cache_mode = force_generic_plan' : '';
    this.submit({ text: `BEGIN ISOLATION LEVEL ${ISOLATION[begin.isolation]}; SET LOCAL statement_timeout = ${left}${plans}` }, { internal: true });
  }

  private readonly onConnectionError = (error: Error): void => {
    this.broken = error;
  };

  get tx(): Tx {
    this.lazyTx ??= lazyPrisma(() => this.joinPrisma());
    return this.lazyTx;
  }

  query<Row = Record<string, unknown>>(statement: SqlInput, values?: readonly unknown[]): Promise<Row[]> {
    return this.submit(configOf(statementOf(statement, values)), {}, rowsOf<Row>);
  }

  execute(statement: SqlInput, values?: readonly unknown[]): Promise<number> {
    return this.submit(configOf(statementOf(statement, values)), {}, rowCountOf);
  }

  send(statement: SqlInput, values?: readonly unknown[]): void {
    this.submit(configOf(statementOf(statement, values)));
  }

  sendRefusing(statement: SqlInput, refusal: (error: unknown) => Error | undefined): void {
    this.submit(configOf(statementOf(statement)), { refusal });
  }

  async settle(): Promise<void> {
    const upTo = this.sequence;
    const from = this.settledUpTo;
    this.settledUpTo = upTo;
    await this.last?.then(ignore, ignore);
    // Statements were sent in order: the first failure is the cause, the rest say "transaction aborted".
    const failed = this.failures.find((f) => f.sequence > from && f.sequence <= upTo);
    if (failed) throw failed.error;
  }

  async commit(): Promise<void> {
    // A statement refused before it was sent (past the deadline) never reached the server, whose
    // transaction would commit without it: the unit fails instead, and rollback follows.
    if (this.refusedUnsent !== undefined) throw this.refusedUnsent.error;
    await this.closePrisma(true);
    // COMMIT goes out right behind the last writes; if one of them failed, PostgreSQL turns the
    // COMMIT of the aborted transaction into a ROLLBACK, so nothing half-done can commit.
    const commit = this.submit({ text: 'COMMIT' }, { internal: true });
    this.ended = true;
    await this.settle();
    const result = await commit;
    if (result.command !== 'COMMIT') throw new Error(`transaction ended with ${result.command} instead of COMMIT`);
  }

  /** Rolls back (if still open) and returns whether the connection can go back to the pool. */
  async rollback(cause?: unknown): Promise<boolean> {
    // A table changed under this connection's prepared statements (a migration by a newer
    // replica): the connection is dropped, so the retry prepares them afresh on another.
    if (isStalePreparedPlan(cause)) this.broken ??= cause as Error;
    await this.closePrisma(false).catch(() => undefined);
    if (!this.ended && !this.broken) {
      this.ended = true;
      void this.submit({ text: 'ROLLBACK' }, { internal: true }).catch((error: Error) => {
        this.broken ??= error;
      });
    }
    this.settledUpTo = this.sequence;
    await this.last?.then(ignore, ignore);
    await this.tail.catch(ignore);
    return !this.broken;
  }

  release(): void {
    this.client.removeListener('error', this.onConnectionError);
    if (this.pipelined) this.client.pipeline = false;
    this.client.release(this.broken);
  }

  /**
   * Writes a statement now (pipelined) or after the previous one (embedded), and tracks it so commit
   * and rollback wait for it. Statements after the deadline are refused, not sent.
   */
  private submit(config: pg.QueryConfig, options?: { internal?: boolean; refusal?: (error: unknown) => Error | undefined }): Promise<pg.QueryResult>;
  private submit<T>(config: pg.QueryConfig, options: { internal?: boolean; refusal?: (error: unknown) => Error | undefined }, map: (result: pg.QueryResult) => T): Promise<T>;
  private submit<T>(
    config: pg.QueryConfig,
    options: { internal?: boolean; refusal?: (error: unknown) => Error | undefined } = {},
    map?: (result: pg.QueryResult) => T,
  ): Promise<T | pg.QueryResult> {
    const sequence = ++this.sequence;
    if (!options.internal) {
      const refused = this.ended
        ? new Error('the transaction has already ended')
        : Date.now() > this.deadline.getTime()
          ? this.callerDeadline
            ? deadlineExceeded()
            : new TransactionTimedOut(this.budgetMs)
          : undefined;
      if (refused) {
        // Not sent, and booked as this statement's failure: a write the unit sent without waiting
        // (`send`) after its deadline fails the commit instead of being left out of what commits.
        this.firstFailure ??= refused;
        this.failures.push({ sequence, error: refused });
        this.refusedUnsent ??= { error: refused };
        return handled(Promise.reject(refused));
      }
    }
    const { refusal } = options;
    // node-postgres's callback form: one promise per statement here, instead of its own promise
    // (with a stack capture on every error) and a handler chain on top. Failures are booked in the
    // callback, which runs in the order the statements were sent: the first one recorded is the
    // first statement's that failed (what its refusal made of it), not a later "transaction aborted".
    // What the caller wants of the answer (its rows, its count) is taken in the callback too.
    const result = new Promise<T | pg.QueryResult>((resolve, reject) => {
      const done = (error: Error | null | undefined, answer: pg.QueryResult): void => {
        if (!error) return resolve(map ? map(answer) : answer);
        const failure = refusal?.(error) ?? error;
        this.firstFailure ??= failure;
        this.failures.push({ sequence, error: failure });
        reject(failure);
      };
      const write = (callback: (error: Error | null | undefined, answer: pg.QueryResult) => void): void => {
        try {
          this.client.query(config, callback);
        } catch (error) {
          callback(error as Error, undefined as unknown as pg.QueryResult);
        }
      };
      if (this.pipelined) {
        holdWritesUntilNextTick(this.client);
        write(done);
      } else {
        // node-postgres queues a query sent while another runs, but warns that this goes away: chain.
        this.tail = this.tail.then(
          () =>
            new Promise<void>((next) =>
              write((error, answer) => {
                done(error, answer);
                next();
              }),
            ),
        );
      }
    });
    this.last = result;
    return handled(result);
  }

  /** Starts a Prisma interactive transaction on this connection and keeps it open until commit/rollback. */
  private joinPrisma(): Promise<Tx> {
    if (this.prisma) return this.prisma.tx;
    const prismaClient = this.prismaClient;
    if (!prismaClient) return Promise.reject(new Error('this transaction has no Prisma client to join (runTransaction was given a bare pool)'));
    let release!: (commit: boolean) => void;
    const held = new Promise<boolean>((resolve) => (release = resolve));
    let entered!: (tx: Tx) => void;
    let failed!: (error: unknown) => void;
    const tx = new Promise<Tx>((resolve, reject) => {
      entered = resolve;
      failed = reject;
    });
    const joined = joinConnection(this.joinedClient(), () =>
      prismaClient.$transaction(
        async (prismaTx) => {
          if (!joined.taken()) throw new Error('Prisma opened its transaction on another connection: it cannot join the unit of work');
          entered(prismaTx);
          if (!(await held)) throw new Error('rolled back by the unit of work');
        },
        { timeout: Math.max(1, this.deadline.getTime() - Date.now()) + 1_000, maxWait: 1_000 },
      ),
    );
    const done = joined.result.catch((error: unknown) => {
      failed(error);
      throw error;
    });
    done.catch(() => undefined);
    this.prisma = { tx, done, release };
    return tx;
  }

  private async closePrisma(commit: boolean): Promise<void> {
    if (!this.prisma) return;
    this.prisma.release(commit);
    if (commit) await this.prisma.done;
    else await this.prisma.done.catch(() => undefined);
  }

  /**
   * The connection as Prisma's adapter sees it: its statements go through this transaction (same
   * order, same deadline), its BEGIN/COMMIT/ROLLBACK are the platform's to send, and its release is
   * a no-op (the platform releases the connection after COMMIT).
   */
  private joinedClient(): pg.PoolClient {
    const submit = (config: pg.QueryConfig) =>
      OWNED_BY_PLATFORM.test(config.text)
        ? Promise.resolve({ command: config.text.split(' ')[0], rowCount: 0, rows: [], fields: [], oid: 0 } as pg.QueryResult)
        : this.submit(config);
    return new Proxy(this.client, {
      get: (target, property, receiver) => {
        if (property === 'query') return submit;
        if (property === 'release') return () => undefined;
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

/**
 * A stand-in for the Prisma transaction client that joins on first use: `tx.order.create(...)` and
 * `tx.$queryRawUnsafe(...)` wait for the join, then call the real client. Units that never touch
 * Prisma never pay for it.
 */
const lazyPrisma = <Tx>(join: () => Promise<Tx>): Tx => {
  const delegate = (name: PropertyKey) =>
    new Proxy(
      {},
      {
        get: (_, method) => {
          if (method === 'then') return undefined;
          return (...args: unknown[]) =>
            join().then((tx) => {
              const target = (tx as Record<PropertyKey, Record<PropertyKey, (...a: unknown[]) => unknown>>)[name];
              return target?.[method]?.(...args);
            });
        },
      },
    );
  return new Proxy({} as object, {
    get: (_, name) => {
      if (name === 'then') return undefined;
      if (typeof name === 'string' && name.startsWith('$')) {
        return (...args: unknown[]) => join().then((tx) => (tx as Record<string, (...a: unknown[]) => unknown>)[name]?.(...args));
      }
      return delegate(name);
    },
  }) as Tx;
};

export interface RunTransactionOptions extends TransactionOptions {
  /** Write statements without waiting for each answer (default true; PGlite's socket server handles it too). */
  pipelined?: boolean;
  /**
   * Run every prepared statement of the transaction on its generic plan, planned once per
   * connection (`plan_cache_mode = force_generic_plan`, set LOCAL in the BEGIN message: no extra
   * statement). For transactions whose statements find rows by key, as a mutation's do (default false).
   *
   * Why: PostgreSQL plans a prepared statement for its values five times, then keeps a generic plan
   * only if it does not look costlier than those. A statement that joins a table to a parameter array
   * (`FROM unnest($1::text[])`, `= ANY($1)`) looks ten times costlier generic: a custom plan sees
   * the array's one element, the generic plan assumes ten. So it was planned afresh at every
   * execution, for the same plan (a nested loop over the key index): consumer-experience's fast
   * refund effects statement 0.5 ms of PostgreSQL's CPU a call, the effects of its mutations that
   * cancel a clock 0.17-0.40 ms (bind times logged by `log_min_duration_sample`; tools/bench/README.md,
   * 2026-12-07, twelfth round).
   * Not for transactions that scan ranges or page by anything but a key (`due_at <= $now`, `LIMIT $n`
   * over a filter): a generic plan cannot see how many rows those take, so consumers' batches,
   * cascades and jobs keep PostgreSQL's own choice.
   */
  genericPlans?: boolean;
}

/**
 * Runs `work` in one transaction the platform owns (see DbTransaction), committing what it sent when
 * it returns. `database` is a service's connection (its pool and Prisma client); a bare pool works
 * for plain SQL only.
 */
export const runTransaction = async <Tx extends SqlTx, R>(
  database: Pick<DatabaseConnection<TransactionalClient<Tx>>, 'pool'> & { client?: TransactionalClient<Tx> },
  work: (t: DbTransaction<Tx>) => Promise<R>,
  options: RunTransactionOptions = {},
): Promise<R> => {
  const maxAttempts = options.maxAttempts ?? 3;
  const pipelined = options.pipelined ?? true;
  const prisma = database.pool instanceof JoinablePool ? database.client : undefined;
  for (let attempt = 1; ; attempt++) {
    const remaining = options.deadline ? options.deadline.getTime() - Date.now() : undefined;
    if (remaining !== undefined && remaining <= 0) throw deadlineExceeded();
    const budget = Math.max(1, Math.min(remaining ?? Number.POSITIVE_INFINITY, options.timeoutMs ?? 15_000));
    const deadline = new Date(Date.now() + budget);
    const client = (await acquire(database.pool, budget, Boolean(options.deadline))) as PipelineClient;
    if (pipelined) client.pipeline = true;
    const t = new PgTransaction<Tx>(client, prisma, pipelined, budget, Boolean(options.deadline), { isolation: options.isolationLevel ?? 'ReadCommitted', genericPlans: options.genericPlans ?? false }, deadline);
    // Work may name this transaction by `t` or by its Prisma view `t.tx` (created lazily, joined on first use).
    const tracked = trackTransaction([t, t.tx as object]);
    try {
      const result = await work(t);
      await t.commit();
      t.release();
      tracked.committed();
      return result;
    } catch (thrown) {
      tracked.dropped();
      await t.rollback(t.firstFailure ?? thrown);
      t.release();
      // A write sent without waiting failed, and the work then tripped over the aborted transaction:
      // what failed is that write.
      const error = !(thrown instanceof DomainError) && isAbortedTransaction(thrown) && t.firstFailure ? t.firstFailure : thrown;
      // A rule the work itself refused stays what it is, whatever the clock says.
      if (error instanceof DomainError) throw error;
      // Only a caller's deadline becomes DEADLINE_EXCEEDED; the internal bound (consumers, jobs)
      // timing out is a server-side failure and surfaces as such.
      if (options.deadline && (isStatementTimeout(error) || options.deadline.getTime() <= Date.now())) throw deadlineExceeded();
      if (!(isRetryableTransactionError(error) || isStalePreparedPlan(error))) throw error;
      if (attempt >= maxAttempts) throw isRetryableTransactionError(error) ? transactionConflict(error) : error;
      await sleep(5 * attempt + Math.random() * 20);
    }
  }
};

/** A connection within the time left; one that arrives too late goes straight back to the pool. */
const acquire = async (pool: pg.Pool, budgetMs: number, callerDeadline: boolean): Promise<pg.PoolClient> => {
  const connecting = pool.connect();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(callerDeadline ? deadlineExceeded() : new TransactionTimedOut(budgetMs)), budgetMs);
  });
  try {
    return await Promise.race([connecting, timedOut]);
  } catch (error) {
    void connecting.then((client) => client.release(), () => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
};

import { sameTransaction } from './after-commit';
import { empty, join, raw, sqltag } from '@prisma/client/runtime/client';
import pg from 'pg';
import type { SqlTx } from './transaction';

/**
 * Plain SQL inside a transaction, for the statements where Prisma's per-query cost matters (hot
 * write paths, the unit of work's own outbox/jobs/idempotency writes, set-based cascades).
 *
 * Statements are written with the `sql` tag (Prisma's `Prisma.sql`): values sit where they are used
 * and are sent as bind parameters, so a 20-column insert reads as named values rather than $1..$20:
 *
 *   await work.sql.query(sql`SELECT status FROM merchant_standings WHERE merchant_id = ${merchantId}`)
 *
 * `join` expands a list (`IN (${sqlJoin(ids)})`), `sqlRaw` inserts trusted SQL text (identifiers
 * chosen by code, never client input), `sqlEmpty` is a fragment that adds nothing.
 */
export const sql = sqltag;
export const sqlJoin = join;
export const sqlRaw = raw;
export const sqlEmpty = empty;

/** A statement with its bind values: what `sql\`...\`` builds (PostgreSQL `$n` placeholders in `text`). */
export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

export type SqlInput = SqlStatement | string;

export interface Sql {
  /** Runs a statement and returns its rows (bigint columns as bigint, timestamptz as Date, json parsed). */
  query<Row = Record<string, unknown>>(statement: SqlInput, values?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement and returns how many rows it inserted, updated or deleted. */
  execute(statement: SqlInput, values?: readonly unknown[]): Promise<number>;
  /**
   * Sends a write whose result the caller does not need. On a pipelined transaction it goes out at
   * once, behind what was sent before, without waiting for a round trip; the transaction waits for
   * it before committing and fails with its error if it failed. Use `query`/`execute` when the
   * caller maps a failure (a unique violation into a domain error) or reads what it returns.
   */
  send(statement: SqlInput, values?: readonly unknown[]): void;
  /**
   * Sends a write like `send`, one that refuses the work by failing: when it fails, the transaction
   * fails with what `refusal` makes of the error (a domain error rolls the work back and reaches
   * the caller unchanged), or with the error itself when `refusal` returns undefined. For a check
   * that would otherwise cost a round trip (write, read back what was written, refuse): the check
   * rides in the statement, which then leaves with COMMIT.
   */
  sendRefusing(statement: SqlInput, refusal: (error: unknown) => Error | undefined): void;
}

/**
 * A statement written with `$n` placeholders and its parameter list (what `pg`'s `query(text, params)`
 * takes, e.g. platform-auth's audit INSERT) as a `sql` tag fragment, so it can sit inside another
 * statement (a data-modifying CTE of the unit of work's effects statement) with its values still
 * sent as bind parameters. Each `$n` takes `params[n - 1]`.
 */
export const sqlPositional = (text: string, params: readonly unknown[]): SqlStatement => {
  const pieces = text.split(/\$(\d+)/);
  const strings: string[] = [];
  const values: unknown[] = [];
  for (let i = 0; i < pieces.length; i += 2) {
    strings.push(pieces[i] as string);
    if (i + 1 < pieces.length) {
      const n = Number(pieces[i + 1]);
      if (!(n >= 1 && n <= params.length)) throw new Error(`$${n} has no parameter (${params.length} given)`);
      values.push(params[n - 1]);
    }
  }
  return sqltag(strings, ...values);
};

/** Whether a statement was built with the `sql` tag, so it can be nested in another one as SQL rather than as a value. */
export const isSqlFragment = (statement: SqlStatement): boolean => statement instanceof (sqlEmpty.constructor as new (...args: never[]) => SqlStatement);

export const statementOf = (statement: SqlInput, values?: readonly unknown[]): SqlStatement =>
  typeof statement === 'string' ? { text: statement, values: values ?? [] } : statement;

const INT8 = 20;
const INT8_ARRAY = 1016;
// 1016 (int8[]) is missing from pg-types' TypeId list, though its parser exists.
const parseInt8Array = pg.types.getTypeParser(INT8_ARRAY as Parameters<typeof pg.types.getTypeParser>[0], 'text') as (value: string) => (string | null)[];

const parseInt8 = (value: string): bigint => BigInt(value);
const parseInt8s = (value: string): (bigint | null)[] => parseInt8Array(value).map((v) => (v === null ? null : BigInt(v)));
/**
 * Text-format parsers by type oid, looked up once: node-postgres asks for a parser for every column
 * of every result. The parsers registered with pg-types are set at start-up, before any query.
 */
const textParsers = new Map<number, (value: string) => unknown>();
const textParserOf = (oid: number): ((value: string) => unknown) => {
  let parser = textParsers.get(oid);
  if (parser === undefined) {
    parser = oid === INT8 ? parseInt8 : oid === INT8_ARRAY ? parseInt8s : (pg.types.getTypeParser(oid as Parameters<typeof pg.types.getTypeParser>[0], 'text') as (value: string) => unknown);
    textParsers.set(oid, parser);
  }
  return parser;
};

/**
 * Result types as Prisma's raw queries return them, so a row read here has the model's types:
 * int8 as bigint (node-postgres gives strings), the rest as node-postgres parses them.
 */
export const SQL_RESULT_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (format === 'binary') {
      if (oid === INT8) return parseInt8;
      if (oid === INT8_ARRAY) return parseInt8s;
      return pg.types.getTypeParser(oid as Parameters<typeof pg.types.getTypeParser>[0], 'binary');
    }
    return textParserOf(oid);
  },
};

/**
 * The same interface over a transaction Prisma owns (a consumer's handler transaction today).
 * Statements run one after the other through Prisma's raw queries; `send` chains behind the
 * previous statement so the order holds, and the transaction's owner awaits `settle()`.
 */
export const sqlOverPrisma = (tx: SqlTx): Sql & { settle(): Promise<void> } => {
  let tail: Promise<unknown> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const run = <T>(fn: () => Promise<T>): Promise<T> => {
    const result = tail.then(() => {
      if (failure) throw failure.error;
      return fn();
    });
    tail = result.catch((error: unknown) => {
      failure ??= { error };
    });
    return result;
  };
  const text = (s: SqlStatement): string => s.text;
  const sql: Sql & { settle(): Promise<void> } = {
    query: <Row>(statement: SqlInput, values?: readonly unknown[]) => {
      const s = statementOf(statement, values);
      return run(() => tx.$queryRawUnsafe<Row[]>(text(s), ...s.values));
    },
    execute: (statement, values) => {
      const s = statementOf(statement, values);
      return run(() => tx.$executeRawUnsafe(text(s), ...s.values));
    },
    send(statement, values) {
      const s = statementOf(statement, values);
      void run(() => tx.$executeRawUnsafe(text(s), ...s.values)).catch(() => undefined);
    },
    sendRefusing(statement, refusal) {
      const s = statementOf(statement);
      void run(() =>
        tx.$executeRawUnsafe(text(s), ...s.values).catch((error: unknown) => {
          throw refusal(error) ?? error;
        }),
      ).catch(() => undefined);
    },
    async settle() {
      await tail;
      if (failure) throw failure.error;
    },
  };
  // The same transaction as `tx` for `afterCommit` (and so for views over this Sql, `pipelinedWrites`).
  sameTransaction(sql, tx);
  return sql;
};

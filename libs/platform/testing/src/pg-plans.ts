import pg from 'pg';

/** A node of PostgreSQL's JSON plan (the fields the tests read). */
export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Relation Name'?: string;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/**
 * Plans and runs a statement as the code sent it (`EXPLAIN (ANALYZE, FORMAT JSON)`, same values) and
 * returns its plan's nodes, outermost first: for tests that a read is served by an index.
 */
export const explainNodes = async (db: { query: pg.Pool['query'] }, text: string, values: readonly unknown[] = []): Promise<PlanNode[]> => {
  const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, [...values]);
  const plan = rows[0]?.['QUERY PLAN'][0].Plan;
  if (!plan) throw new Error(`EXPLAIN returned no plan for: ${text.slice(0, 200)}`);
  return nodesOf(plan);
};

/** A statement as node-postgres sent it. */
export interface SentStatement {
  text: string;
  values: readonly unknown[];
}

/**
 * Runs `read` and returns the statements it sent through node-postgres (Prisma's adapter included),
 * in order: to plan again what the code really sends rather than a copy of it.
 */
export const statementsSentBy = async (read: () => Promise<unknown>): Promise<SentStatement[]> => {
  const sent: SentStatement[] = [];
  const original = pg.Client.prototype.query;
  const recording = function (this: pg.Client, ...args: unknown[]) {
    const [statement, values] = args as [string | { text?: string; values?: unknown[] }, unknown];
    if (typeof statement === 'string') sent.push({ text: statement, values: Array.isArray(values) ? values : [] });
    else if (statement?.text !== undefined) sent.push({ text: statement.text, values: statement.values ?? [] });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  pg.Client.prototype.query = recording as typeof original;
  try {
    await read();
  } finally {
    pg.Client.prototype.query = original;
  }
  return sent;
};

/** Runs `read`, then plans again (EXPLAIN ANALYZE, on `db`) each statement it sent that `keep` selects. */
export const plansOfStatements = async (
  db: { query: pg.Pool['query'] },
  read: () => Promise<unknown>,
  keep: (statement: SentStatement) => boolean,
): Promise<PlanNode[][]> => {
  const sent = (await statementsSentBy(read)).filter(keep);
  const plans: PlanNode[][] = [];
  // One at a time: EXPLAIN ANALYZE runs the statement, and the plans are compared as single runs.
  for (const statement of sent) plans.push(await explainNodes(db, statement.text, statement.values));
  return plans;
};

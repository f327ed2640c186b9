import type pg from 'pg';

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

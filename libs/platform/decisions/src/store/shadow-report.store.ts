import type { SqlTx } from '@govern/platform-db';
import type { TimeWindow } from './decision-store';

/**
 * Shadow reports are aggregates over the shadowed decisions of a window, computed by
 * PostgreSQL (GROUP BY over the partial shadow index), so a report over millions of
 * decisions costs the service no memory. Examples are fetched per reported group only.
 */
export interface ShadowReport {
  kind: string;
  candidateVersion: string;
  evaluated: number;
  agreed: number;
  failed: number;
  /** agreed / (evaluated - failed); 1 when nothing was compared. */
  agreementRate: number;
  divergingOutcomes: { activeOutcome: string; candidateOutcome: string; count: number; exampleDecisionIds: string[] }[];
  divergingReasons: { reasonCode: string; side: 'ACTIVE_ONLY' | 'CANDIDATE_ONLY'; count: number; exampleDecisionIds: string[] }[];
}

export interface ShadowReportQuery {
  window: TimeWindow;
  kind?: string | undefined;
  topN: number;
  exampleLimit: number;
}

const scope = (query: ShadowReportQuery, params: unknown[], alias = ''): string => {
  const col = (name: string): string => `${alias}${name}`;
  const where = [`${col('shadow_version')} IS NOT NULL`, `${col('decided_at')} >= $${params.push(query.window.start)}`, `${col('decided_at')} < $${params.push(query.window.end)}`];
  if (query.kind) where.push(`${col('kind')} = $${params.push(query.kind)}`);
  return where.join(' AND ');
};

export const selectShadowReports = async (tx: SqlTx, query: ShadowReportQuery): Promise<ShadowReport[]> => {
  const totalsParams: unknown[] = [];
  const totals = await tx.$queryRawUnsafe<{ kind: string; shadow_version: string; evaluated: bigint; agreed: bigint; failed: bigint }[]>(
    `SELECT kind, shadow_version, count(*) AS evaluated,
            count(*) FILTER (WHERE shadow_agrees AND shadow_error IS NULL) AS agreed,
            count(*) FILTER (WHERE shadow_error IS NOT NULL) AS failed
       FROM decision_records WHERE ${scope(query, totalsParams)}
      GROUP BY kind, shadow_version ORDER BY kind, shadow_version`,
    ...totalsParams,
  );
  if (totals.length === 0) return [];

  const outcomeParams: unknown[] = [];
  const outcomeScope = scope(query, outcomeParams);
  const exampleScope = scope(query, outcomeParams, 'd.');
  const outcomes = await tx.$queryRawUnsafe<{ kind: string; shadow_version: string; outcome_code: string; shadow_outcome_code: string; n: bigint; examples: string[] }[]>(
    `WITH groups AS (
       SELECT kind, shadow_version, outcome_code, shadow_outcome_code, count(*) AS n,
              row_number() OVER (PARTITION BY kind, shadow_version ORDER BY count(*) DESC, outcome_code, shadow_outcome_code) AS rank
         FROM decision_records
        WHERE ${outcomeScope} AND shadow_error IS NULL AND NOT shadow_agrees
        GROUP BY kind, shadow_version, outcome_code, shadow_outcome_code)
     SELECT g.kind, g.shadow_version, g.outcome_code, g.shadow_outcome_code, g.n,
            ARRAY(SELECT d.decision_id FROM decision_records d
                   WHERE ${exampleScope} AND d.kind = g.kind AND d.shadow_version = g.shadow_version AND d.shadow_error IS NULL
                     AND d.outcome_code = g.outcome_code AND d.shadow_outcome_code = g.shadow_outcome_code
                   ORDER BY d.decided_at, d.id LIMIT $${outcomeParams.push(query.exampleLimit)}) AS examples
       FROM groups g WHERE g.rank <= $${outcomeParams.push(query.topN)} ORDER BY g.kind, g.shadow_version, g.rank`,
    ...outcomeParams,
  );

  const reasonParams: unknown[] = [];
  const reasonScope = scope(query, reasonParams);
  const reasonExampleScope = scope(query, reasonParams, 'd.');
  // side 1: only the live outcome gives the code; side 2: only the candidate's.
  const reasons = await tx.$queryRawUnsafe<{ kind: string; shadow_version: string; code: string; side: number; n: bigint; examples: string[] }[]>(
    `WITH scoped AS (
       SELECT id, kind, shadow_version, reason_codes, shadow_reason_codes FROM decision_records
        WHERE ${reasonScope} AND shadow_error IS NULL),
     diffs AS (
       SELECT s.id, s.kind, s.shadow_version, code, 1 AS side FROM scoped s, unnest(s.reason_codes) AS code WHERE NOT (code = ANY(s.shadow_reason_codes))
       UNION ALL
       SELECT s.id, s.kind, s.shadow_version, code, 2 AS side FROM scoped s, unnest(s.shadow_reason_codes) AS code WHERE NOT (code = ANY(s.reason_codes))),
     groups AS (
       SELECT kind, shadow_version, code, side, count(DISTINCT id) AS n,
              row_number() OVER (PARTITION BY kind, shadow_version ORDER BY count(DISTINCT id) DESC, code, side) AS rank
         FROM diffs GROUP BY kind, shadow_version, code, side)
     SELECT g.kind, g.shadow_version, g.code, g.side, g.n,
            ARRAY(SELECT d.decision_id FROM decision_records d
                   WHERE ${reasonExampleScope} AND d.kind = g.kind AND d.shadow_version = g.shadow_version AND d.shadow_error IS NULL
                     AND CASE WHEN g.side = 1 THEN g.code = ANY(d.reason_codes) AND NOT (g.code = ANY(d.shadow_reason_codes))
                              ELSE g.code = ANY(d.shadow_reason_codes) AND NOT (g.code = ANY(d.reason_codes)) END
                   ORDER BY d.decided_at, d.id LIMIT $${reasonParams.push(query.exampleLimit)}) AS examples
       FROM groups g WHERE g.rank <= $${reasonParams.push(query.topN)} ORDER BY g.kind, g.shadow_version, g.rank`,
    ...reasonParams,
  );

  return totals.map((total) => {
    const evaluated = Number(total.evaluated);
    const agreed = Number(total.agreed);
    const failed = Number(total.failed);
    const compared = evaluated - failed;
    const mine = <T extends { kind: string; shadow_version: string }>(rows: T[]): T[] =>
      rows.filter((row) => row.kind === total.kind && row.shadow_version === total.shadow_version);
    return {
      kind: total.kind,
      candidateVersion: total.shadow_version,
      evaluated,
      agreed,
      failed,
      agreementRate: compared === 0 ? 1 : agreed / compared,
      divergingOutcomes: mine(outcomes).map((row) => ({
        activeOutcome: row.outcome_code,
        candidateOutcome: row.shadow_outcome_code,
        count: Number(row.n),
        exampleDecisionIds: row.examples,
      })),
      divergingReasons: mine(reasons).map((row) => ({
        reasonCode: row.code,
        side: Number(row.side) === 1 ? 'ACTIVE_ONLY' : 'CANDIDATE_ONLY',
        count: Number(row.n),
        exampleDecisionIds: row.examples,
      })),
    };
  });
};

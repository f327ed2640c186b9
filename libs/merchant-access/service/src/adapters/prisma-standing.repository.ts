import type { Prisma, SanctionRow } from '@govern/merchant-access-data-access';
import { standingAt, VIOLATION_POLICY, type MerchantStanding, type ViolationPolicy, type ViolationRecord } from '@govern/merchant-access-domain';
import { sql, SQL_RESULT_TYPES, statementOf, type Sql } from '@govern/platform-db';
import type pg from 'pg';
import { sanctionRecordOf, violationRecordOf, type Db } from './records';

/** A merchant's standing with the stored row of its sanction in force (for its reasons and policy). */
export interface StandingView {
  merchantId: string;
  standing: MerchantStanding;
  activeSanctionRow?: SanctionRow | undefined;
}

interface StandingSourceRow {
  id: string;
  sanctions: unknown;
  violations: unknown;
}

interface SanctionJson {
  id: string;
  merchant_id: string;
  kind: string;
  starts_at: string;
  ends_at: string | null;
  trigger_points: number;
  threshold: number;
  zero_tolerance: boolean;
  trigger_violation_id: string;
  violation_ids: Prisma.JsonValue;
  deposit_forfeited_fen: string;
  reasons: Prisma.JsonValue;
  policy_name: string;
  policy_version: string;
  lifted_at: string | null;
  lift_cause: string | null;
}

interface ViolationJson {
  id: string;
  type: string;
  points: number;
  zero_tolerance: boolean;
  occurred_at: string;
  recorded_at: string;
  overturned_at: string | null;
}

const parsed = <T>(value: unknown): T[] => (typeof value === 'string' ? (JSON.parse(value) as T[]) : ((value as T[] | null) ?? []));
const dateOrNull = (value: string | null): Date | null => (value === null ? null : new Date(value));

const sanctionRowOf = (s: SanctionJson): SanctionRow => ({
  id: s.id,
  merchantId: s.merchant_id,
  kind: s.kind,
  startsAt: new Date(s.starts_at),
  endsAt: dateOrNull(s.ends_at),
  triggerPoints: s.trigger_points,
  threshold: s.threshold,
  zeroTolerance: s.zero_tolerance,
  triggerViolationId: s.trigger_violation_id,
  violationIds: s.violation_ids,
  depositForfeitedFen: BigInt(s.deposit_forfeited_fen),
  reasons: s.reasons,
  policyName: s.policy_name,
  policyVersion: s.policy_version,
  liftedAt: dateOrNull(s.lifted_at),
  liftCause: s.lift_cause,
});

/**
 * What a standing read needs: one query (plain SQL on the pool, or through a Prisma client).
 * `name`, when given, names the statement for the pool's connections (see `poolReads`).
 */
export interface StandingReads {
  query<Row>(statement: Parameters<Sql['query']>[0], values?: readonly unknown[], name?: string): Promise<Row[]>;
}

/**
 * The standing read as a named prepared statement: each pool connection parses and plans it once
 * and then only binds and executes it. It is the hottest statement of the service (every listing,
 * video and order asks it), and its two correlated json_agg sub-selects cost PostgreSQL more to
 * parse and plan than to run on a merchant's few rows (issue 13). Its text never changes at run
 * time (the values are bound), which a named statement needs: node-postgres refuses a name
 * reused with another text.
 *
 * Planned once only if PostgreSQL keeps the statement's generic plan. After five executions it
 * compares the generic plan's cost with the average custom plan's and plans afresh on every
 * execution while the custom one looks cheaper. With `m.id = ANY($ids)` it always did for one
 * id: a custom plan sees the array and expects one merchant, the generic plan expects ten, so
 * every GetMerchantStanding was planned again (about 0.5-0.8 ms of PostgreSQL CPU of the read's
 * ~0.85; measured on a pool connection, 3,000 reads a round). The ids therefore reach the
 * condition through `ARRAY(SELECT unnest(...))`, a sub-select PostgreSQL evaluates once at the
 * start of execution (an InitPlan, still an index condition on the primary key) and whose length
 * no plan can see: custom and generic plans then cost the same and the generic one is kept
 * (~0.08 ms a read). `plan_cache_mode = force_generic_plan` would say it more directly, but it
 * is a session setting and the pool's connections run every other statement of the service too.
 */
export const STANDINGS_STATEMENT = 'merchant_access_standings_v1';

/**
 * Plain SQL reads on the pool, outside any transaction: the standing reads of GetMerchantStanding
 * and BatchGetMerchantStandings, the hot read of every listing, video and order, skip the Prisma
 * client's raw-query path (issue 13). Rows are typed as Prisma's raw queries type them.
 */
export const poolReads = (pool: pg.Pool): StandingReads => ({
  query: async <Row>(statement: Parameters<Sql['query']>[0], values?: readonly unknown[], name?: string): Promise<Row[]> => {
    const s = statementOf(statement, values);
    const result = await pool.query({ ...(name === undefined ? {} : { name }), text: s.text, values: [...s.values], types: SQL_RESULT_TYPES });
    return result.rows as Row[];
  },
});

/** A Prisma client or transaction as standing reads (its raw queries; Prisma names no statement of ours). */
const prismaReads = (db: Db): StandingReads => ({
  query: <Row>(statement: Parameters<Sql['query']>[0], values?: readonly unknown[]): Promise<Row[]> => {
    const s = statementOf(statement, values);
    return db.$queryRawUnsafe<Row[]>(s.text, ...s.values);
  },
});

/**
 * Standings of many merchants at `at`, computed from their sanctions and violations (not from the
 * status column, which a timer updates a moment after a sanction ends), in one round trip
 * whatever the number of merchants: this is the hot path of every listing, video and order.
 * Only known merchants are in the result.
 */
export const loadStandings = (db: Db, merchantIds: readonly string[], at: Date, policy: ViolationPolicy = VIOLATION_POLICY): Promise<Map<string, StandingView>> =>
  readStandings(prismaReads(db), merchantIds, at, policy);

/** `loadStandings` over plain SQL reads (`poolReads`). */
export const readStandings = async (
  reads: StandingReads,
  merchantIds: readonly string[],
  at: Date,
  policy: ViolationPolicy = VIOLATION_POLICY,
): Promise<Map<string, StandingView>> => {
  const result = new Map<string, StandingView>();
  const ids = [...new Set(merchantIds)];
  if (ids.length === 0) return result;
  const windowStart = new Date(at.getTime() - policy.windowMs);
  const rows = await reads.query<StandingSourceRow>(
    sql`SELECT m.id,
            (SELECT json_agg(json_build_object(
                      'id', s.id, 'merchant_id', s.merchant_id, 'kind', s.kind, 'starts_at', s.starts_at, 'ends_at', s.ends_at,
                      'trigger_points', s.trigger_points, 'threshold', s.threshold, 'zero_tolerance', s.zero_tolerance,
                      'trigger_violation_id', s.trigger_violation_id, 'violation_ids', s.violation_ids,
                      'deposit_forfeited_fen', s.deposit_forfeited_fen::text, 'reasons', s.reasons, 'policy_name', s.policy_name,
                      'policy_version', s.policy_version, 'lifted_at', s.lifted_at, 'lift_cause', s.lift_cause))
               FROM sanctions s
              WHERE s.merchant_id = m.id AND s.starts_at <= ${at}
                AND (s.ends_at IS NULL OR s.ends_at > ${at}) AND (s.lifted_at IS NULL OR s.lifted_at > ${at})) AS sanctions,
            (SELECT json_agg(json_build_object(
                      'id', v.id, 'type', v.type, 'points', v.points, 'zero_tolerance', v.zero_tolerance,
                      'occurred_at', v.occurred_at, 'recorded_at', v.recorded_at, 'overturned_at', v.overturned_at))
               FROM violations v
              WHERE v.merchant_id = m.id AND v.occurred_at <= ${at} AND v.occurred_at > ${windowStart}
                AND (v.overturned_at IS NULL OR v.overturned_at > ${at})) AS violations
       FROM merchants m
      WHERE m.id = ANY(ARRAY(SELECT unnest(${ids}::text[])))`,
    undefined,
    STANDINGS_STATEMENT,
  );
  for (const row of rows) {
    const sanctionRows = parsed<SanctionJson>(row.sanctions).map(sanctionRowOf);
    const violations = parsed<ViolationJson>(row.violations).map((v) =>
      violationRecordOf({
        id: v.id,
        type: v.type,
        points: v.points,
        zeroTolerance: v.zero_tolerance,
        occurredAt: new Date(v.occurred_at),
        recordedAt: new Date(v.recorded_at),
        overturnedAt: dateOrNull(v.overturned_at),
      }),
    );
    result.set(row.id, standingViewOf(row.id, violations, sanctionRows, at, policy));
  }
  return result;
};

/**
 * A merchant's standing at `at` from its violations and sanctions in force. A merchant created in
 * the caller's unit has neither yet: its view is `standingViewOf(id, [], [], at)`, with no read.
 */
export const standingViewOf = (
  merchantId: string,
  violations: readonly ViolationRecord[],
  sanctionRows: readonly SanctionRow[],
  at: Date,
  policy: ViolationPolicy = VIOLATION_POLICY,
): StandingView => {
  const standing = standingAt(violations, sanctionRows.map(sanctionRecordOf), at, policy);
  return { merchantId, standing, activeSanctionRow: sanctionRows.find((r) => r.id === standing.activeSanction?.id) };
};

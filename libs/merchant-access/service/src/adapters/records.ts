import { sql as sqlTag, type Sql } from '@govern/platform-db';
import type { MerchantAccessTx, PrismaClient, ReviewCaseRow, SanctionRow, ViolationRow } from '@govern/merchant-access-data-access';
import type {
  ReviewCaseKind,
  ReviewCaseState,
  ReviewCaseStatus,
  SanctionKind,
  SanctionRecord,
  ViolationRecord,
  ViolationType,
} from '@govern/merchant-access-domain';
import { stringsOf } from '../mapping/json';

/** The root client (reads outside a transaction) or a transaction: both have the model delegates. */
export type Db = PrismaClient | MerchantAccessTx;

/** Locks a merchant's row for the rest of the transaction: its mutations run one after another. Whether it exists. */
export const lockMerchant = async (sql: Sql, merchantId: string): Promise<boolean> =>
  (await sql.query(sqlTag`SELECT id FROM merchants WHERE id = ${merchantId} FOR UPDATE`)).length > 0;

/** Locks a review case's row (claims and decisions of one case run one after another). Whether it exists. */
export const lockReviewCase = async (sql: Sql, caseId: string): Promise<boolean> =>
  (await sql.query(sqlTag`SELECT id FROM review_cases WHERE id = ${caseId} FOR UPDATE`)).length > 0;

/** Locks a violation's row: concurrent appeals against one violation wait for each other. Whether it exists. */
export const lockViolation = async (sql: Sql, violationId: string): Promise<boolean> =>
  (await sql.query(sqlTag`SELECT id FROM violations WHERE id = ${violationId} FOR UPDATE`)).length > 0;

export const violationRecordOf = (row: Pick<ViolationRow, 'id' | 'type' | 'points' | 'zeroTolerance' | 'occurredAt' | 'recordedAt' | 'overturnedAt'>): ViolationRecord => ({
  id: row.id,
  type: row.type as ViolationType,
  points: row.points,
  zeroTolerance: row.zeroTolerance,
  occurredAt: row.occurredAt,
  recordedAt: row.recordedAt,
  overturnedAt: row.overturnedAt ?? undefined,
});

export const sanctionRecordOf = (row: SanctionRow): SanctionRecord => ({
  id: row.id,
  kind: row.kind as SanctionKind,
  startsAt: row.startsAt,
  endsAt: row.endsAt ?? undefined,
  triggerPoints: row.triggerPoints,
  threshold: row.threshold,
  zeroTolerance: row.zeroTolerance,
  triggerViolationId: row.triggerViolationId,
  violationIds: stringsOf(row.violationIds),
  liftedAt: row.liftedAt ?? undefined,
  liftCause: row.liftCause === 'APPEAL_OVERTURNED' ? 'APPEAL_OVERTURNED' : undefined,
});

/**
 * A merchant's history as the violation rules need it at `at`: every sanction not lifted that
 * has not ended before `at`, and every violation that counted at `at` or when one of those
 * sanctions started (an overturn asks whether the rest still justified it then).
 */
export const loadMerchantHistory = async (
  db: Db,
  merchantId: string,
  at: Date,
  windowMs: number,
): Promise<{ violations: ViolationRecord[]; sanctions: SanctionRecord[]; sanctionRows: SanctionRow[] }> => {
  const sanctionRows = await db.sanction.findMany({
    where: { merchantId, liftedAt: null, OR: [{ endsAt: null }, { endsAt: { gt: at } }] },
  });
  const earliest = Math.min(at.getTime(), ...sanctionRows.map((s) => s.startsAt.getTime()));
  const violations = await db.violation.findMany({
    where: { merchantId, occurredAt: { gt: new Date(earliest - windowMs) } },
    select: { id: true, type: true, points: true, zeroTolerance: true, occurredAt: true, recordedAt: true, overturnedAt: true },
  });
  return { violations: violations.map(violationRecordOf), sanctions: sanctionRows.map(sanctionRecordOf), sanctionRows };
};

export const reviewCaseStateOf = (row: ReviewCaseRow): ReviewCaseState => ({
  id: row.id,
  kind: row.kind as ReviewCaseKind,
  subjectId: (row.kind === 'APPEAL' ? row.appealId : row.applicationId) ?? '',
  status: row.status as ReviewCaseStatus,
  openedAt: row.openedAt,
  slaDueAt: row.slaDueAt,
  assigneeId: row.assigneeId ?? undefined,
  claimedAt: row.claimedAt ?? undefined,
  decidedAt: row.decidedAt ?? undefined,
});

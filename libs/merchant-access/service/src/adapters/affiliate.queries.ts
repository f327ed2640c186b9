import { sql, type Sql } from '@govern/platform-db';
import type { MerchantStatus } from '@govern/merchant-access-domain';

const SEVERITY_STATUS: readonly MerchantStatus[] = ['ACTIVE', 'LISTING_RESTRICTED', 'SUSPENDED', 'REMOVED'];

export interface SweepMemberRow {
  merchantId: string;
  inProgramme: boolean;
  /** null: no score stored yet (a new store: the neutral score). */
  score: number | null;
  /** The heaviest sanction in force at `at`, from the sanctions themselves (not the status column a timer updates). */
  status: MerchantStatus;
}

/** One batch of the affiliate sweep: merchants after `afterId` by id, with their score and the sanction in force at `at`. */
export const sweepMembersAfter = async (db: Sql, afterId: string, at: Date, limit: number): Promise<SweepMemberRow[]> => {
  const rows = await db.query<{ id: string; affiliate_eligible: boolean; score: number | null; severity: number | null }>(
    sql`SELECT m.id, m.affiliate_eligible, s.score, active.severity
          FROM merchants m
          LEFT JOIN store_experience_scores s ON s.merchant_id = m.id
          LEFT JOIN LATERAL (
            SELECT max(CASE x.kind WHEN 'REMOVED' THEN 3 WHEN 'SUSPENDED' THEN 2 WHEN 'LISTING_RESTRICTED' THEN 1 ELSE 0 END) AS severity
              FROM sanctions x
             WHERE x.merchant_id = m.id AND x.starts_at <= ${at}
               AND (x.ends_at IS NULL OR x.ends_at > ${at}) AND (x.lifted_at IS NULL OR x.lifted_at > ${at})
          ) active ON true
         WHERE m.id > ${afterId}
         ORDER BY m.id
         LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    merchantId: r.id,
    inProgramme: r.affiliate_eligible,
    score: r.score === null ? null : Number(r.score),
    status: SEVERITY_STATUS[Number(r.severity ?? 0)] ?? 'ACTIVE',
  }));
};

import type { CreditDeductionRow } from '@govern/content-data-access';
import { sql, type Sql, rowFromSql } from '@govern/platform-db';

/** What was last announced of a creator's standing (the `creators` row, what the events said). */
export interface AnnouncedStanding {
  credit: number;
  traffic_limited: boolean;
  linking_suspended_until: Date | null;
  privileges_revoked: boolean;
}

/**
 * Locks the creator's row (made on first use, with full credit), so changes to one creator's credit
 * serialise across calls and replicas. An upsert that touches the row locks it and returns what was
 * last announced, in one round trip.
 */
export const lockCreator = async (db: Sql, creator: { creatorId: string; maxCredit: number; at: Date }): Promise<AnnouncedStanding> => {
  const rows = await db.query<AnnouncedStanding>(sql`
    INSERT INTO creators (creator_id, credit, standing, traffic_limited, privileges_revoked, updated_at)
    VALUES (${creator.creatorId}, ${creator.maxCredit}::int, 'GOOD', false, false, ${creator.at}::timestamptz)
    ON CONFLICT (creator_id) DO UPDATE SET creator_id = EXCLUDED.creator_id
    RETURNING credit, traffic_limited, linking_suspended_until, privileges_revoked`);
  return rows[0] as AnnouncedStanding;
};

/** Row locks that serialise decisions on one penalty or one appeal (an appeal filed while another is decided). */
export const lockPenaltyRow = async (db: Sql, penaltyId: string): Promise<void> => {
  await db.execute(sql`SELECT 1 FROM penalties WHERE id = ${penaltyId} FOR UPDATE`);
};

export const lockAppealRow = async (db: Sql, appealId: string): Promise<void> => {
  await db.execute(sql`SELECT 1 FROM appeals WHERE id = ${appealId} FOR UPDATE`);
};

/** Every credit deduction of a creator, oldest first (the standing is computed from them all). */
export const creditDeductions = async (db: Sql, creatorId: string): Promise<CreditDeductionRow[]> =>
  (await db.query(sql`SELECT * FROM credit_deductions WHERE creator_id = ${creatorId} ORDER BY deducted_at, id`)).map((row) => rowFromSql<CreditDeductionRow>(row));

import type { MerchantStanding } from '@govern/product-quality-domain';
import { sql, type Sql, type SqlStatement } from '@govern/platform-db';

/**
 * The merchants table as merchant-access's events change it: one statement per event, in the
 * unit's plain SQL. Through Prisma each event was a read and an upsert, each a query compiled by
 * Prisma's query compiler (about a millisecond of the service's CPU apiece, issue 13), for a
 * consumer that takes one event per onboarded merchant.
 */

/** Every standing a stored merchant can have: a change is given as the standing after each of them. */
const STANDINGS: readonly MerchantStanding[] = ['ACTIVE', 'LISTING_RESTRICTED', 'SUSPENDED', 'REMOVED'];

export interface OnboardedMerchant {
  merchantId: string;
  approvedCategoryCodes: readonly string[];
  listingQuota: number;
  /** When merchant-access onboarded it: the time of a new merchant's standing. */
  at: Date;
}

/**
 * Onboarded merchants' terms, which always apply; the standing is ACTIVE only for a merchant not
 * known yet (a sanction that overtook the onboarding event keeps its effect), and the row's
 * `updated_at` (the time of the last standing change) is left alone on an existing one. One
 * statement for a consumer batch's onboardings; each merchant at most once in it.
 */
export const upsertOnboardedMerchants = (db: Sql, merchants: readonly OnboardedMerchant[]): void => {
  if (merchants.length === 0) return;
  db.send(sql`
    INSERT INTO merchants (merchant_id, standing, approved_category_codes, listing_quota, updated_at)
    SELECT m.merchant_id, 'ACTIVE', m.approved_category_codes::jsonb, m.listing_quota, m.at
      FROM unnest(${merchants.map((m) => m.merchantId)}::text[], ${merchants.map((m) => JSON.stringify(m.approvedCategoryCodes))}::text[],
                  ${merchants.map((m) => m.listingQuota)}::int[], ${merchants.map((m) => m.at)}::timestamptz[])
           AS m(merchant_id, approved_category_codes, listing_quota, at)
    ON CONFLICT (merchant_id) DO UPDATE SET approved_category_codes = EXCLUDED.approved_category_codes, listing_quota = EXCLUDED.listing_quota`);
};

export interface StandingChange {
  merchantId: string;
  /** The standing after the change, given the one before (undefined: a merchant not known yet). */
  change: (before: MerchantStanding | undefined) => MerchantStanding;
  /** When merchant-access changed the merchant: a row changed later than this is left as it is. */
  at: Date;
  sanctionId: string | null;
  sanctionEndsAt: Date | null;
  /** Undefined leaves the stored removal time as it is. */
  removedAt?: Date | null | undefined;
}

/**
 * A standing change as one upsert: the staleness check (a change older than the one applied last
 * applies nothing, `updated_at` being the time of that one) is the upsert's WHERE, and the
 * standing after is picked in SQL from `change` applied to each standing the row may hold, so
 * the rule stays the domain's and nothing is read first. RETURNING gives the standing before
 * (the CTE reads the row as it was when the statement started): null for a new merchant, no row
 * when the change was stale.
 */
const standingUpsert = (c: StandingChange): SqlStatement => {
  const after = Object.fromEntries(STANDINGS.map((standing) => [standing, c.change(standing)]));
  const keepRemovedAt = c.removedAt === undefined;
  return sql`
    WITH before AS (SELECT standing FROM merchants WHERE merchant_id = ${c.merchantId})
    INSERT INTO merchants (merchant_id, standing, sanction_id, sanction_ends_at, removed_at, updated_at)
    VALUES (${c.merchantId}, ${c.change(undefined)}, ${c.sanctionId}, ${c.sanctionEndsAt}::timestamptz, ${c.removedAt ?? null}::timestamptz, ${c.at}::timestamptz)
    ON CONFLICT (merchant_id) DO UPDATE SET
      standing = ${JSON.stringify(after)}::jsonb ->> merchants.standing,
      sanction_id = EXCLUDED.sanction_id, sanction_ends_at = EXCLUDED.sanction_ends_at,
      removed_at = CASE WHEN ${keepRemovedAt}::boolean THEN merchants.removed_at ELSE EXCLUDED.removed_at END,
      updated_at = EXCLUDED.updated_at
     WHERE merchants.updated_at <= EXCLUDED.updated_at
    RETURNING (SELECT standing FROM before) AS before`;
};

/** Applies a standing change unless it is stale; returns the standing before (undefined: stale). */
export const applyStandingChange = async (db: Sql, c: StandingChange): Promise<{ before: MerchantStanding | undefined } | undefined> => {
  const [row] = await db.query<{ before: MerchantStanding | null }>(standingUpsert(c));
  return row ? { before: row.before ?? undefined } : undefined;
};

/** `applyStandingChange` for a caller that needs no answer: sent, not awaited (a failure fails the unit). */
export const sendStandingChange = (db: Sql, c: StandingChange): void => {
  db.send(standingUpsert(c));
};

/**
 * The store score (null: neutral). A merchant not known yet is taken as active. Returns whether the
 * score changed (or the merchant is new): an unchanged score writes nothing.
 */
export const upsertStoreScore = async (db: Sql, m: { merchantId: string; storeScore: number | null; at: Date }): Promise<boolean> =>
  (await db.execute(sql`
    INSERT INTO merchants (merchant_id, standing, store_score, updated_at)
    VALUES (${m.merchantId}, 'ACTIVE', ${m.storeScore}::double precision, ${m.at}::timestamptz)
    ON CONFLICT (merchant_id) DO UPDATE SET store_score = EXCLUDED.store_score
     WHERE merchants.store_score IS DISTINCT FROM EXCLUDED.store_score`)) > 0;

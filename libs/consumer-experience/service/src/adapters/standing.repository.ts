import { sql, type Sql } from '@govern/platform-db';

/**
 * What this service knows of merchants (merchant_standings, and the deposit minimum merchant-access
 * sets), applied from merchant-access's events. Events may arrive out of order across redeliveries: a
 * fact older than the one applied is ignored. Every write here is sent, not awaited: nothing reads
 * its answer, so a consumer's batch goes out with its COMMIT (a failure fails the transaction).
 */

export const upsertMerchantStatus = (db: Sql, merchantId: string, status: string, occurredAt: Date, now: Date): void =>
  db.send(sql`
    INSERT INTO merchant_standings (merchant_id, status, store_score, status_changed_at, score_changed_at, updated_at)
    VALUES (${merchantId}, ${status}, NULL, ${occurredAt}::timestamptz, NULL, ${now}::timestamptz)
    ON CONFLICT (merchant_id) DO UPDATE SET status = EXCLUDED.status, status_changed_at = EXCLUDED.status_changed_at, updated_at = EXCLUDED.updated_at
     WHERE merchant_standings.status_changed_at <= EXCLUDED.status_changed_at`);

export const upsertStoreScore = (db: Sql, merchantId: string, storeScore: number | null, occurredAt: Date, now: Date): void =>
  db.send(sql`
    INSERT INTO merchant_standings (merchant_id, status, store_score, status_changed_at, score_changed_at, updated_at)
    VALUES (${merchantId}, 'ACTIVE', ${storeScore}::double precision, to_timestamp(0), ${occurredAt}::timestamptz, ${now}::timestamptz)
    ON CONFLICT (merchant_id) DO UPDATE SET store_score = EXCLUDED.store_score, score_changed_at = EXCLUDED.score_changed_at, updated_at = EXCLUDED.updated_at
     WHERE merchant_standings.score_changed_at IS NULL OR merchant_standings.score_changed_at <= EXCLUDED.score_changed_at`);

/** A merchant's onboarding as stored: active as of when it happened, and the deposit minimum set, if any. */
export interface Onboarding {
  merchantId: string;
  occurredAt: Date;
  /** 0: merchant-access asked for no deposit (none is made). */
  minimumFen: bigint;
  /** The top-up a new deposit (nothing paid in, nothing owed) needs at this minimum: the domain's `topUpFor`. */
  newDepositTopUp: { requested: boolean; amountFen: bigint };
}

/**
 * Onboardings of distinct merchants in one statement: each merchant's status (unless a later fact was
 * applied) and, where a minimum is set, its deposit. A deposit that exists (the fund paid for the
 * merchant before its onboarding arrived) keeps its balance and debt, locked by the upsert, and its
 * top-up request follows the new minimum: `topUpFor` (the domain's rule: the shortfall below the
 * minimum plus what is owed) over the locked row. Rows in merchant_id order, the order deposits are
 * locked in everywhere.
 */
export const upsertOnboardings = (db: Sql, onboardings: readonly Onboarding[], now: Date): void => {
  if (onboardings.length === 0) return;
  const sorted = [...onboardings].sort((a, b) => (a.merchantId < b.merchantId ? -1 : a.merchantId > b.merchantId ? 1 : 0));
  const topUpFen = sql`GREATEST(EXCLUDED.minimum_fen - merchant_deposits.balance_fen, 0) + merchant_deposits.owed_fen`;
  db.send(sql`
    WITH onboarded AS (
      SELECT * FROM unnest(${sorted.map((o) => o.merchantId)}::text[], ${sorted.map((o) => o.occurredAt)}::timestamptz[], ${sorted.map((o) => o.minimumFen)}::bigint[],
                           ${sorted.map((o) => o.newDepositTopUp.requested)}::boolean[], ${sorted.map((o) => o.newDepositTopUp.amountFen)}::bigint[])
               WITH ORDINALITY AS o(merchant_id, occurred_at, minimum_fen, top_up_requested, top_up_requested_fen, n)
    ), standing AS (
      INSERT INTO merchant_standings (merchant_id, status, store_score, status_changed_at, score_changed_at, updated_at)
      SELECT merchant_id, 'ACTIVE', NULL, occurred_at, NULL, ${now}::timestamptz FROM onboarded ORDER BY n
      ON CONFLICT (merchant_id) DO UPDATE SET status = EXCLUDED.status, status_changed_at = EXCLUDED.status_changed_at, updated_at = EXCLUDED.updated_at
       WHERE merchant_standings.status_changed_at <= EXCLUDED.status_changed_at
    )
    INSERT INTO merchant_deposits (merchant_id, balance_fen, minimum_fen, owed_fen, top_up_requested, top_up_requested_fen, updated_at)
    SELECT merchant_id, 0, minimum_fen, 0, top_up_requested, top_up_requested_fen, ${now}::timestamptz FROM onboarded WHERE minimum_fen > 0 ORDER BY n
    ON CONFLICT (merchant_id) DO UPDATE SET minimum_fen = EXCLUDED.minimum_fen, top_up_requested = ${topUpFen} > 0, top_up_requested_fen = ${topUpFen},
                                            updated_at = EXCLUDED.updated_at`);
};

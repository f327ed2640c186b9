import { sql, type Sql, type SqlStatement } from '@govern/platform-db';

/**
 * What this service knows of merchants (merchant_standings, and the deposit minimum merchant-access
 * sets), applied from merchant-access's events. Events may arrive out of order across redeliveries: a
 * fact older than the one applied is ignored. Every write here is sent, not awaited: nothing reads
 * its answer, so a consumer's batch goes out with its COMMIT (a failure fails the transaction).
 */

const statusUpsert = (merchantId: string, status: string, occurredAt: Date, now: Date): SqlStatement => sql`
    INSERT INTO merchant_standings (merchant_id, status, store_score, status_changed_at, score_changed_at, updated_at)
    VALUES (${merchantId}, ${status}, NULL, ${occurredAt}::timestamptz, NULL, ${now}::timestamptz)
    ON CONFLICT (merchant_id) DO UPDATE SET status = EXCLUDED.status, status_changed_at = EXCLUDED.status_changed_at, updated_at = EXCLUDED.updated_at
     WHERE merchant_standings.status_changed_at <= EXCLUDED.status_changed_at`;

export const upsertMerchantStatus = (db: Sql, merchantId: string, status: string, occurredAt: Date, now: Date): void =>
  db.send(statusUpsert(merchantId, status, occurredAt, now));

export const upsertStoreScore = (db: Sql, merchantId: string, storeScore: number | null, occurredAt: Date, now: Date): void =>
  db.send(sql`
    INSERT INTO merchant_standings (merchant_id, status, store_score, status_changed_at, score_changed_at, updated_at)
    VALUES (${merchantId}, 'ACTIVE', ${storeScore}::double precision, to_timestamp(0), ${occurredAt}::timestamptz, ${now}::timestamptz)
    ON CONFLICT (merchant_id) DO UPDATE SET store_score = EXCLUDED.store_score, score_changed_at = EXCLUDED.score_changed_at, updated_at = EXCLUDED.updated_at
     WHERE merchant_standings.score_changed_at IS NULL OR merchant_standings.score_changed_at <= EXCLUDED.score_changed_at`);

export interface DepositMinimum {
  minimumFen: bigint;
  /** The top-up a new deposit (nothing paid in, nothing owed) needs at this minimum: the domain's `topUpFor`. */
  newDepositTopUp: { requested: boolean; amountFen: bigint };
}

/**
 * A merchant's status and, when given, its deposit minimum, in one statement. A deposit that exists
 * (the fund paid for the merchant before its onboarding arrived) keeps its balance and debt, locked
 * by the upsert, and its top-up request follows the new minimum: `topUpFor` (the domain's rule, the
 * shortfall below the minimum plus what is owed) over the locked row.
 */
export const upsertStatusAndDepositMinimum = (db: Sql, merchantId: string, status: string, occurredAt: Date, deposit: DepositMinimum | undefined, now: Date): void => {
  if (!deposit) return upsertMerchantStatus(db, merchantId, status, occurredAt, now);
  const topUpFen = sql`GREATEST(EXCLUDED.minimum_fen - merchant_deposits.balance_fen, 0) + merchant_deposits.owed_fen`;
  db.send(sql`
    WITH standing AS (${statusUpsert(merchantId, status, occurredAt, now)})
    INSERT INTO merchant_deposits (merchant_id, balance_fen, minimum_fen, owed_fen, top_up_requested, top_up_requested_fen, updated_at)
    VALUES (${merchantId}, 0, ${deposit.minimumFen}::bigint, 0, ${deposit.newDepositTopUp.requested}::boolean, ${deposit.newDepositTopUp.amountFen}::bigint, ${now}::timestamptz)
    ON CONFLICT (merchant_id) DO UPDATE SET minimum_fen = EXCLUDED.minimum_fen, top_up_requested = ${topUpFen} > 0, top_up_requested_fen = ${topUpFen},
                                            updated_at = EXCLUDED.updated_at`);
};

import { sql, type Sql } from '@govern/platform-db';

/**
 * What this service knows of merchants (merchant_standings), applied from merchant-access's events.
 * Events may arrive out of order across redeliveries: a fact older than the one applied is ignored.
 */

/** Returns whether the status changed (false: an older fact). */
export const upsertMerchantStatus = async (db: Sql, merchantId: string, status: string, occurredAt: Date, now: Date): Promise<boolean> =>
  (await db.execute(sql`
    INSERT INTO merchant_standings (merchant_id, status, store_score, status_changed_at, score_changed_at, updated_at)
    VALUES (${merchantId}, ${status}, NULL, ${occurredAt}::timestamptz, NULL, ${now}::timestamptz)
    ON CONFLICT (merchant_id) DO UPDATE SET status = EXCLUDED.status, status_changed_at = EXCLUDED.status_changed_at, updated_at = EXCLUDED.updated_at
     WHERE merchant_standings.status_changed_at <= EXCLUDED.status_changed_at`)) > 0;

/** Returns whether the score changed (false: an older fact). */
export const upsertStoreScore = async (db: Sql, merchantId: string, storeScore: number | null, occurredAt: Date, now: Date): Promise<boolean> =>
  (await db.execute(sql`
    INSERT INTO merchant_standings (merchant_id, status, store_score, status_changed_at, score_changed_at, updated_at)
    VALUES (${merchantId}, 'ACTIVE', ${storeScore}::double precision, to_timestamp(0), ${occurredAt}::timestamptz, ${now}::timestamptz)
    ON CONFLICT (merchant_id) DO UPDATE SET store_score = EXCLUDED.store_score, score_changed_at = EXCLUDED.score_changed_at, updated_at = EXCLUDED.updated_at
     WHERE merchant_standings.score_changed_at IS NULL OR merchant_standings.score_changed_at <= EXCLUDED.score_changed_at`)) > 0;

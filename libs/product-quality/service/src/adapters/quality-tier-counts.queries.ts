import type pg from 'pg';
import type { ProductQualityTx } from '@govern/product-quality-data-access';

/**
 * How many products were in the EXCELLENT and POOR tiers at a time, from the tier moves and the
 * daily checkpoints (migration 20261207400000_quality_tier_moves): the checkpoint at or before the
 * time, plus the moves between the two, so the read is bounded by a day's moves (and the time since
 * the last checkpoint), not by the history.
 */

/**
 * A checkpoint is written for a day's start only this long after it: every move before it has
 * committed by then. A move is written in the transaction that scores the product, with that
 * transaction's time, and no transaction of this service lives that long (request deadlines; a
 * consumer's transaction is bounded at 60 s by default).
 */
export const TIER_CHECKPOINT_DELAY_MS = 60 * 60 * 1_000;

export const qualityTiersAt = async (tx: ProductQualityTx, at: Date): Promise<{ excellent: bigint; poor: bigint }> => {
  const [row] = await tx.$queryRawUnsafe<{ excellent: bigint; poor: bigint }[]>(
    `WITH checkpoint AS (SELECT at, excellent, poor FROM quality_tier_checkpoints WHERE at <= $1 ORDER BY at DESC LIMIT 1),
          since AS (SELECT COALESCE(sum(excellent), 0)::bigint AS excellent, COALESCE(sum(poor), 0)::bigint AS poor FROM quality_tier_moves
                     WHERE at >= COALESCE((SELECT at FROM checkpoint), '-infinity') AND at < $1)
     SELECT COALESCE((SELECT excellent FROM checkpoint), 0) + since.excellent AS excellent, COALESCE((SELECT poor FROM checkpoint), 0) + since.poor AS poor
       FROM since`,
    at,
  );
  return { excellent: BigInt(row?.excellent ?? 0n), poor: BigInt(row?.poor ?? 0n) };
};

/**
 * Writes the checkpoints of every day start (UTC) after the latest one and at least
 * TIER_CHECKPOINT_DELAY_MS before `now`, in one statement: the day's counts are the previous
 * checkpoint plus a running sum of the moves per day. Replicas writing at once compute the same
 * rows and keep the first (ON CONFLICT DO NOTHING). Returns how many were written.
 */
export const writeQualityTierCheckpoints = async (pool: Pick<pg.Pool, 'query'>, now: Date): Promise<number> => {
  const { rowCount } = await pool.query(
    `WITH latest AS (SELECT at, excellent, poor FROM quality_tier_checkpoints ORDER BY at DESC LIMIT 1),
          upto AS (SELECT date_bin('1 day', $1::timestamptz - make_interval(secs => $2::double precision / 1000), timestamptz '2000-01-01 00:00:00+00') AS at),
          per_day AS (
            SELECT date_bin('1 day', m.at, timestamptz '2000-01-01 00:00:00+00') + interval '1 day' AS day, sum(m.excellent) AS excellent, sum(m.poor) AS poor
              FROM quality_tier_moves m
             WHERE m.at >= COALESCE((SELECT at FROM latest), '-infinity') AND m.at < (SELECT at FROM upto)
             GROUP BY 1),
          days AS (
            SELECT generate_series(COALESCE((SELECT at FROM latest) + interval '1 day', (SELECT min(day) FROM per_day)), (SELECT at FROM upto), interval '1 day') AS day)
     INSERT INTO quality_tier_checkpoints (at, excellent, poor)
     SELECT d.day,
            COALESCE((SELECT excellent FROM latest), 0) + COALESCE(sum(p.excellent) OVER (ORDER BY d.day), 0),
            COALESCE((SELECT poor FROM latest), 0) + COALESCE(sum(p.poor) OVER (ORDER BY d.day), 0)
       FROM days d LEFT JOIN per_day p ON p.day = d.day
     ON CONFLICT (at) DO NOTHING`,
    [now, TIER_CHECKPOINT_DELAY_MS],
  );
  return rowCount ?? 0;
};

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '@govern/platform-db';
import { useForSuite, type ServiceUnderTest } from '@govern/platform-service-testing';
import { createTestDatabase, migrationsBefore, pollUntil, type TestDatabase } from '@govern/platform-testing';
import { connectProductQualityDatabase, ProductQualityMigrations, type PrismaClient, type ProductQualityDatabase } from '@govern/product-quality-data-access';
import type { QualityTier } from '@govern/product-quality-domain';
import { writeScores } from './adapters/quality-scores.queries';
import { qualityTiersAt, TIER_CHECKPOINT_DELAY_MS, writeQualityTierCheckpoints } from './adapters/quality-tier-counts.queries';
import { startProductQualityForTest } from './testing/fixtures';

/**
 * GetGovernanceStats counts the EXCELLENT and POOR products at the end of its window from the tier
 * moves and their daily checkpoints (migration 20261207400000_quality_tier_moves), not from every
 * score ever computed: checked against that full read at every instant of a five-day history, with
 * and without checkpoints, with two rescorings of a product racing, and on a history that existed
 * before the migration.
 */

/** Each product's latest score before `at`, as the report read the tiers before. */
const FROM_EVERY_SCORE = `
  SELECT count(*) FILTER (WHERE tier = 'EXCELLENT')::int AS excellent, count(*) FILTER (WHERE tier = 'POOR')::int AS poor
    FROM (SELECT DISTINCT ON (product_id) tier FROM quality_scores WHERE computed_at < $1 ORDER BY product_id, seq DESC) latest`;

const TIERS: readonly QualityTier[] = ['EXCELLENT', 'GOOD', 'FAIR', 'POOR'];
const START = new Date('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;

/** A deterministic sequence (xorshift), so a failure replays. */
const numbers = (seed: number) => {
  let state = seed;
  return (below: number): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return Math.abs(state) % below;
  };
};

/** A new product with its first score at `at`, as the listing gate writes them (one statement, like the gate's). */
const createProduct = (db: Pick<pg.Pool, 'query'>, productId: string, tier: QualityTier, at: Date) =>
  db.query(
    `WITH product AS (
       INSERT INTO products (product_id, merchant_id, sku_id, category_code, title, description, brand, manufacturer, batch_number, certificate_code,
                             status, quality_score, quality_tier, created_at, updated_at)
       VALUES ($1, 'merchant-1', $1 || '-sku', 'home.kitchen', 't', 'd', '', 'm', 'b', 'c', 'ACTIVE', 70, $2, $3, $3) RETURNING product_id)
     INSERT INTO quality_scores (score_id, product_id, merchant_id, score, tier, components, reasons, policy_name, policy_version, trigger, computed_at)
     SELECT $1 || '-score-0', product_id, 'merchant-1', 70, $2, '[]', '[]', 'quality-score', 'v1', 'LISTING_APPROVED', $3 FROM product`,
    [productId, tier, at],
  );

describe('quality tier counts at a time (Postgres)', () => {
  let db: TestDatabase;
  let connection: ProductQualityDatabase;
  let raw: pg.Pool;
  /** Every time a score was written: the counts are checked at each, a millisecond either side, and between. */
  const instants: Date[] = [];

  const rescore = (productId: string, tier: QualityTier, at: Date, n: number) =>
    connection.client.$transaction((tx) =>
      writeScores(
        tx,
        [{ score_id: `${productId}-score-${n}`, product_id: productId, merchant_id: 'merchant-1', score: 50, tier, components: [], reasons: [], policy_name: 'quality-score', policy_version: 'v1', trigger: 'SERVICE_STATS' }],
        at,
      ),
    );

  const fromEveryScore = async (at: Date): Promise<{ excellent: number; poor: number }> => {
    const { rows } = await raw.query<{ excellent: number; poor: number }>(FROM_EVERY_SCORE, [at]);
    return rows[0] ?? { excellent: 0, poor: 0 };
  };

  const expectSameCountsEverywhere = async (): Promise<void> => {
    const probes = [new Date(START.getTime() - HOUR), ...instants.flatMap((at) => [new Date(at.getTime() - 1), at, new Date(at.getTime() + 1)])];
    for (let day = 0; day <= 7; day += 1) probes.push(new Date(START.getTime() + day * 24 * HOUR));
    for (const at of probes) {
      const counts = await qualityTiersAt(connection.client, at);
      expect({ excellent: Number(counts.excellent), poor: Number(counts.poor) }, at.toISOString()).toEqual(await fromEveryScore(at));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: ProductQualityMigrations, prefix: 'pq_tier_counts' });
    connection = connectProductQualityDatabase({ connectionString: db.url, poolSize: 2 });
    raw = new pg.Pool({ connectionString: db.url, max: 2 });
    // Five days: 40 products appear over the first two, and every 37 minutes one of them is rescored.
    const next = numbers(20261207);
    const scores = new Map<string, number>();
    for (let minute = 0; minute < 5 * 24 * 60; minute += 37) {
      const at = new Date(START.getTime() + minute * 60_000 + next(1000));
      const productId = `product-${next(40)}`;
      const tier = TIERS[next(4)] ?? 'GOOD';
      const n = scores.get(productId);
      if (n === undefined && minute < 2 * 24 * 60) await createProduct(raw, productId, tier, at);
      else if (n !== undefined) await rescore(productId, tier, at, n + 1);
      else continue;
      scores.set(productId, (n ?? 0) + 1);
      instants.push(at);
    }
  });
  afterAll(async () => {
    await raw?.end();
    await connection?.close();
    await db?.drop();
  });

  it('counts what the latest scores said at every instant, before any checkpoint', async () => {
    expect(instants.length).toBeGreaterThan(150);
    const { rows } = await raw.query<{ moves: number }>('SELECT count(*)::int AS moves FROM quality_tier_moves');
    expect(rows[0]?.moves).toBeGreaterThan(20);
    await expectSameCountsEverywhere();
  });

  it('writes a checkpoint per day start an hour after it, and counts the same from them', async () => {
    // Half an hour into the fourth day: its start is not due yet.
    const early = new Date(START.getTime() + 3 * 24 * HOUR + TIER_CHECKPOINT_DELAY_MS / 2);
    expect(await writeQualityTierCheckpoints(raw, early)).toBe(2);
    const { rows } = await raw.query<{ at: Date }>('SELECT at FROM quality_tier_checkpoints ORDER BY at');
    expect(rows.map((r) => r.at.toISOString())).toEqual(['2026-12-02T00:00:00.000Z', '2026-12-03T00:00:00.000Z']);
    await expectSameCountsEverywhere();
    // Later runs write only the days that became due, each from the one before; a replica running the same writes nothing more.
    const later = new Date(START.getTime() + 6 * 24 * HOUR + 2 * HOUR);
    expect(await writeQualityTierCheckpoints(raw, later)).toBe(4);
    expect(await writeQualityTierCheckpoints(raw, later)).toBe(0);
    await expectSameCountsEverywhere();
  });

  it('adds up to the products’ tiers when two rescorings of a product race', async () => {
    await createProduct(raw, 'product-race', 'GOOD', new Date(START.getTime() + 6 * 24 * HOUR));
    const at = new Date(START.getTime() + 6 * 24 * HOUR + HOUR);
    // One transaction holds the product's row while the other waits for it; both then commit.
    const first = await raw.connect();
    try {
      await first.query('BEGIN');
      await first.query(`UPDATE products SET quality_tier = 'EXCELLENT', updated_at = $1 WHERE product_id = 'product-race'`, [at]);
      const second = rescore('product-race', 'POOR', at, 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.query('COMMIT');
      await second;
    } finally {
      first.release();
    }
    const { rows } = await raw.query<{ excellent: number; poor: number }>(
      `SELECT count(*) FILTER (WHERE quality_tier = 'EXCELLENT')::int AS excellent, count(*) FILTER (WHERE quality_tier = 'POOR')::int AS poor FROM products`,
    );
    const counts = await qualityTiersAt(connection.client, new Date(at.getTime() + 1));
    expect({ excellent: Number(counts.excellent), poor: Number(counts.poor) }).toEqual(rows[0]);
  });
});

describe('the quality tier moves migration on an existing history (Postgres)', () => {
  it('starts the moves from the scores already computed, and from a product whose tier no score gave', async () => {
    const earlier = migrationsBefore(ProductQualityMigrations, '20261207400000_quality_tier_moves');
    const database = await createTestDatabase({ prefix: 'pq_tier_moves_migration' });
    const pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const connection = connectProductQualityDatabase({ connectionString: database.url, poolSize: 1 });
    try {
      await applyMigrations({ connectionString: database.url, migrationsDir: earlier.dir });
      const at = (hours: number) => new Date(START.getTime() + hours * HOUR);
      await createProduct(pool, 'p-1', 'EXCELLENT', at(1));
      await createProduct(pool, 'p-2', 'POOR', at(2));
      await createProduct(pool, 'p-3', 'GOOD', at(3));
      // Rescored before the migration: p-1 falls to POOR, p-2 rises to GOOD, p-3 reaches EXCELLENT, twice.
      await pool.query(
        `INSERT INTO quality_scores (score_id, product_id, merchant_id, score, tier, components, reasons, policy_name, policy_version, trigger, computed_at) VALUES
           ('p-1-s1', 'p-1', 'merchant-1', 30, 'POOR', '[]', '[]', 'q', 'v1', 'SERVICE_STATS', $1),
           ('p-2-s1', 'p-2', 'merchant-1', 70, 'GOOD', '[]', '[]', 'q', 'v1', 'SERVICE_STATS', $2),
           ('p-3-s1', 'p-3', 'merchant-1', 90, 'EXCELLENT', '[]', '[]', 'q', 'v1', 'SERVICE_STATS', $2),
           ('p-3-s2', 'p-3', 'merchant-1', 91, 'EXCELLENT', '[]', '[]', 'q', 'v1', 'SERVICE_STATS', $3)`,
        [at(10), at(20), at(30)],
      );
      await pool.query(`UPDATE products SET quality_tier = CASE product_id WHEN 'p-1' THEN 'POOR' WHEN 'p-2' THEN 'GOOD' ELSE 'EXCELLENT' END, updated_at = $1`, [at(30)]);
      // Written by hand, with no score: counted from its last update.
      await pool.query(
        `INSERT INTO products (product_id, merchant_id, sku_id, category_code, title, description, brand, manufacturer, batch_number, certificate_code,
                               status, quality_score, quality_tier, created_at, updated_at)
         VALUES ('p-4', 'merchant-1', 'p-4-sku', 'home.kitchen', 't', 'd', '', 'm', 'b', 'c', 'ACTIVE', 95, 'EXCELLENT', $1, $1)`,
        [at(40)],
      );

      await applyMigrations({ connectionString: database.url, migrationsDir: ProductQualityMigrations });
      const countsAt = async (hours: number) => {
        const counts = await qualityTiersAt(connection.client, at(hours));
        return [Number(counts.excellent), Number(counts.poor)];
      };
      expect(await countsAt(0)).toEqual([0, 0]);
      expect(await countsAt(5)).toEqual([1, 1]);
      expect(await countsAt(15)).toEqual([0, 2]);
      expect(await countsAt(25)).toEqual([1, 1]);
      expect(await countsAt(35)).toEqual([1, 1]);
      expect(await countsAt(45)).toEqual([2, 1]);
      // And from here on through the triggers: p-4 rescored POOR.
      await connection.client.$transaction((tx) =>
        writeScores(tx, [{ score_id: 'p-4-s1', product_id: 'p-4', merchant_id: 'merchant-1', score: 20, tier: 'POOR', components: [], reasons: [], policy_name: 'q', policy_version: 'v1', trigger: 'LAB_RESULT' }], at(50)),
      );
      expect(await countsAt(55)).toEqual([1, 2]);
    } finally {
      await connection.close();
      await pool.end();
      await database.drop();
      earlier.remove();
    }
  });
});

describe('the service writes the tier checkpoints on its own', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  useForSuite(() => startProductQualityForTest({ options: { tierCheckpointIntervalMs: 50 } }), (pq) => ({ sut } = pq));

  it('checkpoints each day start since the first move, an hour after it is due, by its clock', async () => {
    const day = 24 * HOUR;
    const today = Math.floor(sut.clock.now().getTime() / day) * day;
    // Moves three and two days ago (one product became EXCELLENT, then another POOR), as the triggers write them.
    await sut.db.$executeRawUnsafe(
      `INSERT INTO quality_tier_moves (at, product_id, excellent, poor) VALUES ($1, 'p-a', 1, 0), ($2, 'p-b', 0, 1)`,
      new Date(today - 3 * day + HOUR),
      new Date(today - 2 * day + HOUR),
    );
    const checkpoints = await pollUntil('tier checkpoints written', async () => {
      const rows = await sut.db.$queryRawUnsafe<{ at: Date; excellent: bigint; poor: bigint }[]>('SELECT at, excellent, poor FROM quality_tier_checkpoints ORDER BY at');
      return rows.length > 0 ? rows : undefined;
    });
    const dueUpTo = Math.floor((sut.clock.now().getTime() - TIER_CHECKPOINT_DELAY_MS) / day) * day;
    expect(checkpoints.map((c) => c.at.getTime())).toEqual(Array.from({ length: (dueUpTo - (today - 2 * day)) / day + 1 }, (_, i) => today - 2 * day + i * day));
    expect(checkpoints[0]).toMatchObject({ excellent: 1n, poor: 0n });
    expect(checkpoints.at(-1)).toMatchObject({ excellent: 1n, poor: 1n });
  });
});

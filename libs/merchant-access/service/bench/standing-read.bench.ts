/**
 * What one merchant's standing read costs PostgreSQL (the statement behind GetMerchantStanding,
 * `readStandings` over `poolReads` as the service runs it), away from gRPC and the other services:
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres NATS_URL=nats://127.0.0.1:4222 \
 *     npx tsx --tsconfig tsconfig.base.json libs/merchant-access/service/bench/standing-read.bench.ts [reads per round] [ids per read]
 *
 * A fresh database with 5,000 merchants, 1,500 violations over the first 500 and a sanction in
 * force for the first 100; one pool connection, one read in flight. Per round (5 rounds, the
 * median counts): the backend's CPU per read (from /proc, so PostgreSQL must run on this machine)
 * and the read's p50 time; then how often PostgreSQL planned the statement for the values
 * (custom plans) and how often it reused its generic plan (pg_prepared_statements). Prints
 * figures; asserts nothing. (The database comes from the integration tests' infrastructure, which
 * wants NATS as well, though this bench does not use it.)
 */
import { readFileSync } from 'node:fs';
import { MerchantAccessMigrations } from '@govern/merchant-access-data-access';
import { createTestDatabase } from '@govern/platform-testing';
import pg from 'pg';
import { poolReads, readStandings, STANDINGS_STATEMENT } from '../src/adapters/prisma-standing.repository';

const READS = Number(process.argv[2] ?? 3_000);
const IDS_PER_READ = Number(process.argv[3] ?? 1);
const ROUNDS = 5;
const MERCHANTS = 5_000;

/** User + system CPU of a process so far, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
const cpuMsOf = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

// Rows as the service would hold them, written straight (foreign keys to applications and
// violations are not what is measured, so the session skips their triggers).
const SEED = `
SET session_replication_role = replica;
INSERT INTO merchants (id, application_id, company_name, credit_code_masked, onboarding_band, listing_quota, deposit_fen, approved_category_codes, affiliate_eligible, onboarded_at)
  SELECT 'mer_' || g, 'app_' || g, 'Company ' || g, '91**********0000', 'STANDARD', 100, 100000, '[]'::jsonb, true, now() - interval '100 days' FROM generate_series(1, ${MERCHANTS}) g;
INSERT INTO violations (id, merchant_id, type, points, zero_tolerance, occurred_at, recorded_at, expires_at, appeal_deadline, source, source_ref, product_id, description, evidence, reasons, policy_name, policy_version)
  SELECT 'vio_' || g, 'mer_' || (g % 500 + 1), 'LATE_DISPATCH', 2, false, now() - (g % 20) * interval '1 day', now() - (g % 20) * interval '1 day',
         now() + interval '300 days', now() + interval '7 days', 'OPERATOR', 'ref-' || g, '', '', '{}'::jsonb, '[]'::jsonb, 'violation-points', 'v1'
    FROM generate_series(1, 1500) g;
INSERT INTO sanctions (id, merchant_id, kind, starts_at, ends_at, trigger_points, threshold, zero_tolerance, trigger_violation_id, violation_ids, reasons, policy_name, policy_version)
  SELECT 'san_' || g, 'mer_' || g, 'LISTING_SUSPENSION', now() - interval '1 day', now() + interval '5 days', 12, 12, false, 'vio_' || g, '[]'::jsonb, '[]'::jsonb, 'violation-points', 'v1'
    FROM generate_series(1, 100) g;
SET session_replication_role = DEFAULT;
ANALYZE;`;

const database = await createTestDatabase({ migrationsDir: MerchantAccessMigrations, prefix: 'standing_read_bench' });
const pool = new pg.Pool({ connectionString: database.url, max: 1 });
try {
  await pool.query(SEED);
  const backend = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
  const reads = poolReads(pool);
  const idsOf = (read: number): string[] => Array.from({ length: IDS_PER_READ }, (_, k) => `mer_${(((read * IDS_PER_READ + k) * 7919) % MERCHANTS) + 1}`);
  const cpuPerRead: number[] = [];
  const p50s: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const times: number[] = [];
    const before = cpuMsOf(backend);
    for (let read = 0; read < READS; read++) {
      const started = performance.now();
      await readStandings(reads, idsOf(read), new Date());
      times.push(performance.now() - started);
    }
    cpuPerRead.push(((cpuMsOf(backend) - before) * 1_000) / READS);
    p50s.push(median(times));
  }
  const plans = (await pool.query<{ generic_plans: string; custom_plans: string }>('SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = $1', [STANDINGS_STATEMENT])).rows[0];
  console.log(`the standing read, ${IDS_PER_READ} id(s) a read, one connection, ${ROUNDS} rounds x ${READS} reads (median, and every round)`);
  console.log(`  PostgreSQL CPU per read  ${median(cpuPerRead).toFixed(0).padStart(5)} µs   [${cpuPerRead.map((v) => v.toFixed(0)).join(', ')}]`);
  console.log(`  p50 time per read        ${(median(p50s) * 1_000).toFixed(0).padStart(5)} µs   [${p50s.map((v) => (v * 1_000).toFixed(0)).join(', ')}]`);
  console.log(`  plans: ${plans?.custom_plans ?? '?'} custom (planned for the values), ${plans?.generic_plans ?? '?'} generic (planned once)`);
} finally {
  await pool.end();
  await database.drop();
}

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMerchantAccessDatabase, MerchantAccessMigrations, type MerchantAccessDatabase } from '@govern/merchant-access-data-access';
import { createTestDatabase, plansOfStatements, type PlanNode, type TestDatabase } from '@govern/platform-testing';
import { countGovernanceFigures } from './adapters/governance-stats.queries';
import { listReviewCases, type ListReviewCasesQuery } from './use-cases/review-cases';

/**
 * The reviewers' queue and the governance counts read their rows from indexes, whatever the table
 * holds (migration 20261207200000_list_and_stats_indexes): the statements Prisma and the adapters
 * send, captured from pg and planned again on a table of 20,000 cases, mostly decided long ago.
 */
const NOW = new Date('2026-12-07T00:00:00Z');
const CASES = 20_000;

describe('review queue and governance counts over a large table (Postgres)', () => {
  let db: TestDatabase;
  let connection: MerchantAccessDatabase;
  let raw: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: MerchantAccessMigrations, prefix: 'ma_review_plans' });
    connection = connectMerchantAccessDatabase({ connectionString: db.url, poolSize: 2 });
    raw = new pg.Client({ connectionString: db.url });
    await raw.connect();
    // A case a minute over two weeks: all but the last 40 decided, every tenth one a reviewer's.
    await raw.query(
      `INSERT INTO review_cases (id, kind, status, reasons, assignee_id, opened_at, sla_due_at, decided_at)
       SELECT 'case-' || lpad(g::text, 6, '0'), CASE WHEN g % 2 = 0 THEN 'ONBOARDING' ELSE 'APPEAL' END,
              CASE WHEN g > $2 - 40 THEN 'OPEN' ELSE 'DECIDED' END, '[]'::jsonb,
              CASE WHEN g % 10 = 0 THEN 'reviewer-' || (g / 10) % 20 END,
              $1::timestamptz - make_interval(mins => $2 - g + 1440), $1::timestamptz - make_interval(mins => $2 - g),
              CASE WHEN g > $2 - 40 THEN NULL ELSE $1::timestamptz - make_interval(mins => $2 - g - 30) END
         FROM generate_series(1, $2::int) AS g`,
      [NOW, CASES],
    );
    await raw.query('ANALYZE review_cases');
  });
  afterAll(async () => {
    await raw?.end();
    await connection?.close();
    await db?.drop();
  });

  /** Runs `read`, then plans again (EXPLAIN ANALYZE) the statements it sent that read `table`. */
  const plansOf = async (table: string, read: () => Promise<unknown>): Promise<PlanNode[][]> => {
    const plans = await plansOfStatements(raw, read, (statement) => new RegExp(`FROM "?(\\w+"?\\.)?"?${table}"?\\b`).test(statement.text));
    expect(plans.length).toBeGreaterThan(0);
    return plans;
  };

  const seqScans = (plans: PlanNode[][], table: string): number => plans.flat().filter((node) => node['Node Type'] === 'Seq Scan' && node['Relation Name'] === table).length;

  const queue = (overrides: Partial<ListReviewCasesQuery>): ListReviewCasesQuery => ({ pageSize: 20, overdueOnly: false, at: NOW, ...overrides });

  it('pages the queue by SLA with no status, by kind, by assignee and overdue only, from indexes', async () => {
    for (const query of [queue({}), queue({ kind: 'APPEAL' }), queue({ assigneeId: 'reviewer-3' }), queue({ overdueOnly: true })]) {
      let page: Awaited<ReturnType<typeof listReviewCases>> | undefined;
      const plans = await plansOf('review_cases', async () => {
        page = await listReviewCases(connection.client, query);
      });
      expect(page?.items.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(seqScans(plans, 'review_cases'), JSON.stringify(query)).toBe(0);
    }
    // Overdue only: the cases still open whose SLA has passed, nearest first.
    const overdue = await listReviewCases(connection.client, queue({ overdueOnly: true, pageSize: 100 }));
    expect(overdue.items.map((c) => c.status)).toEqual(Array(40).fill('OPEN'));
  });

  it('counts a day of decisions without reading every case ever decided', async () => {
    const day = { start: new Date(NOW.getTime() - 86_400_000), end: NOW };
    let figures: Awaited<ReturnType<typeof countGovernanceFigures>> | undefined;
    const plans = await plansOf('review_cases', async () => {
      figures = await countGovernanceFigures(connection.client, day);
    });
    expect(figures?.reviewCasesOpened).toBeGreaterThan(0n);
    expect(seqScans(plans, 'review_cases')).toBe(0);
  });
});

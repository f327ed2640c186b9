import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlTx, TransactionalClient } from '@govern/platform-db';
import { createTestDatabase, explainNodes, type PlanNode, type TestDatabase } from '@govern/platform-testing';
import { createEventLog } from './event-log';
import { PLATFORM_MIGRATIONS } from './testing/flow-fixture';

const EVENTS = 20_000;

/**
 * The event log's pages by event type read that type's rows from an index (platform migration
 * 20261207100001_outbox_events_by_type), however many events of other types are newer: its
 * statements planned and run (EXPLAIN ANALYZE) on an outbox of 20,000 events, one in a thousand
 * of the rare type.
 */
describe('event log pages by type over a large outbox (Postgres)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let plans: PlanNode[][];
  /** The log's statements, run as EXPLAIN ANALYZE: the plans are kept, the log gets no rows. */
  let explaining: TransactionalClient<SqlTx>;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: PLATFORM_MIGRATIONS, prefix: 'platform_event_log_plans' });
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const tx: SqlTx = {
      $queryRawUnsafe: async <T>(query: string, ...values: unknown[]) => {
        plans.push(await explainNodes(pool, query, values));
        return [] as T;
      },
      $executeRawUnsafe: async () => 0,
    };
    explaining = { $transaction: (work) => work(tx) };
    // The rare type's events are the oldest: a newest-first walk meets every other event first.
    await pool.query(
      `INSERT INTO outbox_events (event_id, subject, event_type, payload, occurred_at, published_at)
       SELECT 'e-' || g, 'govern.test.thing', CASE WHEN g % 1000 = 0 AND g < $1 / 2 THEN 'test.v1.Rare' ELSE 'test.v1.Common' END,
              '\\x00'::bytea, timestamptz '2026-12-01' + make_interval(secs => g), timestamptz '2026-12-01' + make_interval(secs => g)
         FROM generate_series(1, $1::int) AS g`,
      [EVENTS],
    );
    await pool.query('ANALYZE outbox_events');
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('reads a type that is rare, or absent, from the (event_type, id) index, not by walking the outbox', async () => {
    const log = createEventLog({ db: explaining });
    for (const eventType of ['test.v1.Rare', 'test.v1.Absent']) {
      plans = [];
      await log.list({ eventType }, { limit: 50 });
      expect(plans, eventType).toHaveLength(1);
      const nodes = plans[0] as PlanNode[];
      expect(nodes.some((node) => node['Index Name'] === 'outbox_events_event_type_id_idx'), eventType).toBe(true);
      expect(nodes.reduce((sum, node) => sum + (node['Rows Removed by Filter'] ?? 0), 0), eventType).toBe(0);
    }
  });
});

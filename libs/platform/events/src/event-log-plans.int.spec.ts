import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlTx, TransactionalClient } from '@govern/platform-db';
import { createTestDatabase, explainNodes, type PlanNode, type TestDatabase } from '@govern/platform-testing';
import { createEventLog } from './event-log';
import { PLATFORM_MIGRATIONS } from './testing/flow-fixture';

const EVENTS = 20_000;

/**
 * The event log's pages by event type, and in a time window, read their rows from an index
 * (platform migrations 20261207100001_outbox_events_by_type and 20261207500000_outbox_events_by_time),
 * however many other or newer events there are: its statements planned and run (EXPLAIN ANALYZE)
 * on an outbox of 20,000 events a second apart, one in a thousand of the rare type.
 */
describe('event log pages by type and by time window over a large outbox (Postgres)', () => {
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

  it('reads a window of old events from the (occurred_at, id) index, first page and next, not by walking back from the newest', async () => {
    const log = createEventLog({ db: explaining });
    // Ten minutes near the outbox's start: 19,000 newer events a walk by id would meet first.
    const window = { start: new Date('2026-12-01T00:10:00Z'), end: new Date('2026-12-01T00:20:00Z') };
    for (const before of [undefined, { occurredAt: new Date('2026-12-01T00:15:00Z'), id: 900n }]) {
      plans = [];
      await log.list({ window }, { limit: 50, ...(before ? { before } : {}) });
      expect(plans).toHaveLength(1);
      const nodes = plans[0] as PlanNode[];
      expect(nodes.some((node) => node['Index Name'] === 'outbox_events_occurred_at_id_idx')).toBe(true);
      expect(nodes.some((node) => node['Node Type'] === 'Sort')).toBe(false);
      expect(nodes.reduce((sum, node) => sum + (node['Rows Removed by Filter'] ?? 0), 0)).toBe(0);
    }
  });
});

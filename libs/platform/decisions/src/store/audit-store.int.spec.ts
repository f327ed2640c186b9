import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlTx } from '@govern/platform-db';
import { createTestDatabase, explainNodes, type PlanNode, type TestDatabase } from '@govern/platform-testing';
import { PLATFORM_MIGRATIONS } from '../testing/ops-caller.fixture';
import { selectAuditRecordPage, type AuditFilter, type StoredAuditRecord } from './audit-store';

const ROWS = 6_000;
const PAGE = 50;
const VIOLATION = 'govern.merchant_access.v1.MerchantAccessService/RecordViolation';
const ORDER = 'govern.consumer_experience.v1.ConsumerExperienceService/RecordOrder';
const START = Date.parse('2026-12-01T00:00:00Z');

describe('audit records newest first (the audit store over PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  /** The store's own statements, over node-postgres ($1-style parameters, as Prisma's raw queries take). */
  let tx: SqlTx;
  /** Runs the store's statements as EXPLAIN, keeping the last plan (and answering no rows). */
  let explain: SqlTx;
  let lastPlan: PlanNode[] | undefined;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: PLATFORM_MIGRATIONS, prefix: 'platform_audit_store' });
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    tx = {
      $queryRawUnsafe: async <T>(query: string, ...values: unknown[]) => (await pool.query(query, values)).rows as T,
      $executeRawUnsafe: async (query: string, ...values: unknown[]) => (await pool.query(query, values)).rowCount ?? 0,
    };
    explain = {
      $queryRawUnsafe: async <T>(query: string, ...values: unknown[]) => {
        lastPlan = await explainNodes(pool, query, values);
        return [] as T;
      },
      $executeRawUnsafe: () => Promise.reject(new Error('not used')),
    };
    // A service's trail: mostly orders, a violation every 50th row, three rows a second with
    // every tenth second's rows at one instant (the id breaks the tie).
    await pool.query(
      `INSERT INTO audit_records (at, action, request_id, actor_subject, actor_kind, resource_type, resource_id, decision)
       SELECT to_timestamp($1::double precision / 1000 + (CASE WHEN g % 30 < 3 THEN g - g % 30 ELSE g END) / 3.0),
              CASE WHEN g % 50 = 0 THEN $2 ELSE $3 END, 'req-' || g, 'spiffe://govern/order-system', 'service', 'order', 'order-' || g, 'RECORDED'
         FROM generate_series(1, $4::int) AS g`,
      [START, VIOLATION, ORDER, ROWS],
    );
    await pool.query('ANALYZE audit_records');
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const everyPage = async (filter: AuditFilter): Promise<StoredAuditRecord[]> => {
    const all: StoredAuditRecord[] = [];
    for (let page = await selectAuditRecordPage(tx, filter, { limit: PAGE }); page.length > 0; ) {
      all.push(...page);
      const last = page[page.length - 1] as StoredAuditRecord;
      page = page.length < PAGE ? [] : await selectAuditRecordPage(tx, filter, { limit: PAGE, before: { at: last.at, id: last.id } });
    }
    return all;
  };

  const newestFirst = (records: readonly StoredAuditRecord[]): StoredAuditRecord[] =>
    [...records].sort((a, b) => b.at.getTime() - a.at.getTime() || (b.id > a.id ? 1 : b.id < a.id ? -1 : 0));

  it('pages through the whole trail newest first by (time, id), each record once, ties at one instant included', async () => {
    const all = await everyPage({});
    expect(all).toHaveLength(ROWS);
    expect(new Set(all.map((r) => r.id)).size).toBe(ROWS);
    expect(all.map((r) => r.id)).toEqual(newestFirst(all).map((r) => r.id));
    expect(all.some((r, i) => i > 0 && r.at.getTime() === all[i - 1]?.at.getTime())).toBe(true);

    const violations = await everyPage({ action: VIOLATION });
    expect(violations.map((r) => r.requestId)).toEqual(all.filter((r) => r.action === VIOLATION).map((r) => r.requestId));
    expect(violations).toHaveLength(ROWS / 50);

    const window = { start: new Date(START + 600_000), end: new Date(START + 660_000) };
    const inWindow = await everyPage({ window });
    expect(inWindow.length).toBeGreaterThan(0);
    expect(inWindow.map((r) => r.id)).toEqual(all.filter((r) => r.at >= window.start && r.at < window.end).map((r) => r.id));
  });

  it('reads a page of the trail or of a time window from the (at, id) index, and an RPC\'s from its own, without sorting the table', async () => {
    const newest = (await selectAuditRecordPage(tx, {}, { limit: PAGE }))[PAGE - 1] as StoredAuditRecord;
    const window = { start: new Date(START + 600_000), end: new Date(START + 660_000) };
    for (const [filter, before, index] of [
      [{}, undefined, 'audit_records_at_idx'],
      [{}, { at: newest.at, id: newest.id }, 'audit_records_at_idx'],
      [{ window }, undefined, 'audit_records_at_idx'],
      [{ action: VIOLATION }, undefined, 'audit_records_action_idx'],
      [{ action: VIOLATION, window }, undefined, 'audit_records_action_idx'],
    ] as const) {
      lastPlan = undefined;
      await selectAuditRecordPage(explain, filter, { limit: PAGE, before });
      const shape = (lastPlan ?? []).map((node) => [node['Node Type'], node['Index Name']].filter(Boolean).join(' '));
      expect(shape, JSON.stringify(filter)).toEqual(['Limit', `Index Scan ${index}`]);
    }
  });
});

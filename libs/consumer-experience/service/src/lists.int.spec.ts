import type { OrderStatus } from '@govern/contracts-consumer-experience';
import { timeIdPageToken } from '@govern/platform-grpc';
import { explainNodes, statementsSentBy } from '@govern/platform-testing';
import { HOUR, MINUTE } from '@govern/policy-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, startFixture, type Fixture } from './testing/service-fixture';

/**
 * The List RPCs page with the platform's keyset tokens: every item once, in order, across pages,
 * ties on the sort time broken by id; a token not issued here is bad input, never a first page.
 */
describe('list pages (gRPC + Postgres)', () => {
  let f: Fixture;

  beforeAll(async () => {
    f = await startFixture();
  });
  afterAll(async () => f?.stop());

  /** Follows next_page_token to the end, collecting every item. */
  const walk = async <T>(page: (token: string) => Promise<{ items: T[]; nextPageToken: string }>): Promise<T[][]> => {
    const pages: T[][] = [];
    let token = '';
    do {
      const next = await page(token);
      pages.push(next.items);
      token = next.nextPageToken;
    } while (token !== '' && pages.length < 20);
    return pages;
  };

  it('walks orders newest first, two per page, with paid_at ties broken by order id', async () => {
    const buyerId = f.id('buyer');
    const base = f.clock.now().getTime() - 10 * HOUR;
    // Two orders share a paid_at: the token must carry the id too, or one of them is lost or repeated.
    const paidAts = [base, base + HOUR, base + HOUR, base + 2 * HOUR, base + 3 * HOUR];
    const recorded: { orderId: string; paidAt: number }[] = [];
    // Ids that differ only in their last letter sort the same under any collation.
    for (const [i, paidAt] of paidAts.entries()) {
      recorded.push({ orderId: await f.recordOrder({ orderId: `${buyerId}-order-${'abcde'[i]}`, buyerId, paidAt: new Date(paidAt) }), paidAt });
    }
    const expected = [...recorded].sort((a, b) => b.paidAt - a.paidAt || (a.orderId < b.orderId ? 1 : -1)).map((o) => o.orderId);

    const pages = await walk(async (pageToken) => {
      const answer = await f.client.listOrders({ buyerId, merchantId: '', productId: '', status: 0, pageSize: 2, pageToken });
      return { items: answer.orders.map((o) => o.orderId), nextPageToken: answer.nextPageToken };
    });
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(expected);
  });

  it('walks ledger entries in posting order by entry id', async () => {
    for (let i = 0; i < 3; i++) await f.client.contributeToFund({ requestId: f.id('req'), amountFen: 1_000n + BigInt(i), paymentRef: f.id('pay') });
    const all = await f.client.listLedgerEntries({ account: 'FUND', orderId: '', pageSize: 0, pageToken: '' });
    const pages = await walk(async (pageToken) => {
      const answer = await f.client.listLedgerEntries({ account: 'FUND', orderId: '', pageSize: 2, pageToken });
      return { items: answer.entries.map((e) => e.entryId), nextPageToken: answer.nextPageToken };
    });
    expect(pages.flat()).toEqual(all.entries.map((e) => e.entryId));
    expect(new Set(pages.flat()).size).toBe(all.entries.length);
    expect(all.entries.length).toBeGreaterThanOrEqual(3);
  });

  it('a page deep in a merchant\'s orders reads its own rows from the index, not the earlier pages\' again', async () => {
    const merchantId = f.id('merchant-deep');
    const template = await f.recordOrder({ merchantId, paidAt: new Date(f.clock.now().getTime() - HOUR) });
    // 3,000 more orders of the merchant, a minute apart, copied from the recorded one in SQL.
    const db = new pg.Client({ connectionString: f.sut.database.url });
    await db.connect();
    try {
      const { rows: columns } = await db.query<{ name: string }>(
        `SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'orders' AND table_schema = current_schema() ORDER BY ordinal_position`,
      );
      const names = columns.map((c) => c.name);
      const select = names.map((name) => (name === 'order_id' ? `o.order_id || '-' || g` : name === 'paid_at' ? `o.paid_at - g * interval '1 minute'` : `o.${name}`));
      await db.query(`INSERT INTO orders (${names.join(', ')}) SELECT ${select.join(', ')} FROM orders o, generate_series(1, 3000) AS g WHERE o.order_id = $1`, [template]);
      await db.query('ANALYZE orders');

      // The page after the 2,500th newest order, as a client holding that page's token asks for it.
      const cursor = { paidAt: new Date(f.clock.now().getTime() - HOUR - 2_499 * MINUTE), orderId: `${template}-2499` };
      let answer: Awaited<ReturnType<typeof f.client.listOrders>> | undefined;
      const statements = await statementsSentBy(async () => {
        answer = await f.client.listOrders({ buyerId: '', merchantId, productId: '', status: 0, pageSize: 50, pageToken: timeIdPageToken.encode([cursor.paidAt, cursor.orderId]) });
      });
      expect(answer?.orders.map((o) => o.orderId)).toEqual(Array.from({ length: 50 }, (_, i) => `${template}-${2_500 + i}`));

      // The statement Prisma sent for the page, planned and run again on its values.
      const sent = statements.find((statement) => /FROM "\w+"\."orders"/.test(statement.text) && statement.values.includes(merchantId));
      expect(sent?.text).toBeDefined();
      const nodes = await explainNodes(db, sent?.text ?? '', sent?.values);
      const removed = nodes.reduce((sum, node) => sum + (node['Rows Removed by Filter'] ?? 0), 0);
      // Without a bound on paid_at the scan starts at the newest order and drops the 2,500 before the cursor.
      expect(removed).toBeLessThan(10);
      expect(nodes.some((node) => /\bpaid_at <= /.test(node['Index Cond'] ?? ''))).toBe(true);
    } finally {
      await db.end();
    }
  });

  it('refuses a token it did not issue, a token of another list, a negative page size and a list without a filter, with the shared reasons', async () => {
    const buyerId = f.id('buyer');
    await f.recordOrder({ buyerId });
    await f.recordOrder({ buyerId });
    const { nextPageToken: orderToken } = await f.client.listOrders({ buyerId, merchantId: '', productId: '', status: 0, pageSize: 1, pageToken: '' });
    expect(orderToken).not.toBe('');
    const reasonsOf = async (call: Promise<unknown>) => (await failureOf(call)).fieldViolations.map((v) => [v.field, v.reason]);

    expect(await reasonsOf(f.client.listOrders({ buyerId, merchantId: '', productId: '', status: 0, pageSize: 0, pageToken: 'garbage' }))).toEqual([
      ['page_token', 'INVALID_PAGE_TOKEN'],
    ]);
    // An orders token (a time and an id) is not a ledger token (an entry id).
    expect(await reasonsOf(f.client.listLedgerEntries({ account: 'FUND', orderId: '', pageSize: 0, pageToken: orderToken }))).toEqual([
      ['page_token', 'INVALID_PAGE_TOKEN'],
    ]);
    expect(await reasonsOf(f.client.listOrders({ buyerId, merchantId: '', productId: '', status: 0, pageSize: -1, pageToken: '' }))).toEqual([
      ['page_size', 'OUT_OF_RANGE'],
    ]);
    expect(await reasonsOf(f.client.listOrders({ buyerId: '', merchantId: '', productId: '', status: 0, pageSize: 0, pageToken: '' }))).toEqual([
      ['buyer_id', 'REQUIRED'],
    ]);
    expect(await reasonsOf(f.client.listOrders({ buyerId, merchantId: '', productId: '', status: 99 as OrderStatus, pageSize: 0, pageToken: '' }))).toEqual([
      ['status', 'UNKNOWN_ENUM_VALUE'],
    ]);
  });
});

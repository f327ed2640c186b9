import { AfterSaleReason, AfterSaleStatus, AfterSaleType, type OrderStatus } from '@govern/contracts-consumer-experience';
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

  /**
   * `copies` more rows of `table`, copied in SQL from the row whose `key` is `id` and numbered g = 1, 2, …:
   * the key becomes `<id>-<g>`, and `overrides` give columns as SQL over the source row `s` and `g`
   * (`values` bind $2, $3, … for them). Then the table is analysed, as a table of that size would be.
   */
  const copyRow = async (
    db: pg.Client,
    copy: { table: string; key: string; id: string; copies: number; overrides: Record<string, string>; values?: unknown[] },
  ): Promise<void> => {
    const { rows: columns } = await db.query<{ name: string }>(
      `SELECT column_name AS name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
      [copy.table],
    );
    const names = columns.map((c) => c.name);
    const select = names.map((name) => (name === copy.key ? `s.${name} || '-' || g` : (copy.overrides[name] ?? `s.${name}`)));
    await db.query(
      `INSERT INTO ${copy.table} (${names.join(', ')}) SELECT ${select.join(', ')} FROM ${copy.table} s, generate_series(1, ${copy.copies}) AS g WHERE s.${copy.key} = $1`,
      [copy.id, ...(copy.values ?? [])],
    );
    await db.query(`ANALYZE ${copy.table}`);
  };

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
      await copyRow(db, { table: 'orders', key: 'order_id', id: template, copies: 3_000, overrides: { paid_at: `s.paid_at - g * interval '1 minute'` } });

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

  it('a merchant\'s after-sales in a status it rarely has are read from their own index, not by walking all of the merchant\'s', async () => {
    const merchantId = f.id('merchant-disputes');
    const buyerId = f.id('buyer');
    const orderId = await f.recordOrder({ merchantId, buyerId, paidAt: new Date(f.clock.now().getTime() - HOUR) });
    const requested = await f.client.requestAfterSale({
      requestId: f.id('req'),
      orderId,
      buyerId,
      type: AfterSaleType.AFTER_SALE_TYPE_REFUND_ONLY,
      reason: AfterSaleReason.AFTER_SALE_REASON_NOT_WANTED_BEFORE_DISPATCH,
      amountFen: 1_000n,
      description: 'changed my mind',
      evidenceRefs: [],
      goodsUnsealed: false,
    });
    const template = requested.afterSale?.afterSaleId ?? '';
    expect(requested.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED);
    // 3,000 more after-sales of the merchant, a minute apart, copied in SQL; three of the oldest in dispute.
    const disputed = [2_990, 2_995, 3_000];
    const db = new pg.Client({ connectionString: f.sut.database.url });
    await db.connect();
    try {
      await copyRow(db, {
        table: 'after_sales',
        key: 'after_sale_id',
        id: template,
        copies: 3_000,
        overrides: { created_at: `s.created_at - g * interval '1 minute'`, status: `CASE WHEN g = ANY($2::int[]) THEN 'IN_DISPUTE' ELSE s.status END` },
        values: [disputed],
      });

      const pages: string[][] = [];
      let pageToken = '';
      const statements = await statementsSentBy(async () => {
        do {
          const answer = await f.client.listAfterSales({ orderId: '', buyerId: '', merchantId, status: AfterSaleStatus.AFTER_SALE_STATUS_IN_DISPUTE, pageSize: 2, pageToken });
          pages.push(answer.afterSales.map((a) => a.afterSaleId));
          pageToken = answer.nextPageToken;
        } while (pageToken !== '' && pages.length < 5);
      });
      expect(pages).toEqual([[`${template}-2990`, `${template}-2995`], [`${template}-3000`]]);

      // The first page's statement as Prisma sent it, planned and run again on its values.
      const sent = statements.find((statement) => /FROM "\w+"\."after_sales"/.test(statement.text) && statement.values.includes(merchantId));
      expect(sent?.text).toBeDefined();
      const nodes = await explainNodes(db, sent?.text ?? '', sent?.values);
      expect(nodes.some((node) => node['Index Name'] === 'after_sales_merchant_id_status_created_at_after_sale_id_idx')).toBe(true);
      // Walking the merchant's after-sales back by time drops the 2,990 newer ones not in dispute.
      expect(nodes.reduce((sum, node) => sum + (node['Rows Removed by Filter'] ?? 0), 0)).toBeLessThan(10);
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

import type { AfterSaleRow, OrderRow } from '@govern/consumer-experience-data-access';
import { rowFromSql, sql, type Sql, type SqlStatement } from '@govern/platform-db';
import { notFound } from '@govern/policy-core';

/**
 * Row locks and set-based reads in plain SQL; a row read here has the model's shape
 * (`rowFromSql`, platform-db).
 */

/**
 * A read sent ahead of need (pipelined behind a lock, awaited later) may never be awaited: the unit
 * returned early, or an earlier statement failed and the unit is unwinding. Its failure then belongs
 * to the unit (the transaction fails and rolls back), never to an unhandled rejection, which would
 * stop the process. Returns the same promise.
 */
export const sentAhead = <T>(read: Promise<T>): Promise<T> => {
  read.catch(() => undefined);
  return read;
};

/**
 * Locks one order (its payout record) for the rest of the transaction. Every mutation that
 * reads an order's totals to decide a payment takes this lock first, so concurrent requests on
 * one order run one after the other and each sees what the previous one paid.
 */
export const lockOrder = async (db: Sql, orderId: string): Promise<OrderRow> => {
  const [row] = await db.query(sql`SELECT * FROM orders WHERE order_id = ${orderId} FOR UPDATE`);
  if (!row) throw notFound('ORDER.NOT_FOUND', `Unknown order ${orderId}`, { order_id: orderId });
  return rowFromSql<OrderRow>(row);
};

/**
 * Locks the first `limit` orders matching `where`, in order_id order: one chunk of a cascade. Every
 * multi-order lock takes its rows in order_id order, so two cascades cannot deadlock on each other.
 */
export const lockOrderChunk = async (db: Sql, where: SqlStatement, limit: number): Promise<OrderRow[]> => {
  const rows = await db.query(sql`SELECT * FROM orders WHERE ${where} ORDER BY order_id LIMIT ${Math.max(1, Math.floor(limit))} FOR UPDATE`);
  return rows.map((row) => rowFromSql<OrderRow>(row));
};

export const afterSalesWhere = async (db: Sql, where: SqlStatement): Promise<AfterSaleRow[]> => {
  const rows = await db.query(sql`SELECT * FROM after_sales WHERE ${where} ORDER BY after_sale_id`);
  return rows.map((row) => rowFromSql<AfterSaleRow>(row));
};

/** Who an order is between and what it bought: what a buyer's contact or complaint is checked against. */
export type OrderParties = Pick<OrderRow, 'orderId' | 'buyerId' | 'merchantId' | 'productId' | 'contentId' | 'newBuyer'>;

/** Reads an order's parties in plain SQL (one pipelined statement, no lock: contacts and complaints do not change the order). */
export const orderParties = async (db: Sql, orderId: string): Promise<OrderParties | undefined> => {
  const [row] = await db.query(sql`SELECT order_id, buyer_id, merchant_id, product_id, content_id, new_buyer FROM orders WHERE order_id = ${orderId}`);
  return row ? rowFromSql<OrderParties>(row) : undefined;
};

/**
 * A row a statement returned as JSON (`to_jsonb(row)`, one element of a `jsonb_agg`: a child row
 * read in its parent's statement) in the model's shape. JSON has neither bigint nor Date: the
 * statement sends the bigint columns as text (exact, where a JSON number would round past 2^53),
 * and the named timestamp columns come as ISO strings; both are turned back here. Every other column
 * (text, boolean, integer, jsonb) is as node-postgres would give it.
 */
export const rowFromJson = <T>(json: Record<string, unknown>, types: { bigints: readonly string[]; dates: readonly string[] }): T => {
  const row: Record<string, unknown> = { ...json };
  for (const column of types.bigints) if (row[column] !== null && row[column] !== undefined) row[column] = BigInt(row[column] as string);
  for (const column of types.dates) if (row[column] !== null && row[column] !== undefined) row[column] = new Date(row[column] as string);
  return rowFromSql<T>(row);
};

/** The bigint and timestamp columns of the child rows read as JSON (see rowFromJson). */
export const JSON_COLUMNS = {
  afterSaleChanges: { bigints: ['id'], dates: ['changed_at'] },
  refunds: { bigints: ['amount_fen'], dates: ['issued_at'] },
  shipments: { bigints: ['shipping_fee_fen'], dates: ['shipped_at', 'first_scan_due_at', 'first_scan_at', 'pickup_at', 'delivered_at', 'created_at'] },
} as const;

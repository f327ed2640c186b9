import type { AfterSaleRow, OrderRow } from '@govern/consumer-experience-data-access';
import { rowFromSql, sql, type Sql, type SqlStatement } from '@govern/platform-db';
import { notFound } from '@govern/policy-core';

/**
 * Row locks and set-based reads in plain SQL; a row read here has the model's shape
 * (`rowFromSql`, platform-db).
 */

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

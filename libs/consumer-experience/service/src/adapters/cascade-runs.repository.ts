import type { Prisma } from '@govern/consumer-experience-data-access';
import { sql, type Sql, rowFromSql } from '@govern/platform-db';

/**
 * The run rows of cascades (one per lab result, one per removal): locked at the start of each chunk,
 * advanced at its end. They are the cascades' cursors, so a restart resumes where a chunk stopped.
 */
export interface InspectionRun {
  resultId: string;
  productId: string;
  merchantId: string;
  reportRef: string;
  failedAt: Date;
  paidSince: Date;
  reasons: Prisma.JsonValue;
  lastOrderId: string | null;
  chunks: number;
  completedAt: Date | null;
}

export interface RemovalRun {
  removalId: string;
  merchantId: string;
  lastOrderId: string | null;
  chunks: number;
  completedAt: Date | null;
}

export const lockInspectionRun = async (db: Sql, resultId: string): Promise<InspectionRun | undefined> => {
  const [row] = await db.query(sql`SELECT * FROM inspection_compensation_runs WHERE result_id = ${resultId} FOR UPDATE`);
  return row ? rowFromSql<InspectionRun>(row) : undefined;
};

export const advanceInspectionRun = (
  db: Sql,
  resultId: string,
  chunk: { lastOrderId: string | null; orders: number; compensatedFen: bigint; completedAt: Date | null },
): void => {
  db.send(sql`
    UPDATE inspection_compensation_runs
       SET last_order_id = coalesce(${chunk.lastOrderId}::text, last_order_id), chunks = chunks + 1,
           orders_compensated = orders_compensated + ${chunk.orders}::int, compensated_fen = compensated_fen + ${chunk.compensatedFen}::bigint,
           completed_at = ${chunk.completedAt}::timestamptz
     WHERE result_id = ${resultId}`);
};

export const lockRemovalRun = async (db: Sql, removalId: string): Promise<RemovalRun | undefined> => {
  const [row] = await db.query(sql`SELECT * FROM merchant_removal_runs WHERE removal_id = ${removalId} FOR UPDATE`);
  return row ? rowFromSql<RemovalRun>(row) : undefined;
};

export const advanceRemovalRun = (
  db: Sql,
  removalId: string,
  chunk: { lastOrderId: string | null; ordersRefunded: number; afterSalesProtected: number; completedAt: Date | null },
): void => {
  db.send(sql`
    UPDATE merchant_removal_runs
       SET last_order_id = coalesce(${chunk.lastOrderId}::text, last_order_id), chunks = chunks + 1,
           orders_refunded = orders_refunded + ${chunk.ordersRefunded}::int, after_sales_protected = after_sales_protected + ${chunk.afterSalesProtected}::int,
           completed_at = ${chunk.completedAt}::timestamptz
     WHERE removal_id = ${removalId}`);
};

/** Adds a reason to the promise record of these orders (why they were paid back). */
export const appendOrderReasons = (db: Sql, orderIds: readonly string[], reasons: Prisma.InputJsonValue): void => {
  if (orderIds.length === 0) return;
  db.send(sql`UPDATE orders SET promise_reasons = promise_reasons || ${JSON.stringify(reasons)}::jsonb WHERE order_id = ANY(${[...orderIds]}::text[])`);
};

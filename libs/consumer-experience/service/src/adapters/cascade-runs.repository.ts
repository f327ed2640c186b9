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

/**
 * Starts the run of a lab result: true when this call recorded it, false when a run of the result
 * exists (an earlier event announced it). One statement instead of a read and a create, and a
 * concurrent start of the same result waits for the other's commit and then finds it taken.
 */
export const startInspectionRun = async (
  db: Sql,
  run: { resultId: string; eventId: string; productId: string; merchantId: string; reportRef: string; failedAt: Date; paidSince: Date; reasons: Prisma.InputJsonValue; startedAt: Date },
): Promise<boolean> =>
  (await db.execute(sql`
    INSERT INTO inspection_compensation_runs (result_id, event_id, product_id, merchant_id, report_ref, failed_at, paid_since, reasons, orders_compensated, compensated_fen, started_at)
    VALUES (${run.resultId}, ${run.eventId}, ${run.productId}, ${run.merchantId}, ${run.reportRef}, ${run.failedAt}::timestamptz, ${run.paidSince}::timestamptz,
            ${JSON.stringify(run.reasons)}::jsonb, 0, 0, ${run.startedAt}::timestamptz)
    ON CONFLICT (result_id) DO NOTHING`)) > 0;

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

/** Starts the protection run of a removal: true when this call recorded it, false when it exists (as startInspectionRun). */
export const startRemovalRun = async (db: Sql, run: { removalId: string; merchantId: string; eventId: string; startedAt: Date }): Promise<boolean> =>
  (await db.execute(sql`
    INSERT INTO merchant_removal_runs (removal_id, merchant_id, event_id, orders_refunded, after_sales_protected, started_at)
    VALUES (${run.removalId}, ${run.merchantId}, ${run.eventId}, 0, 0, ${run.startedAt}::timestamptz)
    ON CONFLICT (removal_id) DO NOTHING`)) > 0;

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

import type { AfterSaleRow, OrderRow } from '@govern/consumer-experience-data-access';
import { sql, type Sql } from '@govern/platform-db';
import type { InspectionRun, RemovalRun } from './cascade-runs.repository';
import { afterSalesWhere, lockOrderChunk } from './sql-rows';

/**
 * The set-based reads of cascades and after-sale settlement, in plain SQL: each chunk locks its
 * orders in order_id order after the run's cursor (`last_order_id`), so a restart resumes where a
 * chunk stopped and two cascades cannot deadlock on each other.
 */

/** The next orders a failed inspection pays back: the product's buyers in the window before the failure, not yet refunded in full. */
export const lockInspectionChunk = (db: Sql, run: InspectionRun, size: number): Promise<OrderRow[]> =>
  lockOrderChunk(
    db,
    sql`product_id = ${run.productId} AND paid_at >= ${run.paidSince}::timestamptz AND paid_at <= ${run.failedAt}::timestamptz
        AND refunded_fen < amount_fen AND (${run.lastOrderId}::text IS NULL OR order_id > ${run.lastOrderId}::text)`,
    size,
  );

/** The next orders of a removed merchant to protect: undispatched ones, and those with an after-sale in `openStatuses`. */
export const lockRemovalChunk = (db: Sql, run: RemovalRun, openStatuses: readonly string[], size: number): Promise<OrderRow[]> =>
  lockOrderChunk(
    db,
    sql`merchant_id = ${run.merchantId} AND (${run.lastOrderId}::text IS NULL OR order_id > ${run.lastOrderId}::text)
        AND ((shipped_at IS NULL AND status = 'PAID')
             OR order_id IN (SELECT order_id FROM after_sales WHERE merchant_id = ${run.merchantId} AND status = ANY(${[...openStatuses]}::text[])))`,
    size,
  );

/** The after-sales of these orders whose status is one of `statuses`. */
export const afterSalesOfOrders = (db: Sql, orderIds: readonly string[], statuses: readonly string[]): Promise<AfterSaleRow[]> =>
  orderIds.length === 0 ? Promise.resolve([]) : afterSalesWhere(db, sql`order_id = ANY(${[...orderIds]}::text[]) AND status = ANY(${[...statuses]}::text[])`);

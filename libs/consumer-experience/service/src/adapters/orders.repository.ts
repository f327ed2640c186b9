import type { OrderRow, Prisma, ReviewRow, ShipmentRow } from '@govern/consumer-experience-data-access';
import type { OrderIdentity } from '@govern/consumer-experience-domain';
import { isNotNullViolation, isUniqueViolation, rowFromSql, sql, type Sql } from '@govern/platform-db';
import { JSON_COLUMNS, rowFromJson } from './sql-rows';

/**
 * Order intake in plain SQL: RecordOrder is a hot path (every order of the platform), and Prisma's
 * model API costs about 0.35 ms of CPU per call against 0.02 ms for a plain statement here (see
 * libs/platform/runtime/bench/transaction-paths.bench.ts), with one round trip per call.
 */
export interface NewOrder extends OrderIdentity {
  contentId: string | null;
  creatorId: string | null;
  amountFen: bigint;
  paidAt: Date;
  fulfilment: string;
  promisedDispatchAt: Date | null;
  dispatchDueAt: Date;
  returnExemptions: Prisma.InputJsonValue;
  promiseReasons: Prisma.InputJsonValue;
  promisePolicyName: string;
  promisePolicyVersion: string;
  /** A new buyer's order (issue 19), and the care policy version that said so; null when not new. */
  newBuyer: boolean;
  newBuyerPolicyVersion: string | null;
  now: Date;
}

/** Why an order was not recorded: its merchant was removed, or its order id is taken. */
export type OrderRefusal = 'MERCHANT_REMOVED' | 'ALREADY_RECORDED';

const isOrderIdTaken = (error: unknown): boolean => isUniqueViolation(error) && (error as { constraint?: string }).constraint === 'orders_pkey';

/**
 * Records a new paid order in one statement, sent without waiting: it leaves with the unit's
 * effects and COMMIT, so the call costs no round trip of its own (given the unit's
 * `withEffectsSql` as `db`, it is a CTE of the effects statement, not a statement of its own).
 * A removed merchant's order gets no order id (NULL, which the primary key refuses) and a taken order id violates the primary key
 * (a concurrent insert of the same id waits for the other to commit): either fails the statement,
 * and with it the unit, with what `refuse` makes of it. Returns the row as it will be stored (the
 * columns left to their defaults: not shipped, nothing refunded or compensated).
 */
export const insertOrder = (db: Pick<Sql, 'sendRefusing'>, order: NewOrder, refuse: (why: OrderRefusal) => Error): OrderRow => {
  const returnExemptions = JSON.stringify(order.returnExemptions);
  const promiseReasons = JSON.stringify(order.promiseReasons);
  db.sendRefusing(
    sql`
    INSERT INTO orders (order_id, buyer_id, merchant_id, product_id, sku_id, category_code, content_id, creator_id, amount_fen, paid_at,
                        fulfilment, promised_dispatch_at, dispatch_due_at, status, return_exemptions, promise_reasons,
                        promise_policy_name, promise_policy_version, new_buyer, new_buyer_policy_version, created_at, updated_at)
    SELECT CASE WHEN EXISTS (SELECT 1 FROM merchant_standings WHERE merchant_id = ${order.merchantId} AND status = 'REMOVED') THEN NULL ELSE ${order.orderId}::text END,
           ${order.buyerId}, ${order.merchantId}, ${order.productId}, ${order.skuId}, ${order.categoryCode},
           ${order.contentId}::text, ${order.creatorId}::text, ${order.amountFen}::bigint, ${order.paidAt}::timestamptz,
           ${order.fulfilment}, ${order.promisedDispatchAt}::timestamptz, ${order.dispatchDueAt}::timestamptz, 'PAID',
           ${returnExemptions}::jsonb, ${promiseReasons}::jsonb,
           ${order.promisePolicyName}, ${order.promisePolicyVersion}, ${order.newBuyer}, ${order.newBuyerPolicyVersion}::text,
           ${order.now}::timestamptz, ${order.now}::timestamptz`,
    (error) =>
      isNotNullViolation(error, 'orders', 'order_id') ? refuse('MERCHANT_REMOVED') : isOrderIdTaken(error) ? refuse('ALREADY_RECORDED') : undefined,
  );
  const { now, ...columns } = order;
  return {
    ...columns,
    status: 'PAID',
    returnExemptions: JSON.parse(returnExemptions) as OrderRow['returnExemptions'],
    promiseReasons: JSON.parse(promiseReasons) as OrderRow['promiseReasons'],
    shippedAt: null,
    dispatchedOnTime: null,
    deliveredAt: null,
    fakeShipment: false,
    lateDispatch: false,
    lateDispatchAt: null,
    refundedFen: 0n,
    punitiveFen: 0n,
    lateDispatchFen: 0n,
    createdAt: now,
    updatedAt: now,
  };
};

/**
 * Marks a locked order shipped, sent without waiting (it leaves with the unit's effects and COMMIT).
 * Returns the columns as they will be stored.
 */
export const markOrderShipped = (
  db: Sql,
  change: { orderId: string; shippedAt: Date; dispatchedOnTime: boolean; promiseReasons: Prisma.InputJsonValue; now: Date },
): Pick<OrderRow, 'status' | 'shippedAt' | 'dispatchedOnTime' | 'promiseReasons' | 'updatedAt'> => {
  const promiseReasons = JSON.stringify(change.promiseReasons);
  db.send(sql`
    UPDATE orders SET status = 'SHIPPED', shipped_at = ${change.shippedAt}::timestamptz, dispatched_on_time = ${change.dispatchedOnTime},
                      promise_reasons = ${promiseReasons}::jsonb, updated_at = ${change.now}::timestamptz
     WHERE order_id = ${change.orderId}`);
  return {
    status: 'SHIPPED',
    shippedAt: change.shippedAt,
    dispatchedOnTime: change.dispatchedOnTime,
    promiseReasons: JSON.parse(promiseReasons) as OrderRow['promiseReasons'],
    updatedAt: change.now,
  };
};

/** Marks a locked order delivered (a shipped one moves to DELIVERED), sent without waiting; returns the columns as they will be stored. */
export const markOrderDelivered = (db: Sql, order: Pick<OrderRow, 'orderId' | 'status'>, deliveredAt: Date, now: Date): Pick<OrderRow, 'status' | 'deliveredAt' | 'updatedAt'> => {
  const status = order.status === 'SHIPPED' ? 'DELIVERED' : order.status;
  db.send(sql`UPDATE orders SET delivered_at = ${deliveredAt}::timestamptz, status = ${status}, updated_at = ${now}::timestamptz WHERE order_id = ${order.orderId}`);
  return { status, deliveredAt, updatedAt: now };
};

/** An order and its forward parcel (the parcel as JSON, see rowFromJson) in one statement; undefined for an unknown order. */
export const orderWithForwardShipment = async (db: Sql, orderId: string): Promise<{ order: OrderRow; forwardShipment: ShipmentRow | null } | undefined> => {
  const [row] = await db.query(sql`
    SELECT o.*,
           (SELECT to_jsonb(s) || jsonb_build_object('shipping_fee_fen', s.shipping_fee_fen::text)
              FROM shipments s WHERE s.order_id = o.order_id AND s.kind = 'FORWARD' LIMIT 1) AS view_forward_shipment
      FROM orders o WHERE o.order_id = ${orderId}`);
  if (!row) return undefined;
  const { view_forward_shipment: shipment, ...order } = row as Record<string, unknown> & { view_forward_shipment: Record<string, unknown> | null };
  return { order: rowFromSql<OrderRow>(order), forwardShipment: shipment ? rowFromJson<ShipmentRow>(shipment, JSON_COLUMNS.shipments) : null };
};

/** What recording a review found: the order's owner and whether it was delivered, and whether the review was added. */
export interface ReviewAttempt {
  order: Pick<OrderRow, 'orderId' | 'buyerId' | 'merchantId' | 'productId'> & { delivered: boolean };
  added: boolean;
}

/**
 * Reads the order and adds its review in one statement: the review is added only when the order is
 * the buyer's and was delivered, and not when one exists (a concurrent one makes this wait for its
 * commit, then find it). Undefined for an unknown order; otherwise what the caller needs to say why
 * nothing was added.
 */
export const addReview = async (
  db: Sql,
  review: Pick<ReviewRow, 'orderId' | 'buyerId' | 'rating' | 'text' | 'createdAt'>,
): Promise<ReviewAttempt | undefined> => {
  const [row] = await db.query<{ buyer_id: string; merchant_id: string; product_id: string; delivered: boolean; added: boolean }>(sql`
    WITH o AS (SELECT order_id, buyer_id, merchant_id, product_id, delivered_at FROM orders WHERE order_id = ${review.orderId}),
         added AS (
           INSERT INTO reviews (order_id, buyer_id, merchant_id, product_id, rating, text, created_at)
           SELECT order_id, buyer_id, merchant_id, product_id, ${review.rating}::int, ${review.text}, ${review.createdAt}::timestamptz
             FROM o WHERE buyer_id = ${review.buyerId} AND delivered_at IS NOT NULL
           ON CONFLICT (order_id) DO NOTHING
           RETURNING order_id)
    SELECT buyer_id, merchant_id, product_id, delivered_at IS NOT NULL AS delivered, EXISTS (SELECT 1 FROM added) AS added FROM o`);
  if (!row) return undefined;
  return {
    order: { orderId: review.orderId, buyerId: row.buyer_id, merchantId: row.merchant_id, productId: row.product_id, delivered: row.delivered },
    added: row.added,
  };
};

/** Marks a locked order's dispatch late, sent without waiting (it leaves with the unit's effects and COMMIT). */
export const markOrderLate = (db: Sql, change: { orderId: string; promiseReasons: Prisma.InputJsonValue; now: Date }): void => {
  db.send(sql`
    UPDATE orders SET late_dispatch = true, late_dispatch_at = ${change.now}::timestamptz, promise_reasons = ${JSON.stringify(change.promiseReasons)}::jsonb,
                      updated_at = ${change.now}::timestamptz
     WHERE order_id = ${change.orderId}`);
};

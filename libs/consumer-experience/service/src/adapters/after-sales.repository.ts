import type { AfterSaleChangeRow, AfterSaleRow, OrderRow, Prisma, RefundRow, ShipmentRow } from '@govern/consumer-experience-data-access';
import { OPEN_AFTER_SALE_STATUSES } from '@govern/consumer-experience-domain';
import { rowFromSql, sql, sqlJoin, sqlRaw, type Sql } from '@govern/platform-db';
import { notFound } from '@govern/policy-core';
import { JSON_COLUMNS, rowFromJson } from './sql-rows';

/**
 * After-sale rows in plain SQL: opening one (RequestAfterSale, the fast-refund hot path), each later
 * step (a merchant's answer, a dispute, the return parcel, the deadlines: locked, changed and read
 * back in few round trips) and the set-based status changes of cascades.
 */

const afterSaleNotFound = (afterSaleId: string) => notFound('AFTER_SALE.NOT_FOUND', `Unknown after-sale ${afterSaleId}`, { after_sale_id: afterSaleId });

/** An after-sale as the API shows it: the row, its audit trail, its refunds and its return parcel. */
export interface AfterSaleWithHistory {
  afterSale: AfterSaleRow;
  changes: AfterSaleChangeRow[];
  refunds: RefundRow[];
  returnShipment: ShipmentRow | null;
}

/**
 * The after-sale and what the API shows with it, in one statement (the children as JSON, see
 * rowFromJson) where reading them one relation at a time took four round trips.
 */
export const afterSaleWithHistory = async (db: Sql, afterSaleId: string): Promise<AfterSaleWithHistory> => {
  const [row] = await db.query(sql`
    SELECT a.*,
           (SELECT coalesce(jsonb_agg(to_jsonb(c) || jsonb_build_object('id', c.id::text) ORDER BY c.id), '[]'::jsonb)
              FROM after_sale_changes c WHERE c.after_sale_id = a.after_sale_id) AS view_changes,
           (SELECT coalesce(jsonb_agg(to_jsonb(r) || jsonb_build_object('amount_fen', r.amount_fen::text) ORDER BY r.issued_at), '[]'::jsonb)
              FROM refunds r WHERE r.after_sale_id = a.after_sale_id) AS view_refunds,
           (SELECT to_jsonb(s) || jsonb_build_object('shipping_fee_fen', s.shipping_fee_fen::text)
              FROM shipments s WHERE s.after_sale_id = a.after_sale_id AND s.kind = 'RETURN' LIMIT 1) AS view_return_shipment
      FROM after_sales a WHERE a.after_sale_id = ${afterSaleId}`);
  if (!row) throw afterSaleNotFound(afterSaleId);
  const { view_changes: changes, view_refunds: refunds, view_return_shipment: returnShipment, ...afterSale } = row as Record<string, unknown> & {
    view_changes: Record<string, unknown>[];
    view_refunds: Record<string, unknown>[];
    view_return_shipment: Record<string, unknown> | null;
  };
  return {
    afterSale: rowFromSql<AfterSaleRow>(afterSale),
    changes: changes.map((c) => rowFromJson<AfterSaleChangeRow>(c, JSON_COLUMNS.afterSaleChanges)),
    refunds: refunds.map((r) => rowFromJson<RefundRow>(r, JSON_COLUMNS.refunds)),
    returnShipment: returnShipment ? rowFromJson<ShipmentRow>(returnShipment, JSON_COLUMNS.shipments) : null,
  };
};

/**
 * Locks the order of an after-sale (its payout record, as every order step does) and reads the
 * after-sale as it stands under that lock: both statements leave in one write, and the after-sale's
 * read runs once the lock is granted, in a snapshot of its own (in the locking statement it would
 * see the after-sale as it was before the wait).
 */
export const lockAfterSale = async (db: Sql, afterSaleId: string): Promise<{ order: OrderRow; afterSale: AfterSaleRow }> => {
  const locking = db.query(sql`SELECT * FROM orders WHERE order_id = (SELECT order_id FROM after_sales WHERE after_sale_id = ${afterSaleId}) FOR UPDATE`);
  const reading = db.query(sql`SELECT * FROM after_sales WHERE after_sale_id = ${afterSaleId}`);
  const [order] = await locking;
  const [afterSale] = await reading;
  if (!order || !afterSale) throw afterSaleNotFound(afterSaleId);
  return { order: rowFromSql<OrderRow>(order), afterSale: rowFromSql<AfterSaleRow>(afterSale) };
};

/** One after-sale as it stands (no lock), or undefined. */
export const afterSaleById = async (db: Sql, afterSaleId: string): Promise<AfterSaleRow | undefined> => {
  const [row] = await db.query(sql`SELECT * FROM after_sales WHERE after_sale_id = ${afterSaleId}`);
  return row ? rowFromSql<AfterSaleRow>(row) : undefined;
};

const JSON_FIELDS = new Set<string>(['evidenceRefs', 'reasons', 'fastRefundReasons', 'merchantEvidenceRefs', 'disputeEvidenceRefs', 'disputeReasons', 'insuranceReasons', 'returnFeeReasons']);
type JsonField = 'evidenceRefs' | 'reasons' | 'fastRefundReasons' | 'merchantEvidenceRefs' | 'disputeEvidenceRefs' | 'disputeReasons' | 'insuranceReasons' | 'returnFeeReasons';

/** Columns a step sets on an after-sale besides its status (JSON columns as they are written). */
export type AfterSalePatch = {
  [K in Exclude<keyof AfterSaleRow, 'afterSaleId' | 'orderId' | 'status' | 'updatedAt'>]?: K extends JsonField ? Prisma.InputJsonValue : AfterSaleRow[K];
};

const columnOf = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * Sets an after-sale's columns, sent without waiting (it leaves with the unit's next statement or
 * COMMIT). The column list is the caller's fixed set of fields, so the statement texts are few.
 */
export const updateAfterSale = (db: Pick<Sql, 'send'>, afterSaleId: string, patch: AfterSalePatch & { status?: string }, at: Date): void => {
  const sets = Object.entries(patch)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => (JSON_FIELDS.has(field) ? sql`${sqlRaw(columnOf(field))} = ${JSON.stringify(value)}::jsonb` : sql`${sqlRaw(columnOf(field))} = ${value}`));
  db.send(sql`UPDATE after_sales SET ${sqlJoin([...sets, sql`updated_at = ${at}::timestamptz`], ', ')} WHERE after_sale_id = ${afterSaleId}`);
};

/** What the fast-refund decision needs besides the order: read in one statement. */
export interface AfterSaleFacts {
  openAfterSaleId: string | null;
  buyerOrdersInWindow: number;
  buyerRefundsInWindow: number;
  forwardPickedUp: boolean;
  standing: string | null;
  storeScore: number | null;
}

/**
 * Send it right behind the order's lock (same round trip): PostgreSQL runs it after the lock is
 * granted, with a snapshot of its own, so it sees what concurrent requests on the order committed
 * before (their open after-sale, their refund). In one statement with the lock it would not: the
 * snapshot would be taken before the wait.
 */
export const afterSaleFacts = async (db: Sql, orderId: string, since: Date): Promise<AfterSaleFacts> => {
  const [row] = await db.query<{
    open_after_sale_id: string | null;
    buyer_orders: bigint;
    buyer_refunds: bigint;
    forward_picked_up: boolean;
    standing: string | null;
    store_score: number | null;
  }>(sql`
    WITH o AS (SELECT buyer_id, merchant_id FROM orders WHERE order_id = ${orderId})
    SELECT (SELECT after_sale_id FROM after_sales WHERE order_id = ${orderId} AND status = ANY(${[...OPEN_AFTER_SALE_STATUSES]}::text[]) LIMIT 1) AS open_after_sale_id,
           (SELECT count(*) FROM orders WHERE buyer_id = (SELECT buyer_id FROM o) AND paid_at >= ${since}::timestamptz) AS buyer_orders,
           (SELECT count(*) FROM refunds WHERE buyer_id = (SELECT buyer_id FROM o) AND issued_at >= ${since}::timestamptz) AS buyer_refunds,
           EXISTS (SELECT 1 FROM shipments WHERE order_id = ${orderId} AND kind = 'FORWARD' AND pickup_at IS NOT NULL) AS forward_picked_up,
           s.status AS standing, s.store_score
      FROM (SELECT 1) AS one LEFT JOIN merchant_standings s ON s.merchant_id = (SELECT merchant_id FROM o)`);
  return {
    openAfterSaleId: row?.open_after_sale_id ?? null,
    buyerOrdersInWindow: Number(row?.buyer_orders ?? 0n),
    buyerRefundsInWindow: Number(row?.buyer_refunds ?? 0n),
    forwardPickedUp: row?.forward_picked_up ?? false,
    standing: row?.standing ?? null,
    storeScore: row?.store_score ?? null,
  };
};

export type NewAfterSale = Pick<
  AfterSaleRow,
  | 'afterSaleId'
  | 'orderId'
  | 'buyerId'
  | 'merchantId'
  | 'type'
  | 'reason'
  | 'amountFen'
  | 'description'
  | 'goodsUnsealed'
  | 'buyerTrustScore'
  | 'status'
  | 'requestedBeforeDispatch'
  | 'qualityReturn'
  | 'policyName'
  | 'policyVersion'
  | 'fastRefundOutcome'
  | 'fastRefundFen'
  | 'fastRefundPolicyName'
  | 'fastRefundPolicyVersion'
  | 'fastRefundDecidedAt'
  | 'fastRefunded'
  | 'refundedFen'
  | 'merchantAnswerRequired'
  | 'merchantResponseDueAt'
  | 'createdAt'
> & { evidenceRefs: Prisma.InputJsonValue; reasons: Prisma.InputJsonValue; fastRefundReasons: Prisma.InputJsonValue };

/**
 * Inserts a new after-sale without waiting (it leaves with the unit's other writes and COMMIT) and
 * returns the row as stored: what the insert sets, and the columns' defaults for the rest (typed
 * as the model, so a new column must be given here too). A read-back would cost a round trip.
 */
export const insertAfterSale = (db: Sql, a: NewAfterSale): AfterSaleRow => {
  db.send(sql`
    INSERT INTO after_sales (after_sale_id, order_id, buyer_id, merchant_id, type, reason, amount_fen, description, evidence_refs,
                             goods_unsealed, buyer_trust_score, status, requested_before_dispatch, quality_return, reasons, policy_name,
                             policy_version, fast_refund_outcome, fast_refund_fen, fast_refund_reasons, fast_refund_policy_name,
                             fast_refund_policy_version, fast_refund_decided_at, fast_refunded, refunded_fen, merchant_answer_required,
                             merchant_response_due_at, created_at, updated_at)
    VALUES (${a.afterSaleId}, ${a.orderId}, ${a.buyerId}, ${a.merchantId}, ${a.type}, ${a.reason}, ${a.amountFen}, ${a.description},
            ${JSON.stringify(a.evidenceRefs)}::jsonb, ${a.goodsUnsealed}, ${a.buyerTrustScore}::int, ${a.status}, ${a.requestedBeforeDispatch},
            ${a.qualityReturn}, ${JSON.stringify(a.reasons)}::jsonb, ${a.policyName}, ${a.policyVersion}, ${a.fastRefundOutcome},
            ${a.fastRefundFen}, ${JSON.stringify(a.fastRefundReasons)}::jsonb, ${a.fastRefundPolicyName}, ${a.fastRefundPolicyVersion},
            ${a.fastRefundDecidedAt}::timestamptz, ${a.fastRefunded}, ${a.refundedFen}, ${a.merchantAnswerRequired},
            ${a.merchantResponseDueAt}::timestamptz, ${a.createdAt}::timestamptz, ${a.createdAt}::timestamptz)`);
  return {
    ...a,
    evidenceRefs: a.evidenceRefs as Prisma.JsonValue,
    reasons: a.reasons as Prisma.JsonValue,
    fastRefundReasons: a.fastRefundReasons as Prisma.JsonValue,
    merchantAnswer: null,
    merchantNote: null,
    merchantEvidenceRefs: [],
    merchantRespondedAt: null,
    escalatedBy: null,
    disputeStatement: null,
    disputeEvidenceRefs: [],
    escalatedAt: null,
    disputeOutcome: null,
    awardFen: null,
    disputeDecidedBy: null,
    disputeReasons: null,
    disputePolicyName: null,
    disputePolicyVersion: null,
    disputeDecidedAt: null,
    paymentDueAt: null,
    insuranceFen: null,
    insuranceReasons: null,
    insurancePolicyName: null,
    insurancePolicyVersion: null,
    insuranceSettledAt: null,
    returnFeeOwedFen: 0n,
    returnFeeReasons: null,
    returnFeePolicyName: null,
    returnFeePolicyVersion: null,
    returnFeeSettledAt: null,
    returnFeeSettledBy: null,
    returnFeeTransactionId: null,
    updatedAt: a.createdAt,
  };
};

export interface StatusChange {
  afterSaleId: string;
  status: string;
  /** The audit row's reasons, as stored (reasonsToJson). */
  reasons: Prisma.InputJsonValue;
  policyName: string;
  policyVersion: string;
}

/** One audit row per change, in order (their ids keep the order). */
export const insertStatusChanges = (db: Pick<Sql, 'send'>, changes: readonly StatusChange[], at: Date): void => {
  if (changes.length === 0) return;
  db.send(sql`
    INSERT INTO after_sale_changes (after_sale_id, status, reasons, policy_name, policy_version, changed_at)
    SELECT u.id, u.status, u.reasons::jsonb, u.policy_name, u.policy_version, ${at}::timestamptz
      FROM unnest(${changes.map((c) => c.afterSaleId)}::text[], ${changes.map((c) => c.status)}::text[],
                  ${changes.map((c) => JSON.stringify(c.reasons))}::text[], ${changes.map((c) => c.policyName)}::text[],
                  ${changes.map((c) => c.policyVersion)}::text[]) WITH ORDINALITY AS u(id, status, reasons, policy_name, policy_version, n)
     ORDER BY u.n`);
};

/** New statuses and their audit rows, for any number of after-sales, in two statements sent together. */
export const recordStatusChanges = (db: Sql, changes: readonly StatusChange[], at: Date): void => {
  if (changes.length === 0) return;
  db.send(sql`
    UPDATE after_sales SET status = u.status, updated_at = ${at}::timestamptz
      FROM unnest(${changes.map((c) => c.afterSaleId)}::text[], ${changes.map((c) => c.status)}::text[]) AS u(id, status)
     WHERE after_sales.after_sale_id = u.id`);
  insertStatusChanges(db, changes, at);
};

import type { CompensationRow, MerchantDepositRow, RefundRow } from '@govern/consumer-experience-data-access';
import { sql, type Sql, rowFromSql } from '@govern/platform-db';

/**
 * The money desk's rows (refunds, compensations, order totals, deposits) in set-based statements:
 * one statement per table whatever the number of payments (a cascade pays thousands), sent without
 * waiting so they leave with the unit's other writes and COMMIT.
 */

/** After-sales of these orders that were refunded already (an after-sale is refunded at most once). */
export const refundedAfterSales = (db: Sql, orderIds: readonly string[]): Promise<{ order_id: string; after_sale_id: string }[]> =>
  db.query(sql`SELECT order_id, after_sale_id FROM refunds WHERE order_id = ANY(${[...orderIds]}::text[]) AND after_sale_id IS NOT NULL`);

export const insertRefunds = (db: Sql, refunds: readonly RefundRow[]): void => {
  if (refunds.length === 0) return;
  db.send(sql`
    INSERT INTO refunds (refund_id, order_id, after_sale_id, buyer_id, amount_fen, fast, source, compensation_id, ledger_transaction_id, issued_at)
    SELECT * FROM unnest(${refunds.map((r) => r.refundId)}::text[], ${refunds.map((r) => r.orderId)}::text[], ${refunds.map((r) => r.afterSaleId)}::text[],
                         ${refunds.map((r) => r.buyerId)}::text[], ${refunds.map((r) => r.amountFen)}::bigint[], ${refunds.map((r) => r.fast)}::boolean[],
                         ${refunds.map((r) => r.source)}::text[], ${refunds.map((r) => r.compensationId)}::text[],
                         ${refunds.map((r) => r.ledgerTransactionId)}::text[], ${refunds.map((r) => r.issuedAt)}::timestamptz[])`);
};

export const insertCompensations = (db: Sql, compensations: readonly CompensationRow[]): void => {
  if (compensations.length === 0) return;
  const column = <K extends keyof CompensationRow>(key: K) => compensations.map((c) => c[key]);
  db.send(sql`
    INSERT INTO compensations (compensation_id, order_id, after_sale_id, buyer_id, merchant_id, product_id, cause, amount_fen, recovered_fen,
                               outstanding_fen, top_up_requested, reasons, policy_name, policy_version, ledger_transaction_id, triggered_by,
                               evidence_ref, note, paid_at)
    SELECT c.id, c.order_id, c.after_sale_id, c.buyer_id, c.merchant_id, c.product_id, c.cause, c.amount, c.recovered, c.outstanding, c.top_up,
           c.reasons::jsonb, c.policy_name, c.policy_version, c.ledger_tx, c.triggered_by, c.evidence_ref, c.note, c.paid_at
      FROM unnest(${column('compensationId')}::text[], ${column('orderId')}::text[], ${column('afterSaleId')}::text[], ${column('buyerId')}::text[],
                  ${column('merchantId')}::text[], ${column('productId')}::text[], ${column('cause')}::text[], ${column('amountFen')}::bigint[],
                  ${column('recoveredFen')}::bigint[], ${column('outstandingFen')}::bigint[], ${column('topUpRequested')}::boolean[],
                  ${compensations.map((c) => JSON.stringify(c.reasons))}::text[], ${column('policyName')}::text[], ${column('policyVersion')}::text[],
                  ${column('ledgerTransactionId')}::text[], ${column('triggeredBy')}::text[], ${column('evidenceRef')}::text[], ${column('note')}::text[],
                  ${column('paidAt')}::timestamptz[])
           AS c(id, order_id, after_sale_id, buyer_id, merchant_id, product_id, cause, amount, recovered, outstanding, top_up, reasons,
                policy_name, policy_version, ledger_tx, triggered_by, evidence_ref, note, paid_at)`);
};

export interface OrderTotals {
  orderId: string;
  refundedFen: bigint;
  punitiveFen: bigint;
  lateDispatchFen: bigint;
  status: string;
}

export const updateOrderTotals = (db: Sql, totals: readonly OrderTotals[], at: Date): void => {
  if (totals.length === 0) return;
  db.send(sql`
    UPDATE orders SET refunded_fen = u.refunded, punitive_fen = u.punitive, late_dispatch_fen = u.late, status = u.status, updated_at = ${at}::timestamptz
      FROM unnest(${totals.map((t) => t.orderId)}::text[], ${totals.map((t) => t.refundedFen)}::bigint[], ${totals.map((t) => t.punitiveFen)}::bigint[],
                  ${totals.map((t) => t.lateDispatchFen)}::bigint[], ${totals.map((t) => t.status)}::text[]) AS u(order_id, refunded, punitive, late, status)
     WHERE orders.order_id = u.order_id`);
};

/** Refunds paid on existing after-sales: added to their totals. */
export const addAfterSaleRefunds = (db: Sql, refunds: ReadonlyMap<string, { amountFen: bigint; fast: boolean }>, at: Date): void => {
  if (refunds.size === 0) return;
  const ids = [...refunds.keys()];
  db.send(sql`
    UPDATE after_sales SET refunded_fen = after_sales.refunded_fen + u.amount, fast_refunded = after_sales.fast_refunded OR u.fast, updated_at = ${at}::timestamptz
      FROM unnest(${ids}::text[], ${ids.map((id) => refunds.get(id)?.amountFen ?? 0n)}::bigint[], ${ids.map((id) => refunds.get(id)?.fast ?? false)}::boolean[])
           AS u(id, amount, fast)
     WHERE after_sales.after_sale_id = u.id`);
};

/**
 * Locks the deposits of these merchants, creating missing ones at `defaultMinimumFen` (the insert
 * and the lock go out together), in merchant_id order.
 */
export const lockDeposits = async (db: Sql, merchantIds: readonly string[], defaultMinimumFen: bigint, at: Date): Promise<MerchantDepositRow[]> => {
  db.send(sql`
    INSERT INTO merchant_deposits (merchant_id, balance_fen, minimum_fen, owed_fen, top_up_requested, top_up_requested_fen, updated_at)
    SELECT id, 0, ${defaultMinimumFen}::bigint, 0, false, 0, ${at}::timestamptz FROM unnest(${[...merchantIds]}::text[]) AS id
    ON CONFLICT (merchant_id) DO NOTHING`);
  const rows = await db.query(sql`SELECT * FROM merchant_deposits WHERE merchant_id = ANY(${[...merchantIds]}::text[]) ORDER BY merchant_id FOR UPDATE`);
  return rows.map((row) => rowFromSql<MerchantDepositRow>(row));
};

export const updateDeposits = (db: Sql, deposits: readonly MerchantDepositRow[], at: Date): void => {
  if (deposits.length === 0) return;
  db.send(sql`
    UPDATE merchant_deposits
       SET balance_fen = u.balance, owed_fen = u.owed, minimum_fen = u.minimum, top_up_requested = u.requested, top_up_requested_fen = u.requested_fen,
           updated_at = ${at}::timestamptz
      FROM unnest(${deposits.map((d) => d.merchantId)}::text[], ${deposits.map((d) => d.balanceFen)}::bigint[], ${deposits.map((d) => d.owedFen)}::bigint[],
                  ${deposits.map((d) => d.minimumFen)}::bigint[], ${deposits.map((d) => d.topUpRequested)}::boolean[],
                  ${deposits.map((d) => d.topUpRequestedFen)}::bigint[]) AS u(merchant_id, balance, owed, minimum, requested, requested_fen)
     WHERE merchant_deposits.merchant_id = u.merchant_id`);
};

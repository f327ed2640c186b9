import {
  contentAttributionFromCounts,
  governanceStatsFromCounts,
  merchantServiceMetricsFromCounts,
  METRICS_POLICY,
  PROMISE_POLICY,
  type ComplaintTargetType,
  type ContentAttributionStats,
  type GovernanceStats,
  type MerchantServiceMetrics,
  type ProductServiceStats,
  type Window,
} from '@govern/consumer-experience-domain';
import { sql, type Sql, type SqlStatement } from '@govern/platform-db';

/**
 * Service figures aggregated in SQL, counting exactly what the domain's fact-based functions count
 * (`merchantServiceMetrics`, `contentAttributionStats`, `productServiceStats`, `governanceStats`:
 * windows half-open, clocks judged only once run out by `now`), with the rates derived by the
 * domain from the counts. One statement per figure set, whatever the number of orders. Values are
 * named where they are used (the `sql` tag binds each as a parameter), fragments shared by the
 * merchant and governance figures are `sql` fragments too.
 */

/** Orders whose dispatch deadline can fall in [start, end) were paid at most this long before start. */
const DUE_LOOKBACK_MS = PROMISE_POLICY.preSaleMaxDispatchMs;

/** The bounds every figure is counted within: the window (half-open) and the clock that judges deadlines. */
interface Bounds {
  start: SqlStatement;
  end: SqlStatement;
  now: SqlStatement;
}

const boundsOf = (window: Window, now: Date): Bounds => ({
  start: sql`${window.start}::timestamptz`,
  end: sql`${window.end}::timestamptz`,
  now: sql`${now}::timestamptz`,
});

const orderFigures = ({ start, end, now }: Bounds) => sql`
  count(*) FILTER (WHERE o.paid_at >= ${start} AND o.paid_at < ${end}) AS orders,
  count(*) FILTER (WHERE o.paid_at >= ${start} AND o.paid_at < ${end} AND o.fulfilment = 'PRE_SALE') AS pre_sale_orders,
  count(*) FILTER (WHERE o.due_in AND o.settled AND o.fulfilment = 'IN_STOCK') AS in_stock_due,
  count(*) FILTER (WHERE o.due_in AND o.settled AND o.fulfilment = 'IN_STOCK' AND o.shipped_at IS NOT NULL
                     AND o.shipped_at <= o.paid_at + make_interval(secs => ${PROMISE_POLICY.inStockDispatchWithinMs}::double precision / 1000)) AS within_48h,
  count(*) FILTER (WHERE o.due_in AND o.dispatch_due_at <= ${now} AND NOT (o.shipped_at IS NOT NULL AND o.shipped_at <= o.dispatch_due_at)) AS late,
  count(*) FILTER (WHERE o.fake_shipment AND o.shipped_at >= ${start} AND o.shipped_at < ${end}) AS fake`;

const ordersInScope = (filter: SqlStatement, { start, end, now }: Bounds) => sql`
  SELECT orders.*,
         -- Cancelled orders (paid back in full, never shipped, not found late) have no dispatch to judge.
         (dispatch_due_at >= ${start} AND dispatch_due_at < ${end} AND NOT (status = 'REFUNDED' AND shipped_at IS NULL AND NOT late_dispatch)) AS due_in,
         (shipped_at IS NOT NULL OR dispatch_due_at <= ${now}) AS settled
    FROM orders
   WHERE ${filter}
     AND ((paid_at >= ${start} - make_interval(secs => ${DUE_LOOKBACK_MS}::double precision / 1000) AND paid_at < ${end})
          OR (shipped_at >= ${start} AND shipped_at < ${end}))`;

interface OrderFigures {
  orders: bigint;
  pre_sale_orders: bigint;
  in_stock_due: bigint;
  within_48h: bigint;
  late: bigint;
  fake: bigint;
}

const n = (value: bigint | number | null | undefined): number => Number(value ?? 0);

export const merchantMetrics = async (db: Sql, merchantId: string, window: Window, now: Date): Promise<MerchantServiceMetrics> => {
  const b = boundsOf(window, now);
  const [row] = await db.query<OrderFigures & {
      after_sales: bigint;
      response_minutes: number;
      responses: bigint;
      disputes: bigint;
      disputes_lost: bigint;
      quality_returns: bigint;
      complaints: bigint;
      positive_reviews: bigint;
      negative_reviews: bigint;
    }>(
    sql`WITH o AS (${ordersInScope(sql`merchant_id = ${merchantId}`, b)}),
          order_figures AS (SELECT ${orderFigures(b)} FROM o),
          a AS (SELECT * FROM after_sales WHERE merchant_id = ${merchantId} AND created_at >= ${b.start} AND created_at < ${b.end}),
          after_sale_figures AS (
            SELECT count(*) AS after_sales,
                   coalesce(sum(CASE WHEN merchant_answer_required AND merchant_responded_at IS NOT NULL
                                       THEN extract(epoch FROM merchant_responded_at - created_at)
                                     WHEN merchant_answer_required AND merchant_response_due_at <= ${b.now}
                                       THEN extract(epoch FROM merchant_response_due_at - created_at) END), 0)::double precision / 60 AS response_minutes,
                   count(*) FILTER (WHERE merchant_answer_required AND (merchant_responded_at IS NOT NULL OR merchant_response_due_at <= ${b.now})) AS responses,
                   count(*) FILTER (WHERE escalated_at IS NOT NULL) AS disputes,
                   count(*) FILTER (WHERE dispute_outcome IN ('BUYER_FAVOURED', 'PARTIAL')) AS disputes_lost,
                   count(*) FILTER (WHERE quality_return) AS quality_returns
              FROM a)
     SELECT order_figures.*, after_sale_figures.*,
            (SELECT count(*) FROM complaints WHERE merchant_id = ${merchantId} AND created_at >= ${b.start} AND created_at < ${b.end}) AS complaints,
            (SELECT count(*) FROM reviews WHERE merchant_id = ${merchantId} AND created_at >= ${b.start} AND created_at < ${b.end} AND rating >= ${METRICS_POLICY.positiveRatingAtLeast}::int) AS positive_reviews,
            (SELECT count(*) FROM reviews WHERE merchant_id = ${merchantId} AND created_at >= ${b.start} AND created_at < ${b.end} AND rating <= ${METRICS_POLICY.negativeRatingAtMost}::int) AS negative_reviews
       FROM order_figures, after_sale_figures`
  );
  return merchantServiceMetricsFromCounts(merchantId, window, {
    orders: n(row?.orders),
    inStockOrdersDue: n(row?.in_stock_due),
    dispatchedWithin48h: n(row?.within_48h),
    lateDispatches: n(row?.late),
    fakeShipments: n(row?.fake),
    afterSales: n(row?.after_sales),
    responseMinutesTotal: n(row?.response_minutes),
    responses: n(row?.responses),
    disputes: n(row?.disputes),
    disputesLost: n(row?.disputes_lost),
    complaints: n(row?.complaints),
    qualityReturns: n(row?.quality_returns),
    positiveReviews: n(row?.positive_reviews),
    negativeReviews: n(row?.negative_reviews),
  });
};

export const contentAttribution = async (db: Sql, contentId: string, window: Window): Promise<ContentAttributionStats> => {
  const start = sql`${window.start}::timestamptz`;
  const end = sql`${window.end}::timestamptz`;
  const [row] = await db.query<{ orders: bigint; refunds: bigint; complaints: bigint; creator_id: string | null }>(
    sql`WITH o AS (SELECT order_id, refunded_fen FROM orders WHERE content_id = ${contentId} AND paid_at >= ${start} AND paid_at < ${end})
     SELECT (SELECT count(*) FROM o) AS orders,
            (SELECT count(*) FROM o WHERE refunded_fen > 0) AS refunds,
            (SELECT count(*) FROM complaints c
              WHERE c.content_id = ${contentId} AND c.created_at >= ${start} AND c.created_at < ${end}
                AND (c.target_type = 'CONTENT' OR c.order_id IN (SELECT order_id FROM o))) AS complaints,
            (SELECT creator_id FROM orders WHERE content_id = ${contentId} AND creator_id IS NOT NULL ORDER BY paid_at DESC LIMIT 1) AS creator_id`
  );
  return contentAttributionFromCounts(contentId, row?.creator_id ?? '', {
    orders: n(row?.orders),
    refunds: n(row?.refunds),
    complaints: n(row?.complaints),
  });
};

export const productStats = async (db: Sql, productId: string, window: Window): Promise<ProductServiceStats> => {
  const start = sql`${window.start}::timestamptz`;
  const end = sql`${window.end}::timestamptz`;
  const [row] = await db.query<{ orders: bigint; quality_returns: bigint; complaints: bigint; positive_reviews: bigint; negative_reviews: bigint; merchant_id: string | null }>(
    sql`SELECT (SELECT count(*) FROM orders WHERE product_id = ${productId} AND paid_at >= ${start} AND paid_at < ${end}) AS orders,
            (SELECT count(*) FROM after_sales a JOIN orders o ON o.order_id = a.order_id
              WHERE o.product_id = ${productId} AND a.created_at >= ${start} AND a.created_at < ${end} AND a.quality_return) AS quality_returns,
            (SELECT count(*) FROM complaints WHERE product_id = ${productId} AND created_at >= ${start} AND created_at < ${end}) AS complaints,
            (SELECT count(*) FROM reviews WHERE product_id = ${productId} AND created_at >= ${start} AND created_at < ${end} AND rating >= ${METRICS_POLICY.positiveRatingAtLeast}::int) AS positive_reviews,
            (SELECT count(*) FROM reviews WHERE product_id = ${productId} AND created_at >= ${start} AND created_at < ${end} AND rating <= ${METRICS_POLICY.negativeRatingAtMost}::int) AS negative_reviews,
            coalesce((SELECT merchant_id FROM orders WHERE product_id = ${productId} ORDER BY paid_at DESC LIMIT 1),
                     (SELECT merchant_id FROM complaints WHERE product_id = ${productId} AND merchant_id IS NOT NULL ORDER BY created_at DESC LIMIT 1)) AS merchant_id`
  );
  return {
    productId,
    merchantId: row?.merchant_id ?? '',
    orders: n(row?.orders),
    qualityReturns: n(row?.quality_returns),
    complaints: n(row?.complaints),
    positiveReviews: n(row?.positive_reviews),
    negativeReviews: n(row?.negative_reviews),
  };
};

export const governanceFigures = async (db: Sql, window: Window, now: Date): Promise<GovernanceStats> => {
  const b = boundsOf(window, now);
  const [row] = await db.query<OrderFigures & {
      after_sales: bigint;
      fast_refunds: bigint;
      pre_dispatch: bigint;
      pre_dispatch_fast: bigint;
      refunded_fen: bigint;
      insurance_settlements: bigint;
      insurance_paid_fen: bigint;
      disputes_decided: bigint;
      compensations: bigint;
      compensation_paid_fen: bigint;
      compensation_recovered_fen: bigint;
      complaints_content: bigint;
      complaints_product: bigint;
      complaints_merchant: bigint;
      complaints_service: bigint;
    }>(
    sql`WITH o AS (${ordersInScope(sql`TRUE`, b)}),
          order_figures AS (SELECT ${orderFigures(b)} FROM o),
          after_sale_figures AS (
            SELECT count(*) AS after_sales,
                   count(*) FILTER (WHERE fast_refunded) AS fast_refunds,
                   count(*) FILTER (WHERE requested_before_dispatch) AS pre_dispatch,
                   count(*) FILTER (WHERE requested_before_dispatch AND fast_refunded) AS pre_dispatch_fast
              FROM after_sales WHERE created_at >= ${b.start} AND created_at < ${b.end}),
          complaint_figures AS (
            SELECT count(*) FILTER (WHERE target_type = 'CONTENT') AS complaints_content,
                   count(*) FILTER (WHERE target_type = 'PRODUCT') AS complaints_product,
                   count(*) FILTER (WHERE target_type = 'MERCHANT') AS complaints_merchant,
                   count(*) FILTER (WHERE target_type = 'SERVICE') AS complaints_service
              FROM complaints WHERE created_at >= ${b.start} AND created_at < ${b.end}),
          compensation_figures AS (
            SELECT count(*) AS compensations,
                   coalesce(sum(amount_fen), 0)::bigint AS compensation_paid_fen,
                   coalesce(sum(recovered_fen), 0)::bigint AS compensation_recovered_fen
              FROM compensations WHERE paid_at >= ${b.start} AND paid_at < ${b.end})
     SELECT order_figures.*, after_sale_figures.*, complaint_figures.*, compensation_figures.*,
            (SELECT coalesce(sum(amount_fen), 0)::bigint FROM refunds WHERE issued_at >= ${b.start} AND issued_at < ${b.end}) AS refunded_fen,
            (SELECT count(*) FROM after_sales WHERE insurance_settled_at >= ${b.start} AND insurance_settled_at < ${b.end}) AS insurance_settlements,
            (SELECT coalesce(sum(insurance_fen), 0)::bigint FROM after_sales WHERE insurance_settled_at >= ${b.start} AND insurance_settled_at < ${b.end}) AS insurance_paid_fen,
            (SELECT count(*) FROM after_sales WHERE dispute_decided_at >= ${b.start} AND dispute_decided_at < ${b.end}) AS disputes_decided
       FROM order_figures, after_sale_figures, complaint_figures, compensation_figures`
  );
  const complaintsByTarget: Record<ComplaintTargetType, number> = {
    CONTENT: n(row?.complaints_content),
    PRODUCT: n(row?.complaints_product),
    MERCHANT: n(row?.complaints_merchant),
    SERVICE: n(row?.complaints_service),
  };
  return governanceStatsFromCounts(window, {
    orders: n(row?.orders),
    inStockOrdersDue: n(row?.in_stock_due),
    dispatchedWithin48h: n(row?.within_48h),
    lateDispatches: n(row?.late),
    fakeShipments: n(row?.fake),
    preSaleOrders: n(row?.pre_sale_orders),
    afterSales: n(row?.after_sales),
    fastRefunds: n(row?.fast_refunds),
    preDispatchAfterSales: n(row?.pre_dispatch),
    preDispatchFastRefunds: n(row?.pre_dispatch_fast),
    refundedFen: row?.refunded_fen ?? 0n,
    insuranceSettlements: n(row?.insurance_settlements),
    insurancePaidFen: row?.insurance_paid_fen ?? 0n,
    disputesDecided: n(row?.disputes_decided),
    compensations: n(row?.compensations),
    compensationPaidFen: row?.compensation_paid_fen ?? 0n,
    compensationRecoveredFen: row?.compensation_recovered_fen ?? 0n,
    complaints: Object.values(complaintsByTarget).reduce((a, b) => a + b, 0),
    complaintsByTarget,
  });
};

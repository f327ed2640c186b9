import {
  isQualityReason,
  type AfterSaleReason,
  type CompensationCause,
  type ComplaintTargetType,
  type DisputeOutcome,
  type Fulfilment,
} from './model';
import { METRICS_POLICY, type MetricsPolicy } from './metrics.policy';
import { PROMISE_POLICY, type PromisePolicy } from './promise.policy';

/**
 * Service figures computed from facts the service stores: per merchant (for the store experience
 * score), per content item (refund and complaint rates, for content credibility), per product
 * (for the product quality score) and for the governance report. Windows are half-open
 * [start, end); only clocks that have run out by `now` count as late or on time.
 */

export interface Window {
  start: Date;
  end: Date;
}

export interface OrderFact {
  orderId: string;
  merchantId: string;
  productId: string;
  contentId?: string | undefined;
  creatorId?: string | undefined;
  fulfilment: Fulfilment;
  amountFen: bigint;
  paidAt: Date;
  dispatchDueAt: Date;
  shippedAt?: Date | undefined;
  fakeShipment: boolean;
  refundedFen: bigint;
  /** Paid back in full without a shipment before its deadline passed: cancelled, so there is no dispatch to judge. */
  cancelledBeforeDispatch?: boolean | undefined;
}

export interface AfterSaleFact {
  afterSaleId: string;
  orderId: string;
  merchantId: string;
  reason: AfterSaleReason;
  createdAt: Date;
  requestedBeforeDispatch: boolean;
  /** The merchant had to answer (no fast refund settled it first). */
  merchantAnswerRequired: boolean;
  merchantResponseDueAt: Date;
  respondedAt?: Date | undefined;
  escalated: boolean;
  disputeOutcome?: DisputeOutcome | undefined;
  disputeDecidedAt?: Date | undefined;
  /** A fast refund was granted and paid. */
  fastRefunded: boolean;
}

export interface ComplaintFact {
  complaintId: string;
  targetType: ComplaintTargetType;
  targetId: string;
  merchantId?: string | undefined;
  orderId?: string | undefined;
  createdAt: Date;
}

export interface ReviewFact {
  orderId: string;
  rating: number;
  createdAt: Date;
}

export interface RefundFact {
  orderId: string;
  amountFen: bigint;
  fast: boolean;
  issuedAt: Date;
}

export interface CompensationFact {
  orderId: string;
  cause: CompensationCause;
  amountFen: bigint;
  recoveredFen: bigint;
  paidAt: Date;
}

export interface InsuranceFact {
  afterSaleId: string;
  amountFen: bigint;
  settledAt: Date;
}

/** What a merchant's service metrics and a product's service stats are counted from. */
export interface ServiceFacts {
  orders: readonly OrderFact[];
  afterSales: readonly AfterSaleFact[];
  complaints: readonly ComplaintFact[];
  reviews: readonly ReviewFact[];
}

export const inWindow = (at: Date | undefined, window: Window): boolean =>
  at !== undefined && at.getTime() >= window.start.getTime() && at.getTime() < window.end.getTime();

const rate = (count: number, of: number, whenNone = 0): number => (of > 0 ? count / of : whenNone);

/** How a window's orders were dispatched: part of a merchant's service metrics and of the governance report. */
export interface DispatchFigures {
  inStockOrdersDue: number;
  dispatchedWithin48h: number;
  dispatchWithin48hRate: number;
  lateDispatches: number;
  fakeShipments: number;
}

/** Dispatch figures of orders whose deadline fell in the window and has run out by now. */
const dispatchFigures = (orders: readonly OrderFact[], window: Window, now: Date, promise: PromisePolicy): DispatchFigures => {
  let inStockOrdersDue = 0;
  let dispatchedWithin48h = 0;
  let lateDispatches = 0;
  let fakeShipments = 0;
  for (const o of orders) {
    const settled = o.shippedAt !== undefined || o.dispatchDueAt.getTime() <= now.getTime();
    if (inWindow(o.dispatchDueAt, window) && settled && !o.cancelledBeforeDispatch) {
      const onTime = o.shippedAt !== undefined && o.shippedAt.getTime() <= o.dispatchDueAt.getTime();
      if (!onTime && o.dispatchDueAt.getTime() <= now.getTime()) lateDispatches += 1;
      if (o.fulfilment === 'IN_STOCK') {
        inStockOrdersDue += 1;
        if (o.shippedAt !== undefined && o.shippedAt.getTime() - o.paidAt.getTime() <= promise.inStockDispatchWithinMs) dispatchedWithin48h += 1;
      }
    }
    if (o.fakeShipment && inWindow(o.shippedAt, window)) fakeShipments += 1;
  }
  return {
    inStockOrdersDue,
    dispatchedWithin48h,
    dispatchWithin48hRate: rate(dispatchedWithin48h, inStockOrdersDue, 1),
    lateDispatches,
    fakeShipments,
  };
};

export interface MerchantServiceMetrics extends DispatchFigures {
  merchantId: string;
  window: Window;
  orders: number;
  afterSales: number;
  avgResponseMinutes: number;
  disputes: number;
  disputesLost: number;
  disputeRate: number;
  complaints: number;
  complaintRate: number;
  qualityReturns: number;
  qualityReturnRate: number;
  positiveReviews: number;
  negativeReviews: number;
}

/**
 * A merchant's service metrics. Response time counts answered after-sales at their answer time and
 * unanswered ones whose deadline passed at the full deadline (silence is the slowest answer).
 */
export const merchantServiceMetrics = (
  merchantId: string,
  window: Window,
  facts: ServiceFacts,
  now: Date,
  policies: { metrics?: MetricsPolicy; promise?: PromisePolicy } = {},
): MerchantServiceMetrics => {
  const metrics = policies.metrics ?? METRICS_POLICY;
  const promise = policies.promise ?? PROMISE_POLICY;
  const merchantOrders = facts.orders.filter((o) => o.merchantId === merchantId);
  const orders = merchantOrders.filter((o) => inWindow(o.paidAt, window)).length;
  const dispatch = dispatchFigures(merchantOrders, window, now, promise);

  const afterSales = facts.afterSales.filter((a) => a.merchantId === merchantId && inWindow(a.createdAt, window));
  let responseMs = 0;
  let responses = 0;
  for (const a of afterSales) {
    if (!a.merchantAnswerRequired) continue;
    if (a.respondedAt) {
      responseMs += a.respondedAt.getTime() - a.createdAt.getTime();
      responses += 1;
    } else if (a.merchantResponseDueAt.getTime() <= now.getTime()) {
      responseMs += a.merchantResponseDueAt.getTime() - a.createdAt.getTime();
      responses += 1;
    }
  }
  const disputes = afterSales.filter((a) => a.escalated).length;
  const disputesLost = afterSales.filter((a) => a.disputeOutcome === 'BUYER_FAVOURED' || a.disputeOutcome === 'PARTIAL').length;
  const qualityReturns = afterSales.filter((a) => isQualityReason(a.reason)).length;
  const complaints = facts.complaints.filter((c) => c.merchantId === merchantId && inWindow(c.createdAt, window)).length;

  const orderIds = new Set(merchantOrders.map((o) => o.orderId));
  const reviews = facts.reviews.filter((r) => orderIds.has(r.orderId) && inWindow(r.createdAt, window));

  return merchantServiceMetricsFromCounts(merchantId, window, {
    orders,
    inStockOrdersDue: dispatch.inStockOrdersDue,
    dispatchedWithin48h: dispatch.dispatchedWithin48h,
    lateDispatches: dispatch.lateDispatches,
    fakeShipments: dispatch.fakeShipments,
    afterSales: afterSales.length,
    responseMinutesTotal: responseMs / 60_000,
    responses,
    disputes,
    disputesLost,
    complaints,
    qualityReturns,
    positiveReviews: reviews.filter((r) => r.rating >= metrics.positiveRatingAtLeast).length,
    negativeReviews: reviews.filter((r) => r.rating <= metrics.negativeRatingAtMost).length,
  });
};

/**
 * The counts behind a merchant's metrics. The service aggregates them in SQL over its tables (the
 * same rules as `merchantServiceMetrics` over facts); the rates come from here, so both agree.
 */
export interface MerchantServiceCounts {
  orders: number;
  inStockOrdersDue: number;
  dispatchedWithin48h: number;
  lateDispatches: number;
  fakeShipments: number;
  afterSales: number;
  /** Sum of merchant answer times (silence counted up to the deadline), in minutes. */
  responseMinutesTotal: number;
  /** Answers (and silences past the deadline) in that sum. */
  responses: number;
  disputes: number;
  disputesLost: number;
  complaints: number;
  qualityReturns: number;
  positiveReviews: number;
  negativeReviews: number;
}

export const merchantServiceMetricsFromCounts = (merchantId: string, window: Window, c: MerchantServiceCounts): MerchantServiceMetrics => ({
  merchantId,
  window,
  orders: c.orders,
  inStockOrdersDue: c.inStockOrdersDue,
  dispatchedWithin48h: c.dispatchedWithin48h,
  dispatchWithin48hRate: rate(c.dispatchedWithin48h, c.inStockOrdersDue, 1),
  lateDispatches: c.lateDispatches,
  fakeShipments: c.fakeShipments,
  afterSales: c.afterSales,
  avgResponseMinutes: c.responses > 0 ? c.responseMinutesTotal / c.responses : 0,
  disputes: c.disputes,
  disputesLost: c.disputesLost,
  disputeRate: rate(c.disputes, c.orders),
  complaints: c.complaints,
  complaintRate: rate(c.complaints, c.orders),
  qualityReturns: c.qualityReturns,
  qualityReturnRate: rate(c.qualityReturns, c.orders),
  positiveReviews: c.positiveReviews,
  negativeReviews: c.negativeReviews,
});

export interface ContentAttributionStats {
  contentId: string;
  creatorId: string;
  orders: number;
  refunds: number;
  complaints: number;
  refundRate: number;
  complaintRate: number;
}

/**
 * Per content item: the orders it drove (paid in the window), how many were refunded, and the
 * complaints about it or its orders (each complaint counted once).
 */
export const contentAttributionStats = (
  window: Window,
  facts: { orders: readonly OrderFact[]; complaints: readonly ComplaintFact[] },
): ContentAttributionStats[] => {
  const byContent = new Map<string, { creatorId: string; orderIds: Set<string>; refunds: number; complaintIds: Set<string> }>();
  const contentOfOrder = new Map<string, string>();
  for (const o of facts.orders) {
    if (!o.contentId || !inWindow(o.paidAt, window)) continue;
    const entry = byContent.get(o.contentId) ?? { creatorId: o.creatorId ?? '', orderIds: new Set(), refunds: 0, complaintIds: new Set() };
    entry.orderIds.add(o.orderId);
    if (o.refundedFen > 0n) entry.refunds += 1;
    byContent.set(o.contentId, entry);
    contentOfOrder.set(o.orderId, o.contentId);
  }
  for (const c of facts.complaints) {
    if (!inWindow(c.createdAt, window)) continue;
    const contentId = c.targetType === 'CONTENT' ? c.targetId : c.orderId ? contentOfOrder.get(c.orderId) : undefined;
    const entry = contentId ? byContent.get(contentId) : undefined;
    entry?.complaintIds.add(c.complaintId);
  }
  return [...byContent.entries()]
    .map(([contentId, e]) => contentAttributionFromCounts(contentId, e.creatorId, { orders: e.orderIds.size, refunds: e.refunds, complaints: e.complaintIds.size }))
    .sort((a, b) => a.contentId.localeCompare(b.contentId));
};

/** A content item's figures from its counts (aggregated in SQL by the service). */
export const contentAttributionFromCounts = (
  contentId: string,
  creatorId: string,
  c: { orders: number; refunds: number; complaints: number },
): ContentAttributionStats => ({
  contentId,
  creatorId,
  orders: c.orders,
  refunds: c.refunds,
  complaints: c.complaints,
  refundRate: rate(c.refunds, c.orders),
  complaintRate: rate(c.complaints, c.orders),
});

export interface ProductServiceStats {
  productId: string;
  merchantId: string;
  orders: number;
  qualityReturns: number;
  complaints: number;
  positiveReviews: number;
  negativeReviews: number;
}

/** Per product: orders, quality returns, complaints (about it or its orders) and reviews in the window. */
export const productServiceStats = (
  window: Window,
  facts: ServiceFacts,
  policy: MetricsPolicy = METRICS_POLICY,
): ProductServiceStats[] => {
  const productOfOrder = new Map(facts.orders.map((o) => [o.orderId, o] as const));
  const stats = new Map<string, ProductServiceStats & { complaintIds: Set<string> }>();
  const of = (productId: string, merchantId: string) => {
    const existing = stats.get(productId);
    if (existing) return existing;
    const created = {
      productId,
      merchantId,
      orders: 0,
      qualityReturns: 0,
      complaints: 0,
      positiveReviews: 0,
      negativeReviews: 0,
      complaintIds: new Set<string>(),
    };
    stats.set(productId, created);
    return created;
  };
  for (const o of facts.orders) if (inWindow(o.paidAt, window)) of(o.productId, o.merchantId).orders += 1;
  for (const a of facts.afterSales) {
    const order = productOfOrder.get(a.orderId);
    if (order && inWindow(a.createdAt, window) && isQualityReason(a.reason)) of(order.productId, order.merchantId).qualityReturns += 1;
  }
  for (const c of facts.complaints) {
    if (!inWindow(c.createdAt, window)) continue;
    const order = c.orderId ? productOfOrder.get(c.orderId) : undefined;
    if (c.targetType === 'PRODUCT') {
      of(c.targetId, order?.merchantId ?? c.merchantId ?? '').complaintIds.add(c.complaintId);
    } else if (order) {
      of(order.productId, order.merchantId).complaintIds.add(c.complaintId);
    }
  }
  for (const r of facts.reviews) {
    const order = productOfOrder.get(r.orderId);
    if (!order || !inWindow(r.createdAt, window)) continue;
    const s = of(order.productId, order.merchantId);
    if (r.rating >= policy.positiveRatingAtLeast) s.positiveReviews += 1;
    if (r.rating <= policy.negativeRatingAtMost) s.negativeReviews += 1;
  }
  return [...stats.values()]
    .map(({ complaintIds, ...s }) => ({ ...s, complaints: complaintIds.size }))
    .sort((a, b) => a.productId.localeCompare(b.productId));
};

export interface GovernanceStats extends DispatchFigures {
  window: Window;
  orders: number;
  preSaleOrders: number;
  afterSales: number;
  fastRefunds: number;
  fastRefundShare: number;
  preDispatchAfterSales: number;
  preDispatchFastRefunds: number;
  preDispatchFastRefundShare: number;
  refundedFen: bigint;
  insuranceSettlements: number;
  insurancePaidFen: bigint;
  disputesDecided: number;
  compensations: number;
  compensationPaidFen: bigint;
  compensationRecoveredFen: bigint;
  complaints: number;
  complaintsByTarget: Record<ComplaintTargetType, number>;
}

/** The service's figures for the platform governance report. */
export const governanceStats = (
  window: Window,
  facts: {
    orders: readonly OrderFact[];
    afterSales: readonly AfterSaleFact[];
    complaints: readonly ComplaintFact[];
    refunds: readonly RefundFact[];
    compensations: readonly CompensationFact[];
    insurance: readonly InsuranceFact[];
  },
  now: Date,
  promise: PromisePolicy = PROMISE_POLICY,
): GovernanceStats => {
  const paid = facts.orders.filter((o) => inWindow(o.paidAt, window));
  const afterSales = facts.afterSales.filter((a) => inWindow(a.createdAt, window));
  const preDispatch = afterSales.filter((a) => a.requestedBeforeDispatch);
  const fastRefunds = afterSales.filter((a) => a.fastRefunded).length;
  const preDispatchFastRefunds = preDispatch.filter((a) => a.fastRefunded).length;
  const complaints = facts.complaints.filter((c) => inWindow(c.createdAt, window));
  const complaintsByTarget: Record<ComplaintTargetType, number> = { CONTENT: 0, PRODUCT: 0, MERCHANT: 0, SERVICE: 0 };
  for (const c of complaints) complaintsByTarget[c.targetType] += 1;
  const compensations = facts.compensations.filter((c) => inWindow(c.paidAt, window));
  const insurance = facts.insurance.filter((i) => inWindow(i.settledAt, window));
  const sum = <T>(items: readonly T[], pick: (t: T) => bigint): bigint => items.reduce((acc, t) => acc + pick(t), 0n);
  const dispatch = dispatchFigures(facts.orders, window, now, promise);
  return governanceStatsFromCounts(window, {
    orders: paid.length,
    inStockOrdersDue: dispatch.inStockOrdersDue,
    dispatchedWithin48h: dispatch.dispatchedWithin48h,
    lateDispatches: dispatch.lateDispatches,
    fakeShipments: dispatch.fakeShipments,
    preSaleOrders: paid.filter((o) => o.fulfilment === 'PRE_SALE').length,
    afterSales: afterSales.length,
    fastRefunds,
    preDispatchAfterSales: preDispatch.length,
    preDispatchFastRefunds,
    refundedFen: sum(
      facts.refunds.filter((r) => inWindow(r.issuedAt, window)),
      (r) => r.amountFen,
    ),
    insuranceSettlements: insurance.length,
    insurancePaidFen: sum(insurance, (i) => i.amountFen),
    disputesDecided: facts.afterSales.filter((a) => a.disputeOutcome !== undefined && inWindow(a.disputeDecidedAt, window)).length,
    compensations: compensations.length,
    compensationPaidFen: sum(compensations, (c) => c.amountFen),
    compensationRecoveredFen: sum(compensations, (c) => c.recoveredFen),
    complaints: complaints.length,
    complaintsByTarget,
  });
};

/** The counts behind the governance figures (the service aggregates them in SQL); rates come from here. */
export type GovernanceCounts = Omit<GovernanceStats, 'window' | 'dispatchWithin48hRate' | 'fastRefundShare' | 'preDispatchFastRefundShare'>;

export const governanceStatsFromCounts = (window: Window, c: GovernanceCounts): GovernanceStats => ({
  ...c,
  window,
  dispatchWithin48hRate: rate(c.dispatchedWithin48h, c.inStockOrdersDue, 1),
  fastRefundShare: rate(c.fastRefunds, c.afterSales),
  preDispatchFastRefundShare: rate(c.preDispatchFastRefunds, c.preDispatchAfterSales),
});

/** The buyers' steps: orders with their shipments, scans and reviews, after-sales to their end, complaints. */
import {
  AfterSaleReason,
  AfterSaleStatus,
  AfterSaleType,
  ComplaintCategory,
  ComplaintTargetType,
  DisputeOutcome,
  DisputeParty,
  FastRefundOutcome,
  FulfilmentType,
  MerchantAnswer,
  TrackingScanType,
  type AfterSale,
} from '@govern/contracts-consumer-experience';
import type { ComplaintPlan, OrderPlan, ProductPlan, VideoPlan } from '../scenario';
import type { Outcome, RunContext } from './run-context';

const SCAN_TYPES = { PICKUP: TrackingScanType.TRACKING_SCAN_TYPE_PICKUP, IN_TRANSIT: TrackingScanType.TRACKING_SCAN_TYPE_IN_TRANSIT, DELIVERED: TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED };

const COMPLAINT_TARGETS = {
  CONTENT: ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT,
  PRODUCT: ComplaintTargetType.COMPLAINT_TARGET_TYPE_PRODUCT,
  MERCHANT: ComplaintTargetType.COMPLAINT_TARGET_TYPE_MERCHANT,
  SERVICE: ComplaintTargetType.COMPLAINT_TARGET_TYPE_SERVICE,
};

const COMPLAINT_CATEGORIES: Record<ComplaintPlan['category'], ComplaintCategory> = {
  MISLEADING_CLAIM: ComplaintCategory.COMPLAINT_CATEGORY_MISLEADING_CLAIM,
  QUALITY: ComplaintCategory.COMPLAINT_CATEGORY_QUALITY,
  COUNTERFEIT: ComplaintCategory.COMPLAINT_CATEGORY_COUNTERFEIT,
  LOGISTICS: ComplaintCategory.COMPLAINT_CATEGORY_LOGISTICS,
  SERVICE_ATTITUDE: ComplaintCategory.COMPLAINT_CATEGORY_SERVICE_ATTITUDE,
  FOOD_SAFETY: ComplaintCategory.COMPLAINT_CATEGORY_FOOD_SAFETY,
};

const AFTER_SALE_REASONS = {
  NOT_WANTED_BEFORE_DISPATCH: AfterSaleReason.AFTER_SALE_REASON_NOT_WANTED_BEFORE_DISPATCH,
  NO_REASON_7_DAYS: AfterSaleReason.AFTER_SALE_REASON_NO_REASON_7_DAYS,
  QUALITY_DEFECT: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
  NOT_AS_DESCRIBED: AfterSaleReason.AFTER_SALE_REASON_NOT_AS_DESCRIBED,
};

export const order = async (ctx: RunContext, o: OrderPlan): Promise<void> => {
  const product = ctx.productByKey.get(o.productKey) as ProductPlan;
  const merchantId = ctx.merchantIds.get(product.merchantKey);
  ctx.tally.add('service', 'orders sent');
  if (!merchantId || !ctx.onSale.has(product.key) || ctx.banned.has(product.key)) {
    ctx.tally.add('service', ' skipped: product not on sale');
    return;
  }
  const t0 = Date.now();
  const at = (agoMs: number): Date => new Date(t0 - agoMs);
  const paidAt = at(o.paidAgoMs);
  const video = o.contentKey && ctx.posted.has(o.contentKey) ? ctx.videoByKey.get(o.contentKey) : undefined;
  const preSale = o.kind === 'pre-sale' || o.kind === 'pre-sale-too-long';
  const recorded = await ctx.call('RecordOrder', () =>
    ctx.clients.consumerExperience.recordOrder({
      requestId: ctx.rid('RecordOrder', o.key),
      orderId: o.orderId,
      buyerId: o.buyerId,
      merchantId,
      productId: product.productId,
      skuId: product.skuId,
      categoryCode: product.categoryCode,
      attributedContentId: video?.contentId ?? '',
      attributedCreatorId: video ? (ctx.creatorIdByKey.get(video.creatorKey) ?? '') : '',
      amountFen: o.amountFen,
      paidAt,
      fulfilment: preSale ? FulfilmentType.FULFILMENT_TYPE_PRE_SALE : FulfilmentType.FULFILMENT_TYPE_IN_STOCK,
      promisedDispatchAt: preSale && o.promisedAfterPaidMs !== undefined ? new Date(paidAt.getTime() + o.promisedAfterPaidMs) : undefined,
      returnExemptions: [],
      buyerHistory: o.buyerHistory
        ? { priorOrders: o.buyerHistory.priorOrders, firstPaidAt: o.buyerHistory.priorOrders === 0 ? paidAt : at(o.buyerHistory.firstPaidAgoMs) }
        : undefined,
    }),
  );
  if (!recorded.ok) {
    if (recorded.error.reason === 'ORDER.PRE_SALE_TOO_LONG' || recorded.error.fieldViolations.some((v) => v.field === 'promised_dispatch_at')) {
      ctx.tally.add('service', ' rejected: pre-sale dispatch over 15 days');
    }
    return;
  }
  ctx.tally.add('service', ' recorded');
  ctx.recordedOrders.add(o.key);
  if (o.shipment) {
    const shipment = o.shipment;
    const shipped = await ctx.call('RecordShipment', () =>
      ctx.clients.consumerExperience.recordShipment({
        requestId: ctx.rid('RecordShipment', o.key),
        orderId: o.orderId,
        trackingNumber: shipment.trackingNumber,
        carrierCode: shipment.carrierCode,
        shippedAt: at(shipment.shippedAgoMs),
        afterSaleId: '',
      }),
    );
    if (!shipped.ok) return;
    ctx.tally.add('service', 'shipments recorded');
    const onTime = shipped.value.order?.shipment?.dispatchedOnTime ?? false;
    ctx.tally.add('service', onTime ? ' dispatched on time' : ' dispatched late');
    if (onTime) ctx.lastDueAt = Math.max(ctx.lastDueAt, shipped.value.order?.dispatchDueAt?.getTime() ?? 0);
    for (const [i, scan] of shipment.scans.entries()) {
      const scanned = await ctx.call('RecordTrackingScan', () =>
        ctx.clients.consumerExperience.recordTrackingScan({
          requestId: ctx.rid('RecordTrackingScan', o.key, i),
          trackingNumber: shipment.trackingNumber,
          carrierCode: shipment.carrierCode,
          scanType: SCAN_TYPES[scan.type],
          scannedAt: at(scan.agoMs),
          location: scan.location,
        }),
      );
      if (scanned.ok) ctx.tally.add('service', 'carrier scans recorded');
    }
  }
  if (o.afterSale) await afterSale(ctx, o, merchantId);
  if (o.review) {
    const review = o.review;
    const reviewed = await ctx.call('RecordReview', () =>
      ctx.clients.consumerExperience.recordReview({ requestId: ctx.rid('RecordReview', o.key), orderId: o.orderId, buyerId: o.buyerId, rating: review.rating, text: review.text }),
    );
    if (reviewed.ok) ctx.tally.add('service', 'reviews');
  }
};

/** Follows an after-sale to its end: merchant answer, dispute, the return and its scans. */
export const afterSale = async (ctx: RunContext, o: OrderPlan, merchantId: string): Promise<void> => {
  const plan = o.afterSale as NonNullable<OrderPlan['afterSale']>;
  const requested = await ctx.call('RequestAfterSale', () =>
    ctx.clients.consumerExperience.requestAfterSale({
      requestId: ctx.rid('RequestAfterSale', o.key),
      orderId: o.orderId,
      buyerId: o.buyerId,
      type: plan.type === 'REFUND_ONLY' ? AfterSaleType.AFTER_SALE_TYPE_REFUND_ONLY : AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
      reason: AFTER_SALE_REASONS[plan.reason],
      amountFen: plan.amountFen,
      description: plan.description,
      evidenceRefs: [],
      goodsUnsealed: false,
      buyerTrustScore: o.buyerTrustScore,
    }),
  );
  if (!requested.ok || !requested.value.afterSale) return;
  let afterSale: AfterSale = requested.value.afterSale;
  ctx.tally.add('service', 'after-sales requested');
  if (afterSale.fastRefund?.preDispatch || afterSale.requestedBeforeDispatch) ctx.tally.add('service', ' before dispatch');
  const fast = afterSale.fastRefund?.outcome;
  if (fast === FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED) ctx.tally.add('service', ' fast-refunded at once');
  else if (fast === FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED_ON_PICKUP) ctx.tally.add('service', ' fast refund on pickup');
  else ctx.tally.add('service', ' left to the merchant');
  if (requested.value.refund) ctx.tally.add('service', 'refunds paid');
  const afterSaleId = afterSale.afterSaleId;
  let returnPickedUp = false;
  for (let step = 0; step < 8; step++) {
    const status = afterSale.status;
    let next: Outcome<{ afterSale?: AfterSale | undefined; refund?: unknown }> | undefined;
    if (status === AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT || status === AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT_PAYMENT) {
      const accept = status === AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT_PAYMENT || plan.merchantAnswer === 'ACCEPT';
      next = await ctx.call('RespondAfterSale', () =>
        ctx.clients.consumerExperience.respondAfterSale({
          requestId: ctx.rid('RespondAfterSale', o.key, step),
          afterSaleId,
          merchantId,
          answer: accept ? MerchantAnswer.MERCHANT_ANSWER_ACCEPT : MerchantAnswer.MERCHANT_ANSWER_REJECT,
          note: accept ? '同意' : '商品已拆封使用，影响二次销售，不同意退货',
          evidenceRefs: [],
        }),
      );
      if (next.ok) ctx.tally.add('service', 'merchant answers');
    } else if (status === AfterSaleStatus.AFTER_SALE_STATUS_MERCHANT_REJECTED) {
      next = await ctx.call('EscalateDispute', () =>
        ctx.clients.consumerExperience.escalateDispute({
          requestId: ctx.rid('EscalateDispute', o.key, step),
          afterSaleId,
          escalatedBy: DisputeParty.DISPUTE_PARTY_BUYER,
          statement: '商家拒绝退货，申请平台介入',
          evidenceRefs: [],
        }),
      );
      if (next.ok) ctx.tally.add('service', 'disputes escalated');
    } else if (status === AfterSaleStatus.AFTER_SALE_STATUS_IN_DISPUTE) {
      const buyerFavoured = plan.ruling === 'BUYER_FAVOURED';
      next = await ctx.call('DecideDispute', () =>
        ctx.clients.consumerExperience.decideDispute({
          requestId: ctx.rid('DecideDispute', o.key, step),
          afterSaleId,
          outcome: buyerFavoured ? DisputeOutcome.DISPUTE_OUTCOME_BUYER_FAVOURED : DisputeOutcome.DISPUTE_OUTCOME_MERCHANT_FAVOURED,
          awardFen: 0n,
          operatorId: `${ctx.scenario.prefix}-operator-1`,
          reasons: [
            buyerFavoured
              ? { code: 'DISPUTE.GOODS_NOT_AS_DESCRIBED', message: '买家举证成立', evidence: {}, weight: 0 }
              : { code: 'DISPUTE.BUYER_EVIDENCE_INSUFFICIENT', message: '买家举证不足', evidence: {}, weight: 0 },
          ],
        }),
      );
      if (next.ok) ctx.tally.add('service', 'disputes decided');
    } else if (status === AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_RETURN) {
      const parcel = plan.returnParcel;
      next = await ctx.call('RecordReturnShipment', () =>
        ctx.clients.consumerExperience.recordReturnShipment({
          requestId: ctx.rid('RecordReturnShipment', o.key, step),
          afterSaleId,
          trackingNumber: parcel.trackingNumber,
          carrierCode: parcel.carrierCode,
          shippedAt: new Date(),
          shippingFeeFen: parcel.shippingFeeFen,
        }),
      );
      if (next.ok && next.value.afterSale?.insurance) ctx.tally.add('service', 'returns shipped (insurance settled)');
    } else if (status === AfterSaleStatus.AFTER_SALE_STATUS_RETURN_IN_TRANSIT) {
      const parcel = plan.returnParcel;
      const scanType = returnPickedUp ? TrackingScanType.TRACKING_SCAN_TYPE_DELIVERED : TrackingScanType.TRACKING_SCAN_TYPE_PICKUP;
      const scanned = await ctx.call('RecordTrackingScan', () =>
        ctx.clients.consumerExperience.recordTrackingScan({
          requestId: ctx.rid('RecordTrackingScan', o.key, `return-${step}`),
          trackingNumber: parcel.trackingNumber,
          carrierCode: parcel.carrierCode,
          scanType,
          scannedAt: new Date(),
          location: returnPickedUp ? '商家退货仓' : '买家所在地揽收点',
        }),
      );
      if (!scanned.ok) return;
      ctx.tally.add('service', 'carrier scans recorded');
      if (returnPickedUp && scanned.value.afterSale?.status === AfterSaleStatus.AFTER_SALE_STATUS_RETURN_IN_TRANSIT) return;
      returnPickedUp = true;
      next = { ok: true, value: scanned.value };
    } else return;
    if (!next?.ok) return;
    if (next.value.refund) ctx.tally.add('service', 'refunds paid');
    if (!next.value.afterSale) return;
    afterSale = next.value.afterSale;
  }
};

export const complain = async (ctx: RunContext, c: ComplaintPlan): Promise<void> => {
  const order = ctx.orderByKey.get(c.orderKey) as OrderPlan;
  if (!ctx.recordedOrders.has(order.key)) return;
  const product = ctx.productByKey.get(order.productKey) as ProductPlan;
  const merchantId = ctx.merchantIds.get(product.merchantKey) as string;
  const video = c.contentKey ? ctx.videoByKey.get(c.contentKey) : undefined;
  if (c.target === 'CONTENT' && (!video || !ctx.posted.has(video.key))) return;
  const targetId = c.target === 'CONTENT' ? (video as VideoPlan).contentId : c.target === 'PRODUCT' ? product.productId : c.target === 'MERCHANT' ? merchantId : order.orderId;
  const filed = await ctx.call('FileComplaint', () =>
    ctx.clients.consumerExperience.fileComplaint({
      requestId: ctx.rid('FileComplaint', c.key),
      buyerId: order.buyerId,
      targetType: COMPLAINT_TARGETS[c.target],
      targetId,
      orderId: order.orderId,
      merchantId: '',
      category: COMPLAINT_CATEGORIES[c.category],
      text: c.text,
      evidenceRefs: [],
    }),
  );
  if (!filed.ok) return;
  ctx.tally.add('service', 'complaints filed');
  ctx.tally.add('service', ` about ${c.target === 'CONTENT' ? 'content' : c.target === 'PRODUCT' ? 'products' : c.target === 'MERCHANT' ? 'merchants' : 'service'}`);
};

import {
  type GetOrderRequest,
  type GetOrderResponse,
  type ListOrdersRequest,
  type ListOrdersResponse,
  RecordOrderRequest,
  RecordOrderResponse,
  RecordReviewRequest,
  RecordReviewResponse,
  RecordShipmentRequest,
  RecordShipmentResponse,
  RecordTrackingScanRequest,
  RecordTrackingScanResponse,
} from '@govern/contracts-consumer-experience';
import { planDispatchPromise, validateRecordOrder, type ReturnExemption } from '@govern/consumer-experience-domain';
import { INVALID, isInvalid, type Checked } from '@govern/platform-grpc';
import { REASON } from '@govern/policy-core';
import { listOrders } from '../adapters/lists.queries';
import { fulfilmentCodec, orderStatusCodec, returnExemptionCodec, scanTypeCodec } from '../mapping/enums';
import { afterSaleToProto, orderToProto, refundToProto, reviewToProto } from '../mapping/to-proto';
import { loadOrderView, recordOrder, recordReview, recordShipment, recordTrackingScan } from '../use-cases/orders';
import { type Call, ConsumerExperienceChecks, type HandlerKit, MAX_LOCATION, MAX_TRACKING_NUMBER, mutate, read, timePage } from './handler-kit';

/** Legal exemptions from 7-day no-reason returns: each known, repeats collapsed (a set, not a list). */
const returnExemptions = (checks: ConsumerExperienceChecks, values: readonly number[]): Checked<ReturnExemption[]> => {
  if (isInvalid(checks.bounded('return_exemptions', values, { maxItems: returnExemptionCodec.names.length }))) return INVALID;
  const names = values.map((value, i) => checks.enumValue(`return_exemptions[${i}]`, returnExemptionCodec, value));
  return names.some(isInvalid) ? INVALID : [...new Set(names as ReturnExemption[])];
};

/** The order system's buyer history, when given: a count of earlier orders and a first payment not after this one's. */
const buyerHistory = (checks: ConsumerExperienceChecks, request: RecordOrderRequest, now: Date): Checked<{ priorOrders: number; firstPaidAt: Date } | undefined> => {
  const history = request.buyerHistory;
  if (!history) return undefined;
  const priorOrders = checks.number('buyer_history.prior_orders', history.priorOrders, { min: 0, max: 1_000_000_000, integer: true });
  const firstPaidAt = checks.timestamp('buyer_history.first_paid_at', history.firstPaidAt, { now });
  if (!isInvalid(firstPaidAt) && request.paidAt) {
    checks.check(firstPaidAt.getTime() <= request.paidAt.getTime(), 'buyer_history.first_paid_at', 'is after the order’s paid_at', 'AFTER_PAID_AT');
  }
  return isInvalid(priorOrders) || isInvalid(firstPaidAt) ? INVALID : { priorOrders, firstPaidAt };
};

/** Orders and their promise clocks: intake, shipments, carrier scans, reviews, and the order lists. */
export const orderHandlers = (kit: HandlerKit) => ({
  recordOrder(request: RecordOrderRequest, call: Call): Promise<RecordOrderResponse> {
    // Checked against the clock at each call: a retry whose paid_at has since aged is answered from its stored answer.
    const check = () => {
      const now = kit.deps.clock.now();
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      const order = {
        orderId: checks.id('order_id', request.orderId),
        buyerId: checks.id('buyer_id', request.buyerId),
        merchantId: checks.id('merchant_id', request.merchantId),
        productId: checks.id('product_id', request.productId),
        skuId: checks.id('sku_id', request.skuId),
        categoryCode: checks.id('category_code', request.categoryCode),
        contentId: checks.optionalId('attributed_content_id', request.attributedContentId),
        creatorId: checks.optionalId('attributed_creator_id', request.attributedCreatorId),
        amountFen: checks.amountFen('amount_fen', request.amountFen),
        paidAt: checks.timestamp('paid_at', request.paidAt, { now }),
        fulfilment: checks.enumValue('fulfilment', fulfilmentCodec, request.fulfilment),
        promisedDispatchAt: checks.optionalTimestamp('promised_dispatch_at', request.promisedDispatchAt),
        returnExemptions: returnExemptions(checks, request.returnExemptions),
        buyerHistory: buyerHistory(checks, request, now),
      } as const; // keeps INVALID's own type (a mutable property would widen it to symbol)
      checks.check(!request.attributedCreatorId || Boolean(request.attributedContentId), 'attributed_creator_id', 'needs attributed_content_id', 'CREATOR_WITHOUT_CONTENT');
      // The order rules beyond the fields' own (a promised date only for pre-sale, at most 15 days out).
      const fulfilment = isInvalid(order.fulfilment) ? undefined : order.fulfilment;
      checks.domain(() => validateRecordOrder({ ...request, fulfilment }, now));
      const { paidAt } = order;
      if (fulfilment === 'PRE_SALE' && !isInvalid(paidAt)) {
        checks.domain(() => planDispatchPromise({ orderId: request.orderId, fulfilment, paidAt, promisedDispatchAt: request.promisedDispatchAt }));
      }
      return checks.done(order, 'ORDER.INVALID');
    };
    return mutate(kit, call, 'RecordOrder', { request: RecordOrderRequest, response: RecordOrderResponse }, request, check, async (work, order) => {
      const view = await recordOrder(work, order);
      return { order: orderToProto(view.order, view.forwardShipment) };
    });
  },

  async getOrder(request: GetOrderRequest, call: Call): Promise<GetOrderResponse> {
    const checks = new ConsumerExperienceChecks();
    const { orderId } = checks.done({ orderId: checks.id('order_id', request.orderId) }, 'ORDER.INVALID');
    const view = await read(kit, call, (_tx, db) => loadOrderView(db, orderId));
    return { order: orderToProto(view.order, view.forwardShipment) };
  },

  async listOrders(request: ListOrdersRequest, call: Call): Promise<ListOrdersResponse> {
    const checks = new ConsumerExperienceChecks();
    checks.check(Boolean(request.buyerId || request.merchantId || request.productId), 'buyer_id', 'one of buyer_id, merchant_id or product_id is required', REASON.REQUIRED);
    const { size, after, ...filter } = checks.done(
      {
        buyerId: checks.optionalId('buyer_id', request.buyerId),
        merchantId: checks.optionalId('merchant_id', request.merchantId),
        productId: checks.optionalId('product_id', request.productId),
        status: checks.optionalEnum('status', orderStatusCodec, request.status),
        ...timePage(checks, request),
      },
      'ORDER.INVALID_LIST',
    );
    const page = await read(kit, call, (tx) => listOrders(tx, filter, { size, after }));
    return { orders: page.items.map((v) => orderToProto(v.order, v.forwardShipment)), nextPageToken: page.nextPageToken };
  },

  recordShipment(request: RecordShipmentRequest, call: Call): Promise<RecordShipmentResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      return checks.done(
        {
          orderId: checks.id('order_id', request.orderId),
          trackingNumber: checks.id('tracking_number', request.trackingNumber, MAX_TRACKING_NUMBER),
          carrierCode: checks.id('carrier_code', request.carrierCode),
          shippedAt: checks.timestamp('shipped_at', request.shippedAt, { now: kit.deps.clock.now() }),
          afterSaleId: checks.optionalId('after_sale_id', request.afterSaleId),
        },
        'SHIPMENT.INVALID',
      );
    };
    return mutate(kit, call, 'RecordShipment', { request: RecordShipmentRequest, response: RecordShipmentResponse }, request, check, async (work, shipment) => {
      const view = await recordShipment(work, shipment);
      return { order: orderToProto(view.order, view.forwardShipment) };
    });
  },

  recordTrackingScan(request: RecordTrackingScanRequest, call: Call): Promise<RecordTrackingScanResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      return checks.done(
        {
          trackingNumber: checks.id('tracking_number', request.trackingNumber, MAX_TRACKING_NUMBER),
          carrierCode: checks.id('carrier_code', request.carrierCode),
          scanType: checks.enumValue('scan_type', scanTypeCodec, request.scanType),
          scannedAt: checks.timestamp('scanned_at', request.scannedAt, { now: kit.deps.clock.now() }),
          location: checks.optionalText('location', request.location, MAX_LOCATION),
        },
        'SCAN.INVALID',
      );
    };
    return mutate(kit, call, 'RecordTrackingScan', { request: RecordTrackingScanRequest, response: RecordTrackingScanResponse }, request, check, async (work, scan) => {
      const result = await recordTrackingScan(work, scan);
      return {
        order: orderToProto(result.order.order, result.order.forwardShipment),
        afterSale: result.afterSale ? afterSaleToProto(result.afterSale) : undefined,
        refund: result.refund ? refundToProto(result.refund) : undefined,
      };
    });
  },

  recordReview(request: RecordReviewRequest, call: Call): Promise<RecordReviewResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      return checks.done(
        {
          orderId: checks.id('order_id', request.orderId),
          buyerId: checks.id('buyer_id', request.buyerId),
          rating: checks.number('rating', request.rating, { min: 1, max: 5, integer: true }),
          text: checks.optionalText('text', request.text),
        },
        'REVIEW.INVALID',
      );
    };
    return mutate(kit, call, 'RecordReview', { request: RecordReviewRequest, response: RecordReviewResponse }, request, check, async (work, review) => ({
      review: reviewToProto(await recordReview(work, review)),
    }));
  },
});

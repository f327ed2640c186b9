import { FakeShipmentDetectedEvent, LateDispatchDetectedEvent, OrderRecordedEvent } from '@govern/contracts-consumer-experience';
import type { AfterSaleRow, OrderRow, RefundRow, ReviewRow, ShipmentRow } from '@govern/consumer-experience-data-access';
import {
  isNewBuyerOrder,
  NEW_BUYER_CARE_POLICIES,
  onDispatchDeadline as decideDispatchDeadline,
  onFirstScanDeadline as decideFirstScanDeadline,
  orderIdentityOf,
  planDispatchPromise,
  planShipment,
  transitionAfterSale,
  type Fulfilment,
  type OrderIdentity,
  type ReturnExemption,
} from '@govern/consumer-experience-domain';
import { alreadyExists, failedPrecondition, notFound, ValidationError, type Reason } from '@govern/policy-core';
import type { Sql } from '@govern/platform-db';
import { buyerFirstOrders, openCareCasesBeforeStepIn, openCareCasesOfParcel } from '../adapters/care.repository';
import { addReview, insertOrder, markOrderDelivered, markOrderLate, markOrderShipped, orderWithForwardShipment } from '../adapters/orders.repository';
import { afterSaleById } from '../adapters/after-sales.repository';
import { lockOrderWithForwardShipment, lockParcel, markFakeShipment, recordScan } from '../adapters/shipments.repository';
import { lockOrder } from '../adapters/sql-rows';
import { fulfilmentCodec, type TrackingScanType } from '../mapping/enums';
import { reasonsFromJson, reasonsToJson, type AfterSaleView } from '../mapping/to-proto';
import { afterSaleState, applyAfterSaleStep } from './after-sale-steps';
import { watchNewBuyerOrder } from './care';
import { resolveCareCasesMovedOn } from './care-checks';
import { loadAfterSaleView, sendNewShipment } from './after-sales';
import { Payouts } from './payouts';
import type { Work } from './work';

/**
 * Orders and their promise clocks: recording an order starts the dispatch clock (a durable job at
 * the deadline), a shipment stops it (when on time) and starts the 24 h first-scan clock, carrier
 * scans stop that one and move returns along. When a clock runs out, the job handlers here decide.
 */

export interface OrderView {
  order: OrderRow;
  forwardShipment: ShipmentRow | null;
}

/** The order as the API shows it, with its forward parcel, read in one statement. */
export const loadOrderView = async (db: Sql, orderId: string): Promise<OrderView> => {
  const view = await orderWithForwardShipment(db, orderId);
  if (!view) throw notFound('ORDER.NOT_FOUND', `Unknown order ${orderId}`, { order_id: orderId });
  return view;
};

export interface RecordOrderInput extends OrderIdentity {
  contentId?: string | undefined;
  creatorId?: string | undefined;
  amountFen: bigint;
  paidAt: Date;
  fulfilment: Fulfilment;
  promisedDispatchAt?: Date | undefined;
  returnExemptions: ReturnExemption[];
  /** The order system's history of the buyer, when it gave one. */
  buyerHistory?: { priorOrders: number; firstPaidAt: Date } | undefined;
}

/**
 * Whether the order is a new buyer's (issue 19): the buyer's orders recorded before it, read with
 * one index range (buyer_id, paid_at) of at most the policy's count. Two first orders of one buyer
 * racing may both count as new: care watches one order too many, never one too few.
 */
const newBuyerOf = async (work: Work, input: RecordOrderInput) => {
  const policy = NEW_BUYER_CARE_POLICIES.active;
  // The order system knows the buyer's whole history; ours starts when this service went live.
  if (input.buyerHistory) return isNewBuyerOrder(input.buyerHistory, input.paidAt, policy);
  const history = await buyerFirstOrders(work.sql, input.buyerId, policy.newBuyer.firstOrders);
  const firstPaidAt = history.firstPaidAt && history.firstPaidAt < input.paidAt ? history.firstPaidAt : input.paidAt;
  return isNewBuyerOrder({ priorOrders: history.count, firstPaidAt }, input.paidAt, policy);
};

export const recordOrder = async (work: Work, input: RecordOrderInput): Promise<OrderView> => {
  const promise = planDispatchPromise(input);
  const newBuyer = await newBuyerOf(work, input);
  // Not awaited: a refusal fails the unit at COMMIT with the error below. Nothing in this unit reads
  // the new row or refers to it, so it goes out inside the unit's effects statement.
  const recorded = insertOrder(
    work.withEffectsSql,
    {
      ...orderIdentityOf(input),
      contentId: input.contentId ?? null,
      creatorId: input.creatorId ?? null,
      amountFen: input.amountFen,
      paidAt: input.paidAt,
      fulfilment: input.fulfilment,
      promisedDispatchAt: input.promisedDispatchAt ?? null,
      dispatchDueAt: promise.dispatchDueAt,
      returnExemptions: input.returnExemptions,
      promiseReasons: reasonsToJson(promise.reasons),
      promisePolicyName: promise.policy.name,
      promisePolicyVersion: promise.policy.version,
      newBuyer: newBuyer.newBuyer,
      newBuyerPolicyVersion: newBuyer.newBuyer ? newBuyer.policy.version : null,
      now: work.now,
    },
    (why) =>
      why === 'MERCHANT_REMOVED'
        ? failedPrecondition('ORDER.MERCHANT_REMOVED', 'The merchant was removed from the platform and may not sell', { merchant_id: input.merchantId })
        : orderExists(input.orderId),
  );
  for (const timer of promise.timers) work.schedule({ kind: timer.kind, key: timer.subjectId, dueAt: timer.dueAt });
  if (newBuyer.newBuyer) watchNewBuyerOrder(work, 'DISPATCH_STUCK', { orderId: input.orderId, anchor: promise.dispatchDueAt });
  work.emit(OrderRecordedEvent, {
    ...orderIdentityOf(input),
    contentId: input.contentId ?? '',
    creatorId: input.creatorId ?? '',
    amountFen: input.amountFen,
    paidAt: input.paidAt,
    fulfilment: fulfilmentCodec.toProto(input.fulfilment),
    dispatchDueAt: promise.dispatchDueAt,
  });
  work.touch({ merchantId: input.merchantId, productId: input.productId, contentId: input.contentId });
  // The row as it will be stored, and a new order has no shipment: nothing to read back.
  return { order: recorded, forwardShipment: null };
};

const orderExists = (orderId: string) => alreadyExists('ORDER.ALREADY_RECORDED', `Order ${orderId} is already recorded`, { order_id: orderId });

const appendReasons = (order: OrderRow, reasons: readonly Reason[]) => reasonsToJson([...reasonsFromJson(order.promiseReasons), ...reasons]);

export interface RecordShipmentInput {
  orderId: string;
  trackingNumber: string;
  carrierCode: string;
  shippedAt: Date;
  afterSaleId?: string | undefined;
}

export const recordShipment = async (work: Work, input: RecordShipmentInput): Promise<OrderView> => {
  const { now } = work;
  const locked = lockOrder(work.sql, input.orderId);
  // In the lock's write and read under it: a new buyer's open care cases, which a dispatch may
  // resolve (none for other buyers' orders), without a round trip of their own. Both answers are
  // awaited here, so the writes below leave together with the unit's effects and COMMIT.
  const careCases = openCareCasesBeforeStepIn(work.sql, [input.orderId], now);
  const [order] = await Promise.all([locked, careCases]);
  if (input.afterSaleId) {
    await recordReplacementShipment(work, order, { ...input, afterSaleId: input.afterSaleId });
    return loadOrderView(work.sql, order.orderId);
  }
  if (order.shippedAt !== null) {
    throw failedPrecondition('ORDER.ALREADY_SHIPPED', 'The order already has a shipment', { order_id: order.orderId });
  }
  if (order.status === 'REFUNDED') {
    throw failedPrecondition('ORDER.REFUNDED', 'The order was refunded in full before dispatch; nothing is to be shipped', { order_id: order.orderId });
  }
  const plan = planShipment({ orderId: order.orderId, paidAt: order.paidAt, dispatchDueAt: order.dispatchDueAt, shippedAt: input.shippedAt });
  const forwardShipment = sendNewShipment(work, {
    trackingNumber: input.trackingNumber,
    carrierCode: input.carrierCode,
    kind: 'FORWARD',
    orderId: order.orderId,
    shippedAt: input.shippedAt,
    firstScanDueAt: plan.firstScanDueAt,
    dispatchedOnTime: plan.onTime,
  });
  const shipped = markOrderShipped(work.sql, { orderId: order.orderId, shippedAt: input.shippedAt, dispatchedOnTime: plan.onTime, promiseReasons: appendReasons(order, plan.reasons), now });
  for (const timer of plan.timers) work.schedule({ kind: timer.kind, key: timer.subjectId, dueAt: timer.dueAt });
  for (const kind of plan.cancel) work.cancel(kind, order.orderId);
  if (order.newBuyer) {
    watchNewBuyerOrder(work, 'NO_LOGISTICS_SCAN', { orderId: order.orderId, anchor: input.shippedAt });
    await resolveCareCasesMovedOn(work, careCases);
  }
  work.touch({ merchantId: order.merchantId });
  // The order as the update leaves it and the parcel as stored: nothing to read back.
  return { order: { ...order, ...shipped }, forwardShipment };
};

const recordReplacementShipment = async (work: Work, order: OrderRow, input: RecordShipmentInput & { afterSaleId: string }): Promise<void> => {
  const afterSale = await afterSaleById(work.sql, input.afterSaleId);
  if (!afterSale || afterSale.orderId !== order.orderId) {
    throw notFound('AFTER_SALE.NOT_FOUND', `Order ${order.orderId} has no after-sale ${input.afterSaleId}`, { after_sale_id: input.afterSaleId });
  }
  const transition = transitionAfterSale(afterSaleState(afterSale), { kind: 'REPLACEMENT_SHIPPED' }, work.now);
  sendNewShipment(work, {
    trackingNumber: input.trackingNumber,
    carrierCode: input.carrierCode,
    kind: 'REPLACEMENT',
    orderId: order.orderId,
    afterSaleId: afterSale.afterSaleId,
    shippedAt: input.shippedAt,
  });
  await applyAfterSaleStep(work, await Payouts.open(work, [order], [afterSale]), order, afterSale, transition);
};

export interface RecordScanInput {
  trackingNumber: string;
  carrierCode: string;
  scanType: TrackingScanType;
  scannedAt: Date;
  location: string;
}

export interface ScanResult {
  order: OrderView;
  afterSale?: AfterSaleView | undefined;
  refund?: RefundRow | undefined;
}

const earliest = (current: Date | null, candidate: Date): Date => (current && current.getTime() <= candidate.getTime() ? current : candidate);

export const recordTrackingScan = async (work: Work, input: RecordScanInput): Promise<ScanResult> => {
  const { now } = work;
  const locked = lockParcel(work.sql, input.trackingNumber);
  // In the lock's write (see recordShipment).
  const careCases = openCareCasesOfParcel(work.sql, input.trackingNumber, now);
  const [parcel] = await Promise.all([locked, careCases]);
  if (!parcel) {
    throw notFound('SHIPMENT.UNKNOWN_TRACKING_NUMBER', `No parcel with tracking number ${input.trackingNumber}`, {
      tracking_number: input.trackingNumber,
    });
  }
  const { order, shipment } = parcel;
  if (shipment.carrierCode !== input.carrierCode) {
    throw failedPrecondition('SHIPMENT.CARRIER_MISMATCH', 'The parcel was registered with another carrier', {
      tracking_number: input.trackingNumber,
      registered_carrier: shipment.carrierCode,
    });
  }
  const firstScanAt = earliest(shipment.firstScanAt, input.scannedAt);
  const pickupAt = input.scanType === 'PICKUP' ? earliest(shipment.pickupAt, input.scannedAt) : shipment.pickupAt;
  const deliveredAt = input.scanType === 'DELIVERED' ? earliest(shipment.deliveredAt, input.scannedAt) : shipment.deliveredAt;
  recordScan(work.sql, { trackingNumber: shipment.trackingNumber, scanType: input.scanType, scannedAt: input.scannedAt, location: input.location, recordedAt: now }, { firstScanAt, pickupAt, deliveredAt });

  if (shipment.kind === 'FORWARD') {
    // A first scan by the deadline stops the fake-shipment clock; one after it changes nothing (already judged).
    if (shipment.firstScanDueAt && firstScanAt.getTime() <= shipment.firstScanDueAt.getTime()) work.cancel('FIRST_SCAN_DEADLINE', order.orderId);
    const delivered = input.scanType === 'DELIVERED' && order.deliveredAt === null && deliveredAt ? markOrderDelivered(work.sql, order, deliveredAt, now) : {};
    if (order.newBuyer) await resolveCareCasesMovedOn(work, careCases);
    // The order and parcel as these writes leave them: nothing to read back.
    return { order: { order: { ...order, ...delivered }, forwardShipment: { ...shipment, firstScanAt, pickupAt, deliveredAt } } };
  }
  if (!shipment.afterSaleId) return { order: await loadOrderView(work.sql, order.orderId) };
  const afterSale = await afterSaleById(work.sql, shipment.afterSaleId);
  if (!afterSale) throw new Error(`parcel ${shipment.trackingNumber} refers to no after-sale ${shipment.afterSaleId}`);
  let refund: RefundRow | undefined;
  if (shipment.kind === 'RETURN' && afterSale.status === 'RETURN_IN_TRANSIT') {
    const event = input.scanType === 'PICKUP' ? ({ kind: 'RETURN_PICKED_UP' } as const) : input.scanType === 'DELIVERED' ? ({ kind: 'RETURN_DELIVERED' } as const) : undefined;
    if (event) refund = await applyReturnScan(work, order, afterSale, event);
  }
  // Both views in one round trip, behind the step's writes.
  const [orderView, afterSaleView] = await Promise.all([loadOrderView(work.sql, order.orderId), loadAfterSaleView(work.sql, afterSale.afterSaleId)]);
  return { order: orderView, afterSale: afterSaleView, refund };
};

const applyReturnScan = async (
  work: Work,
  order: OrderRow,
  afterSale: AfterSaleRow,
  event: { kind: 'RETURN_PICKED_UP' } | { kind: 'RETURN_DELIVERED' },
): Promise<RefundRow | undefined> => {
  const transition = transitionAfterSale(afterSaleState(afterSale), event, work.now);
  if (transition.status === afterSale.status && transition.effects.length === 0) return undefined;
  const step = await applyAfterSaleStep(work, await Payouts.open(work, [order], [afterSale]), order, afterSale, transition);
  return step.refund;
};

/** The dispatch clock ran out: a late order compensates its buyer from the fund, recovered from the merchant. */
export const onDispatchDeadline = async (work: Work, orderId: string): Promise<void> => {
  const order = await lockOrder(work.sql, orderId);
  // Paid back in full before dispatch: nothing will ship, so nothing is late.
  if (order.lateDispatch || (order.status === 'REFUNDED' && order.shippedAt === null)) return;
  const outcome = decideDispatchDeadline({ dispatchDueAt: order.dispatchDueAt, shippedAt: order.shippedAt ?? undefined, amountFen: order.amountFen }, work.now);
  if (outcome.kind !== 'LATE') return;
  const finding = outcome.reasons.filter((r) => r.code === 'PROMISE.LATE_DISPATCH');
  const desk = await Payouts.open(work, [order], []);
  const paid = await desk.compensate({ order, cause: 'LATE_DISPATCH', triggeredBy: 'system', reasons: finding });
  await desk.write();
  markOrderLate(work.sql, { orderId, promiseReasons: appendReasons(order, outcome.reasons), now: work.now });
  work.emit(LateDispatchDetectedEvent, {
    orderId,
    merchantId: order.merchantId,
    buyerId: order.buyerId,
    dispatchDueAt: order.dispatchDueAt,
    compensationFen: paid.compensation.amountFen,
    fulfilment: fulfilmentCodec.toProto(order.fulfilment),
  });
  work.touch({ merchantId: order.merchantId });
};

/** The first-scan clock ran out without a carrier scan: a fake shipment. */
export const onFirstScanDeadline = async (work: Work, orderId: string): Promise<void> => {
  const locked = await lockOrderWithForwardShipment(work.sql, orderId);
  if (!locked) throw notFound('ORDER.NOT_FOUND', `Unknown order ${orderId}`, { order_id: orderId });
  const { order, shipment } = locked;
  if (!shipment?.firstScanDueAt || shipment.fakeShipment) return;
  const outcome = decideFirstScanDeadline(
    { trackingNumber: shipment.trackingNumber, firstScanDueAt: shipment.firstScanDueAt, firstScanAt: shipment.firstScanAt ?? undefined },
    work.now,
  );
  if (outcome.kind !== 'FAKE_SHIPMENT') return;
  markFakeShipment(work.sql, { trackingNumber: shipment.trackingNumber, orderId, promiseReasons: appendReasons(order, outcome.reasons), now: work.now });
  work.emit(FakeShipmentDetectedEvent, {
    orderId,
    merchantId: order.merchantId,
    trackingNumber: shipment.trackingNumber,
    carrierCode: shipment.carrierCode,
    shippedAt: shipment.shippedAt,
    firstScanDueAt: shipment.firstScanDueAt,
  });
  work.touch({ merchantId: order.merchantId });
};

export const recordReview = async (work: Work, input: { orderId: string; buyerId: string; rating: number; text: string }): Promise<ReviewRow> => {
  const review = { orderId: input.orderId, buyerId: input.buyerId, rating: input.rating, text: input.text, createdAt: work.now };
  // The checks below explain why the statement added nothing; it adds the review only when they all pass.
  const attempt = await addReview(work.sql, review);
  if (!attempt) throw notFound('ORDER.NOT_FOUND', `Unknown order ${input.orderId}`, { order_id: input.orderId });
  const { order } = attempt;
  if (order.buyerId !== input.buyerId) {
    throw new ValidationError([{ field: 'buyer_id', description: 'does not own the order', reason: 'NOT_ORDER_OWNER' }], 'REVIEW.INVALID');
  }
  if (!order.delivered) throw failedPrecondition('REVIEW.NOT_DELIVERED', 'Only delivered orders can be reviewed', { order_id: order.orderId });
  if (!attempt.added) throw reviewExists(order.orderId);
  work.touch({ merchantId: order.merchantId, productId: order.productId });
  return { ...review, merchantId: order.merchantId, productId: order.productId };
};

const reviewExists = (orderId: string) => alreadyExists('REVIEW.ALREADY_RECORDED', 'The order has already been reviewed', { order_id: orderId });

import { DAY, HOUR, reason, Violations, type PolicyRef, type Reason } from '@govern/policy-core';
import { addMs, maxBig, minBig, policyRef, yuan, type Explained, type Fulfilment, type Timer } from './model';
import { PROMISE_POLICY, type PromisePolicy } from './promise.policy';

/**
 * Promise clocks: when an order must be dispatched, whether a shipment kept the promise,
 * and what happens when a deadline passes. Functions return the timers to schedule; the service
 * persists them (durable timers) and calls the matching `on...Deadline` when one fires.
 */

export interface DispatchPromise extends Explained {
  dispatchDueAt: Date;
  timers: Timer[];
}

/**
 * The dispatch deadline of a paid order: paid_at + 48 h in stock; the promised time for a pre-sale,
 * which must fall after payment and at most 15 days after it (longer is rejected).
 */
export const planDispatchPromise = (
  order: { orderId: string; fulfilment: Fulfilment; paidAt: Date; promisedDispatchAt?: Date | undefined },
  policy: PromisePolicy = PROMISE_POLICY,
): DispatchPromise => {
  const ref = policyRef(policy);
  if (order.fulfilment === 'IN_STOCK') {
    const dispatchDueAt = addMs(order.paidAt, policy.inStockDispatchWithinMs);
    return {
      dispatchDueAt,
      timers: [{ kind: 'DISPATCH_DEADLINE', subjectId: order.orderId, dueAt: dispatchDueAt }],
      reasons: [
        reason('PROMISE.IN_STOCK', `In-stock orders dispatch within ${policy.inStockDispatchWithinMs / HOUR} h of payment`, {
          dispatch_due_at: dispatchDueAt.toISOString(),
        }),
      ],
      policy: ref,
    };
  }
  const v = new Violations();
  const promised = order.promisedDispatchAt;
  if (v.check(promised !== undefined, 'promised_dispatch_at', 'is required for a pre-sale', 'REQUIRED') && promised) {
    v.check(promised.getTime() > order.paidAt.getTime(), 'promised_dispatch_at', 'must be after paid_at', 'BEFORE_PAID_AT');
    const maxDays = policy.preSaleMaxDispatchMs / DAY;
    v.check(
      promised.getTime() - order.paidAt.getTime() <= policy.preSaleMaxDispatchMs,
      'promised_dispatch_at',
      `a pre-sale must dispatch within ${maxDays} days of payment`,
      'PRE_SALE_TOO_LONG',
    );
  }
  const tooLong = v.items.some((x) => x.reason === 'PRE_SALE_TOO_LONG');
  v.throwIfAny(tooLong ? 'ORDER.PRE_SALE_TOO_LONG' : 'ORDER.INVALID');
  const dispatchDueAt = promised as Date;
  return {
    dispatchDueAt,
    timers: [{ kind: 'DISPATCH_DEADLINE', subjectId: order.orderId, dueAt: dispatchDueAt }],
    reasons: [
      reason('PROMISE.PRE_SALE', `Pre-sale orders dispatch by the promised time, at most ${policy.preSaleMaxDispatchMs / DAY} days after payment`, {
        dispatch_due_at: dispatchDueAt.toISOString(),
      }),
    ],
    policy: ref,
  };
};

/** Late-dispatch compensation: a share of the amount paid, clamped to the policy's min and max. */
export const lateDispatchCompensation = (
  amountFen: bigint,
  policy: PromisePolicy = PROMISE_POLICY,
): { amountFen: bigint; reasons: Reason[]; policy: PolicyRef } => {
  const rule = policy.lateDispatchCompensation;
  const share = (amountFen * rule.basisPoints) / 10_000n;
  const paid = minBig(maxBig(share, rule.minFen), rule.maxFen);
  return {
    amountFen: paid,
    reasons: [
      reason('PROMISE.LATE_DISPATCH_COMPENSATION', `Late dispatch compensates the buyer ${yuan(paid)} yuan`, {
        order_amount_fen: amountFen.toString(),
        basis_points: rule.basisPoints.toString(),
        share_fen: share.toString(),
        min_fen: rule.minFen.toString(),
        max_fen: rule.maxFen.toString(),
      }),
    ],
    policy: policyRef(policy),
  };
};

export interface ShipmentPlan extends Explained {
  /** Dispatched by the deadline. */
  onTime: boolean;
  firstScanDueAt: Date;
  /** Timers to schedule (the first-scan deadline). */
  timers: Timer[];
  /** Timers of this order to cancel (the dispatch deadline, when on time). */
  cancel: Timer['kind'][];
}

/** A recorded dispatch: whether it kept the promise, and the 24 h first-scan clock it starts. */
export const planShipment = (
  shipment: { orderId: string; paidAt: Date; dispatchDueAt: Date; shippedAt: Date },
  policy: PromisePolicy = PROMISE_POLICY,
): ShipmentPlan => {
  const v = new Violations();
  v.check(shipment.shippedAt.getTime() >= shipment.paidAt.getTime(), 'shipped_at', 'must not be before paid_at', 'BEFORE_PAID_AT');
  v.throwIfAny('SHIPMENT.INVALID');
  const onTime = shipment.shippedAt.getTime() <= shipment.dispatchDueAt.getTime();
  const firstScanDueAt = addMs(shipment.shippedAt, policy.firstScanWithinMs);
  return {
    onTime,
    firstScanDueAt,
    timers: [{ kind: 'FIRST_SCAN_DEADLINE', subjectId: shipment.orderId, dueAt: firstScanDueAt }],
    cancel: onTime ? ['DISPATCH_DEADLINE'] : [],
    reasons: [
      onTime
        ? reason('PROMISE.DISPATCHED_ON_TIME', 'Dispatched by the promised deadline', {
            dispatch_due_at: shipment.dispatchDueAt.toISOString(),
          })
        : reason('PROMISE.DISPATCHED_LATE', 'Dispatched after the promised deadline', {
            dispatch_due_at: shipment.dispatchDueAt.toISOString(),
            shipped_at: shipment.shippedAt.toISOString(),
          }),
      reason('PROMISE.FIRST_SCAN_DUE', 'The carrier must scan the parcel within 24 h of dispatch', {
        first_scan_due_at: firstScanDueAt.toISOString(),
      }),
    ],
    policy: policyRef(policy),
  };
};

export type DispatchDeadlineOutcome =
  | { kind: 'NOT_DUE' }
  | { kind: 'DISPATCHED_ON_TIME' }
  | ({ kind: 'LATE'; compensationFen: bigint } & Explained);

/**
 * The dispatch timer fired (or is re-checked): late when the deadline passed and the order was not
 * shipped by it. A late order compensates its buyer automatically, once (the service records it).
 */
export const onDispatchDeadline = (
  order: { dispatchDueAt: Date; shippedAt?: Date | undefined; amountFen: bigint },
  now: Date,
  policy: PromisePolicy = PROMISE_POLICY,
): DispatchDeadlineOutcome => {
  if (order.shippedAt && order.shippedAt.getTime() <= order.dispatchDueAt.getTime()) return { kind: 'DISPATCHED_ON_TIME' };
  if (now.getTime() < order.dispatchDueAt.getTime()) return { kind: 'NOT_DUE' };
  const compensation = lateDispatchCompensation(order.amountFen, policy);
  return {
    kind: 'LATE',
    compensationFen: compensation.amountFen,
    reasons: [
      reason('PROMISE.LATE_DISPATCH', 'Not dispatched by the promised deadline', {
        dispatch_due_at: order.dispatchDueAt.toISOString(),
        shipped_at: order.shippedAt ? order.shippedAt.toISOString() : '',
      }),
      ...compensation.reasons,
    ],
    policy: compensation.policy,
  };
};

export type FirstScanDeadlineOutcome = { kind: 'NOT_DUE' } | { kind: 'SCANNED' } | ({ kind: 'FAKE_SHIPMENT' } & Explained);

/**
 * The first-scan timer fired: a shipment whose first carrier scan did not come by the deadline
 * is a fake shipment (a scan that arrives later does not undo it).
 */
export const onFirstScanDeadline = (
  shipment: { trackingNumber: string; firstScanDueAt: Date; firstScanAt?: Date | undefined },
  now: Date,
  policy: PromisePolicy = PROMISE_POLICY,
): FirstScanDeadlineOutcome => {
  if (shipment.firstScanAt && shipment.firstScanAt.getTime() <= shipment.firstScanDueAt.getTime()) return { kind: 'SCANNED' };
  if (now.getTime() < shipment.firstScanDueAt.getTime()) return { kind: 'NOT_DUE' };
  return {
    kind: 'FAKE_SHIPMENT',
    reasons: [
      reason('PROMISE.FAKE_SHIPMENT', 'No carrier scan within 24 h of dispatch', {
        tracking_number: shipment.trackingNumber,
        first_scan_due_at: shipment.firstScanDueAt.toISOString(),
        first_scan_at: shipment.firstScanAt ? shipment.firstScanAt.toISOString() : '',
      }),
    ],
    policy: policyRef(policy),
  };
};

/** In-stock orders shipped within 48 h of payment count towards the 48 h dispatch rate. */
export const dispatchedWithin = (paidAt: Date, shippedAt: Date | undefined, withinMs: number): boolean =>
  shippedAt !== undefined && shippedAt.getTime() - paidAt.getTime() <= withinMs;


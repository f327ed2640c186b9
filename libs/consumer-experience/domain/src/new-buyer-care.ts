import { reason, type Reason } from '@govern/policy-core';
import { addMs, policyRef, type Explained } from './model';
import { NEW_BUYER_CARE_POLICY, type CareKind, type NewBuyerCarePolicy } from './new-buyer-care.policy';

/**
 * Proactive care for new buyers (issue 19). Each watched order gets durable timers per kind; at the
 * first bound a stuck order opens a case and the merchant is nudged, at the second the platform
 * steps in. Every step is a decision over the facts the service read then, so a timer firing twice
 * (or a redelivered one) finds the case already moved and decides nothing new.
 */

export interface BuyerHistory {
  /** The buyer's orders paid before this one. */
  priorOrders: number;
  /** When the buyer's first order was paid (this one when it is the first). */
  firstPaidAt: Date;
}

/** Whether an order is a new buyer's, and why. */
export const isNewBuyerOrder = (history: BuyerHistory, paidAt: Date, policy: NewBuyerCarePolicy = NEW_BUYER_CARE_POLICY): Explained & { newBuyer: boolean } => {
  const { firstOrders, firstDaysMs } = policy.newBuyer;
  const withinOrders = history.priorOrders < firstOrders;
  const withinDays = paidAt.getTime() - history.firstPaidAt.getTime() <= firstDaysMs;
  const newBuyer = withinOrders && withinDays;
  const evidence = {
    prior_orders: String(history.priorOrders),
    first_orders: String(firstOrders),
    first_paid_at: history.firstPaidAt.toISOString(),
    first_days_ms: String(firstDaysMs),
  };
  return {
    newBuyer,
    reasons: [
      newBuyer
        ? reason('CARE.NEW_BUYER', `One of the buyer's first ${firstOrders} orders, within ${Math.round(firstDaysMs / 86_400_000)} days of the first`, evidence)
        : reason('CARE.NOT_NEW_BUYER', withinOrders ? 'The buyer’s first order was too long ago' : `The buyer has ${history.priorOrders} earlier orders`, evidence),
    ],
    policy: policyRef(policy),
  };
};

export interface CareSchedule {
  kind: CareKind;
  nudgeAt: Date;
  stepInAt: Date;
}

/** When a watch nudges and steps in, from its anchor (dispatch deadline, dispatch, or after-sale request). */
export const careSchedule = (kind: CareKind, anchor: Date, policy: NewBuyerCarePolicy = NEW_BUYER_CARE_POLICY): CareSchedule => {
  const watch = policy.watches[kind];
  if (!watch) throw new Error(`${policy.name} ${policy.version} does not watch ${kind}`);
  return { kind, nudgeAt: addMs(anchor, watch.nudgeAtMs), stepInAt: addMs(anchor, watch.stepInAtMs) };
};

/** What the care rules read about the watched order when a timer fires. */
export interface CareState {
  kind: CareKind;
  shipped: boolean;
  /** The order has been paid back in full (nothing left for anyone to do). */
  refundedInFull: boolean;
  /** A carrier scan of the forward parcel arrived. */
  scanned: boolean;
  /** REFUND_PENDING: the after-sale is still open (no refund, no ruling, no close). */
  afterSaleOpen: boolean;
  /** RETURN_FEE_UNSETTLED: return freight the merchant owes the buyer is still unpaid (absent in records before the kind). */
  returnFeeOwed?: boolean | undefined;
}

/**
 * NUDGE and STEP_IN are the watch's two timers; RECHECK is the merchant's own move (a dispatch, a
 * scan, an after-sale step) looked at as it happens, so a case fixed early resolves at once.
 */
export type CareStep = 'NUDGE' | 'STEP_IN' | 'RECHECK';

/** A care case's facts as evaluated by one timer: recorded with the decision, enough to replay it. */
export interface CareFacts {
  at: Date;
  caseId: string;
  orderId: string;
  merchantId: string;
  buyerId: string;
  step: CareStep;
  state: CareState;
}

export type CareOutcome =
  /** Stuck at the first bound: the case opens and the merchant is nudged. */
  | 'OPEN_AND_NUDGE'
  /** Stuck past the second bound: the fund pays (order refund or the after-sale's amount). */
  | 'PLATFORM_STEPS_IN'
  /** The merchant moved in time: nothing opens, or an open case resolves as the merchant's. */
  | 'NOT_STUCK'
  /** RECHECK of a move that did not unstick the order: the case stays open for its step-in bound. */
  | 'STILL_STUCK';

export interface CareDecision extends Explained {
  outcome: CareOutcome;
}

/** Whether the watched problem is still there. */
const stuckReason = (state: CareState): Reason | undefined => {
  // The buyer's freight is owed whatever became of the price.
  if (state.kind === 'RETURN_FEE_UNSETTLED') {
    return state.returnFeeOwed ? reason('CARE.RETURN_FEE_UNSETTLED', 'The return shipping the merchant owes the buyer is unpaid') : undefined;
  }
  if (state.refundedInFull) return undefined;
  switch (state.kind) {
    case 'DISPATCH_STUCK':
      return state.shipped ? undefined : reason('CARE.NOT_DISPATCHED', 'The order has not been dispatched near its 48 h promise');
    case 'NO_LOGISTICS_SCAN':
      return state.shipped && !state.scanned ? reason('CARE.NO_LOGISTICS_SCAN', 'The parcel has had no carrier scan since dispatch') : undefined;
    case 'REFUND_PENDING':
      return state.afterSaleOpen ? reason('CARE.REFUND_PENDING', 'The refund request is still open') : undefined;
  }
};

/** The care rule at one timer: open and nudge, step in, or nothing (the merchant moved). */
export const decideCare = (facts: CareFacts, policy: NewBuyerCarePolicy = NEW_BUYER_CARE_POLICY): CareDecision => {
  const stuck = stuckReason(facts.state);
  const ref = policyRef(policy);
  if (!stuck) {
    return {
      outcome: 'NOT_STUCK',
      reasons: [reason('CARE.MOVED_ON', facts.state.refundedInFull ? 'The order was paid back in full' : 'The merchant resolved it in time', { kind: facts.state.kind })],
      policy: ref,
    };
  }
  const bound = policy.watches[facts.state.kind] ?? { nudgeAtMs: 0, stepInAtMs: 0 };
  if (facts.step === 'RECHECK') return { outcome: 'STILL_STUCK', reasons: [stuck], policy: ref };
  if (facts.step === 'NUDGE') {
    return {
      outcome: 'OPEN_AND_NUDGE',
      reasons: [stuck, reason('CARE.MERCHANT_NUDGED', 'A care case opens and the merchant is asked to act', { nudge_at_ms: String(bound.nudgeAtMs), step_in_at_ms: String(bound.stepInAtMs) })],
      policy: ref,
    };
  }
  return {
    outcome: 'PLATFORM_STEPS_IN',
    reasons: [
      stuck,
      facts.state.kind === 'RETURN_FEE_UNSETTLED'
        ? reason('CARE.PLATFORM_PAYS_RETURN_FEE', 'The merchant did not pay: the fund pays the buyer the return shipping owed, recovered from the deposit', { step_in_at_ms: String(bound.stepInAtMs) })
        : facts.state.kind === 'REFUND_PENDING'
        ? reason('CARE.PLATFORM_REFUNDS_AFTER_SALE', 'The merchant did not act: the fund pays the refund asked for, recovered from the deposit', { step_in_at_ms: String(bound.stepInAtMs) })
        : reason('CARE.PLATFORM_REFUNDS_ORDER', 'The merchant did not act: the fund pays the order back, recovered from the deposit', { step_in_at_ms: String(bound.stepInAtMs) }),
    ],
    policy: ref,
  };
};

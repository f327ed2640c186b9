import { failedPrecondition, reason, Violations, type Reason } from '@govern/policy-core';
import { COMPENSATION_POLICY, type CompensationPolicy, type InspectionSeverity } from './compensation.policy';
import { checkAmount } from './input-validation';
import { advanceCompensationPosting, type AdvanceCompensationPosting, type DepositState } from './ledger';
import { maxBig, minBig, policyRef, yuan, type CompensationCause, type Explained } from './model';
import { lateDispatchCompensation } from './promise-clocks';
import { PROMISE_POLICY, type PromisePolicy } from './promise.policy';

/**
 * What the consumer protection fund may pay on an order, and the per-order caps
 * (see COMPENSATION_POLICY): refunds never beyond the price and never twice for one after-sale;
 * statutory damages never beyond the largest statutory amount; late dispatch once.
 */

/** Everything already paid out on one order, by kind. The service keeps it under a row lock. */
export interface OrderPayouts {
  /** Amount the buyer paid, in fen. */
  priceFen: bigint;
  /** Refund-kind total: merchant refunds, fast refunds, fund refunds. */
  refundedFen: bigint;
  /** After-sales already refunded (each at most once). */
  refundedAfterSaleIds: readonly string[];
  /** Statutory damages paid (fraud, food safety). */
  punitiveFen: bigint;
  /** Late-dispatch compensation paid. */
  lateDispatchFen: bigint;
}

export const emptyPayouts = (priceFen: bigint): OrderPayouts => ({
  priceFen,
  refundedFen: 0n,
  refundedAfterSaleIds: [],
  punitiveFen: 0n,
  lateDispatchFen: 0n,
});

export type PayoutKind = 'REFUND' | 'PUNITIVE' | 'LATE_DISPATCH';

export const payoutKindOf = (cause: CompensationCause, policy: CompensationPolicy = COMPENSATION_POLICY): PayoutKind => {
  // New-buyer care pays the price back under every fund version (the cause came after the versions
  // shipped, and old versions are never edited): it is a refund by what it is, like LATE_DISPATCH is its own kind.
  if (cause === 'NEW_BUYER_CARE' || policy.refundKindCauses.includes(cause)) return 'REFUND';
  return cause === 'LATE_DISPATCH' ? 'LATE_DISPATCH' : 'PUNITIVE';
};

/**
 * Statutory damages: fraud 3x the price, at least 500 yuan (Consumer Rights Protection Law
 * art. 55); unsafe food 10x the price, at least 1000 yuan (Food Safety Law art. 148).
 */
export const statutoryAmount = (
  cause: 'FRAUD' | 'FOOD_SAFETY',
  priceFen: bigint,
  policy: CompensationPolicy = COMPENSATION_POLICY,
): { amountFen: bigint; reason: Reason } => {
  const rule = policy.statutory[cause];
  const multiple = priceFen * rule.multiple;
  const amountFen = maxBig(multiple, rule.minFen);
  return {
    amountFen,
    reason: reason(`COMPENSATION.STATUTORY.${cause}`, `${rule.law}: ${rule.multiple}x the price, at least ${yuan(rule.minFen)} yuan`, {
      price_fen: priceFen.toString(),
      multiple: rule.multiple.toString(),
      multiple_fen: multiple.toString(),
      min_fen: rule.minFen.toString(),
      amount_fen: amountFen.toString(),
    }),
  };
};

/**
 * Guards one refund against the order's cap: an after-sale is refunded once, and refunds never
 * sum above the price. Returns the payouts after it; throws FAILED_PRECONDITION otherwise.
 */
export const applyRefund = (payouts: OrderPayouts, refund: { amountFen: bigint; afterSaleId?: string | undefined }): OrderPayouts => {
  const v = new Violations();
  checkAmount(v, 'amount_fen', refund.amountFen);
  v.throwIfAny('REFUND.INVALID');
  if (refund.afterSaleId !== undefined && payouts.refundedAfterSaleIds.includes(refund.afterSaleId)) {
    throw failedPrecondition('REFUND.ALREADY_PAID', 'This after-sale has already been refunded', { after_sale_id: refund.afterSaleId });
  }
  const refundable = payouts.priceFen - payouts.refundedFen;
  if (refund.amountFen > refundable) {
    throw failedPrecondition('REFUND.EXCEEDS_REFUNDABLE', `Only ${yuan(maxBig(refundable, 0n))} yuan is still refundable on this order`, {
      amount_fen: refund.amountFen.toString(),
      refundable_fen: maxBig(refundable, 0n).toString(),
      price_fen: payouts.priceFen.toString(),
    });
  }
  return {
    ...payouts,
    refundedFen: payouts.refundedFen + refund.amountFen,
    refundedAfterSaleIds: refund.afterSaleId === undefined ? payouts.refundedAfterSaleIds : [...payouts.refundedAfterSaleIds, refund.afterSaleId],
  };
};

export interface CompensationEntitlement extends Explained {
  cause: CompensationCause;
  kind: PayoutKind;
  amountFen: bigint;
  /** The order's payouts once this is paid. */
  payouts: OrderPayouts;
}

/**
 * How much the fund pays for a cause on an order, within the caps:
 * - DISPUTE_UNPAID: the unpaid award (`requestedFen`), once per after-sale, within what is refundable;
 * - FAILED_INSPECTION: what is still refundable of the price;
 * - MERCHANT_REMOVED: `requestedFen` (an open after-sale's amount) or else what is still refundable;
 * - FRAUD / FOOD_SAFETY: the statutory amount less the damages already paid on the order;
 * - LATE_DISPATCH: the late-dispatch compensation, once.
 * Nothing left to pay throws FAILED_PRECONDITION `COMPENSATION.CAP_REACHED`.
 */
export const compensationEntitlement = (
  claim: { cause: CompensationCause; payouts: OrderPayouts; requestedFen?: bigint | undefined; afterSaleId?: string | undefined },
  policies: { compensation?: CompensationPolicy; promise?: PromisePolicy } = {},
): CompensationEntitlement => {
  const policy = policies.compensation ?? COMPENSATION_POLICY;
  const { cause, payouts } = claim;
  const kind = payoutKindOf(cause, policy);
  const capReached = (cap: bigint, paid: bigint, detail: string): never => {
    throw failedPrecondition('COMPENSATION.CAP_REACHED', `Nothing more may be paid on this order for ${cause}: ${detail}`, {
      cause,
      cap_fen: cap.toString(),
      paid_fen: paid.toString(),
    });
  };
  if (claim.requestedFen !== undefined) {
    const v = new Violations();
    checkAmount(v, 'amount_fen', claim.requestedFen);
    v.throwIfAny('COMPENSATION.INVALID');
  }

  if (kind === 'REFUND') {
    if (cause === 'DISPUTE_UNPAID' && (claim.requestedFen === undefined || claim.afterSaleId === undefined)) {
      const v = new Violations();
      v.check(claim.afterSaleId !== undefined, 'after_sale_id', 'is required for an unpaid dispute award', 'REQUIRED');
      v.check(claim.requestedFen !== undefined, 'amount_fen', 'the unpaid award is required', 'REQUIRED');
      v.throwIfAny('COMPENSATION.INVALID');
    }
    const refundable = maxBig(payouts.priceFen - payouts.refundedFen, 0n);
    if (refundable === 0n) capReached(payouts.priceFen, payouts.refundedFen, 'the price has been refunded in full');
    const wanted = cause === 'FAILED_INSPECTION' || claim.requestedFen === undefined ? refundable : claim.requestedFen;
    const amountFen = minBig(wanted, refundable);
    const next = applyRefund(payouts, { amountFen, afterSaleId: claim.afterSaleId });
    return {
      cause,
      kind,
      amountFen,
      payouts: next,
      reasons: [
        reason(`COMPENSATION.${cause}`, `The fund pays ${yuan(amountFen)} yuan of the price back first`, {
          price_fen: payouts.priceFen.toString(),
          already_refunded_fen: payouts.refundedFen.toString(),
          requested_fen: claim.requestedFen?.toString() ?? '',
          amount_fen: amountFen.toString(),
        }),
        ...(amountFen < wanted
          ? [reason('COMPENSATION.CAPPED_AT_PRICE', 'Refunds on an order never exceed its price', { wanted_fen: wanted.toString() })]
          : []),
      ],
      policy: policyRef(policy),
    };
  }

  if (kind === 'LATE_DISPATCH') {
    const late = lateDispatchCompensation(payouts.priceFen, policies.promise ?? PROMISE_POLICY);
    if (payouts.lateDispatchFen > 0n) capReached(late.amountFen, payouts.lateDispatchFen, 'late dispatch is compensated once');
    return {
      cause,
      kind,
      amountFen: late.amountFen,
      payouts: { ...payouts, lateDispatchFen: late.amountFen },
      reasons: late.reasons,
      policy: late.policy,
    };
  }

  const statutory = statutoryAmount(cause as 'FRAUD' | 'FOOD_SAFETY', payouts.priceFen, policy);
  const amountFen = statutory.amountFen - payouts.punitiveFen;
  if (amountFen <= 0n) capReached(statutory.amountFen, payouts.punitiveFen, 'statutory damages already paid');
  return {
    cause,
    kind,
    amountFen,
    payouts: { ...payouts, punitiveFen: payouts.punitiveFen + amountFen },
    reasons: [
      statutory.reason,
      ...(payouts.punitiveFen > 0n
        ? [
            reason('COMPENSATION.STATUTORY_TOP_UP', 'Damages already paid are deducted: the buyer gets one statutory award, the largest', {
              already_paid_fen: payouts.punitiveFen.toString(),
            }),
          ]
        : []),
    ],
    policy: policyRef(policy),
  };
};

export interface AdvanceCompensationPlan extends CompensationEntitlement, AdvanceCompensationPosting {}

/**
 * Operator-triggered (or timer-triggered) advance compensation: the entitlement within the caps,
 * then the fund pays first and recovers from the merchant's deposit, in one balanced posting.
 */
export const planAdvanceCompensation = (
  claim: {
    orderId: string;
    merchantId: string;
    cause: CompensationCause;
    payouts: OrderPayouts;
    deposit: DepositState;
    requestedFen?: bigint | undefined;
    afterSaleId?: string | undefined;
  },
  policies: { compensation?: CompensationPolicy; promise?: PromisePolicy } = {},
): AdvanceCompensationPlan => {
  const entitlement = compensationEntitlement(claim, policies);
  const ledger = advanceCompensationPosting(
    { orderId: claim.orderId, merchantId: claim.merchantId, amountFen: entitlement.amountFen, memo: `COMPENSATION.${claim.cause}` },
    claim.deposit,
  );
  return {
    ...entitlement,
    ...ledger,
    reasons: [
      ...entitlement.reasons,
      reason('COMPENSATION.RECOVERY', 'Paid by the fund first, recovered from the merchant deposit', {
        recovered_fen: ledger.recoveredFen.toString(),
        outstanding_fen: ledger.outstandingFen.toString(),
      }),
      ...ledger.topUp.reasons,
    ],
  };
};

/**
 * Whether a cause can be claimed on an order at all, before any amount: food-safety damages need
 * food, late-dispatch compensation a late order, removal protection a removed merchant, an unpaid
 * award a ruling whose payment deadline passed. Throws FAILED_PRECONDITION with a stable code.
 */
export const requireCauseApplies = (
  cause: CompensationCause,
  order: { categoryCode: string; lateDispatch: boolean; merchantRemoved: boolean },
  policy: CompensationPolicy = COMPENSATION_POLICY,
): void => {
  if (cause === 'FOOD_SAFETY' && !isFoodCategory(order.categoryCode, policy)) {
    throw failedPrecondition('COMPENSATION.NOT_FOOD', 'Food Safety Law damages apply to food only', { category_code: order.categoryCode });
  }
  if (cause === 'LATE_DISPATCH' && !order.lateDispatch) {
    throw failedPrecondition('COMPENSATION.NOT_LATE', 'The order was not dispatched late');
  }
  if (cause === 'NEW_BUYER_CARE') {
    throw failedPrecondition('COMPENSATION.CARE_ONLY', 'New-buyer care pays by its own timers, when a new buyer’s order is stuck past its bound');
  }
  if (cause === 'MERCHANT_REMOVED' && !order.merchantRemoved) {
    throw failedPrecondition('COMPENSATION.MERCHANT_NOT_REMOVED', 'The merchant has not been removed');
  }
};

export const isFoodCategory = (categoryCode: string, policy: CompensationPolicy = COMPENSATION_POLICY): boolean =>
  policy.foodCategoryPrefixes.some((prefix) => categoryCode === prefix || categoryCode.startsWith(`${prefix}.`));

/** Whether a failed lab result pays back the product's recent buyers, and from when. */
export const failedInspectionCompensation = (
  failure: { severity: InspectionSeverity | undefined; criticalDefects: number; failedAt: Date },
  policy: CompensationPolicy = COMPENSATION_POLICY,
): { compensates: boolean; paidSince: Date; reasons: Reason[] } => {
  // A result that counts critical defects is critical whatever the severity field says.
  const severity: InspectionSeverity | undefined = failure.criticalDefects > 0 ? 'CRITICAL' : failure.severity;
  const compensates = severity !== undefined && policy.failedInspection.compensatedSeverities.includes(severity);
  const paidSince = new Date(failure.failedAt.getTime() - policy.failedInspection.lookbackMs);
  return {
    compensates,
    paidSince,
    reasons: [
      compensates
        ? reason('COMPENSATION.FAILED_INSPECTION_BUYERS', 'A critical lab failure pays back every buyer of the last 90 days', {
            severity: severity ?? '',
            critical_defects: String(failure.criticalDefects),
            paid_since: paidSince.toISOString(),
          })
        : reason('COMPENSATION.INSPECTION_NOT_CRITICAL', 'Only critical failures are paid back by the fund', { severity: severity ?? '' }),
    ],
  };
};

import { failedPrecondition, reason, Violations, type Reason } from '@govern/policy-core';
import { AFTER_SALE_POLICY, type AfterSalePolicy } from './after-sale.policy';
import { checkAmount, checkEvidence, checkRefundWithinPaid, checkText } from './input-validation';
import {
  addMs,
  isQualityReason,
  policyRef,
  type AfterSaleReason,
  type AfterSaleType,
  type Explained,
  type ReturnExemption,
  type Timer,
} from './model';

/**
 * Whether a buyer may open an after-sale: the 7-day no-reason return and its legal exceptions,
 * what can be asked before and after dispatch, and how much is still refundable.
 */

/** The exemptions that apply to goods: derived from the category and declared by the listing. */
export const returnExemptions = (
  goods: { categoryCode: string; declaredExemptions: readonly ReturnExemption[]; goodsUnsealed: boolean },
  policy: AfterSalePolicy = AFTER_SALE_POLICY,
): ReturnExemption[] => {
  const found = new Set<ReturnExemption>(goods.declaredExemptions);
  for (const [prefix, exemptions] of Object.entries(policy.categoryExemptions)) {
    if (goods.categoryCode === prefix || goods.categoryCode.startsWith(`${prefix}.`)) for (const e of exemptions) found.add(e);
  }
  // Digital and hygiene goods are only exempt once opened: sealed, they go back like anything else.
  return [...found].filter((e) => goods.goodsUnsealed || !policy.exemptionsNeedingUnsealed.includes(e)).sort();
};

export interface NoReasonAssessment extends Explained {
  eligible: boolean;
  /** End of the 7-day window; undefined before delivery. */
  windowEndsAt?: Date;
  exemptions: ReturnExemption[];
}

/** 7-day no-reason return, measured from delivery (Consumer Rights Protection Law art. 25). */
export const assessNoReasonReturn = (
  goods: {
    deliveredAt?: Date | undefined;
    categoryCode: string;
    declaredExemptions: readonly ReturnExemption[];
    goodsUnsealed: boolean;
  },
  now: Date,
  policy: AfterSalePolicy = AFTER_SALE_POLICY,
): NoReasonAssessment => {
  const ref = policyRef(policy);
  const exemptions = returnExemptions(goods, policy);
  const reasons: Reason[] = [];
  if (!goods.deliveredAt) {
    reasons.push(reason('AFTER_SALE.NOT_DELIVERED', 'The 7-day no-reason window starts at delivery; the goods are not delivered yet'));
    return { eligible: false, exemptions, reasons, policy: ref };
  }
  const windowEndsAt = addMs(goods.deliveredAt, policy.noReasonWindowMs);
  if (now.getTime() > windowEndsAt.getTime()) {
    reasons.push(
      reason('AFTER_SALE.NO_REASON_WINDOW_CLOSED', 'More than 7 days have passed since delivery', {
        delivered_at: goods.deliveredAt.toISOString(),
        window_ends_at: windowEndsAt.toISOString(),
      }),
    );
  }
  for (const exemption of exemptions) {
    reasons.push(
      reason(`AFTER_SALE.NO_REASON_EXEMPT.${exemption}`, 'These goods are excluded from no-reason returns by law or platform policy', {
        exemption,
        category_code: goods.categoryCode,
      }),
    );
  }
  if (reasons.length > 0) return { eligible: false, windowEndsAt, exemptions, reasons, policy: ref };
  return {
    eligible: true,
    windowEndsAt,
    exemptions,
    reasons: [
      reason('AFTER_SALE.NO_REASON_ELIGIBLE', 'Within 7 days of delivery and not excluded', {
        window_ends_at: windowEndsAt.toISOString(),
      }),
    ],
    policy: ref,
  };
};

export interface OrderForAfterSale {
  orderId: string;
  buyerId: string;
  categoryCode: string;
  amountFen: bigint;
  declaredExemptions: readonly ReturnExemption[];
  shippedAt?: Date | undefined;
  deliveredAt?: Date | undefined;
  /** Refund-kind money already paid on the order (merchant refunds and fund refunds). */
  refundedFen: bigint;
  /** An after-sale of the order that is still open: one at a time per order. */
  openAfterSaleId?: string | undefined;
}

export interface AfterSaleRequestInput {
  afterSaleId: string;
  buyerId: string;
  type: AfterSaleType;
  reason: AfterSaleReason;
  amountFen: bigint;
  goodsUnsealed: boolean;
  description?: string;
  evidenceRefs?: readonly string[];
}

export interface AfterSaleAssessment extends Explained {
  eligible: boolean;
  /** Reasons that block the request; empty when eligible. */
  blocking: Reason[];
  /** No shipment recorded yet: a pre-dispatch request. */
  preDispatch: boolean;
  qualityReturn: boolean;
  merchantResponseDueAt: Date;
  /** The merchant-answer timer (the service drops it when a fast refund settles the request). */
  timers: Timer[];
}

/**
 * Checks a new after-sale against the order. Bad input (amount zero, negative, above what was paid;
 * another buyer) throws a ValidationError; what the order's state forbids comes back as blocking
 * reasons (see `requireEligible`).
 */
export const assessAfterSaleRequest = (
  order: OrderForAfterSale,
  request: AfterSaleRequestInput,
  now: Date,
  policy: AfterSalePolicy = AFTER_SALE_POLICY,
): AfterSaleAssessment => {
  const v = new Violations();
  v.check(request.buyerId === order.buyerId, 'buyer_id', 'does not own the order', 'NOT_ORDER_OWNER');
  if (request.type === 'EXCHANGE') {
    v.check(request.amountFen === 0n, 'amount_fen', 'must be 0 for an exchange', 'EXCHANGE_HAS_NO_AMOUNT');
  } else if (checkAmount(v, 'amount_fen', request.amountFen)) {
    checkRefundWithinPaid(v, 'amount_fen', request.amountFen, order.amountFen);
  }
  checkText(v, 'description', request.description);
  checkEvidence(v, 'evidence_refs', request.evidenceRefs);
  v.throwIfAny('AFTER_SALE.INVALID');

  const preDispatch = order.shippedAt === undefined;
  const blocking: Reason[] = [];
  const info: Reason[] = [];
  // One open after-sale per order: two concurrent requests could otherwise each be promised the same money.
  if (order.openAfterSaleId !== undefined) {
    blocking.push(
      reason('AFTER_SALE.ALREADY_OPEN', 'Another after-sale of this order is still open; it must finish first', {
        open_after_sale_id: order.openAfterSaleId,
      }),
    );
  }
  if (order.refundedFen >= order.amountFen) {
    blocking.push(reason('AFTER_SALE.ORDER_REFUNDED', 'The order has been refunded in full', { refunded_fen: order.refundedFen.toString() }));
  }
  if (preDispatch && request.type !== 'REFUND_ONLY') {
    blocking.push(reason('AFTER_SALE.NOT_DISPATCHED', 'Nothing to return or exchange: the order has not been dispatched', { type: request.type }));
  }
  if (!preDispatch && request.reason === 'NOT_WANTED_BEFORE_DISPATCH') {
    blocking.push(reason('AFTER_SALE.ALREADY_DISPATCHED', 'The order has already been dispatched; ask for a return instead'));
  }
  if (request.reason === 'NO_REASON_7_DAYS') {
    if (request.type === 'REFUND_ONLY') {
      blocking.push(reason('AFTER_SALE.NO_REASON_NEEDS_RETURN', 'A no-reason request returns the goods: choose return and refund or exchange'));
    }
    const noReason = assessNoReasonReturn(
      {
        deliveredAt: order.deliveredAt,
        categoryCode: order.categoryCode,
        declaredExemptions: order.declaredExemptions,
        goodsUnsealed: request.goodsUnsealed,
      },
      now,
      policy,
    );
    (noReason.eligible ? info : blocking).push(...noReason.reasons);
  }
  const refundable = order.amountFen - order.refundedFen;
  if (request.type !== 'EXCHANGE' && request.amountFen > refundable) {
    blocking.push(
      reason('AFTER_SALE.EXCEEDS_REFUNDABLE', 'More than what is still refundable on the order', {
        amount_fen: request.amountFen.toString(),
        refundable_fen: refundable.toString(),
      }),
    );
  }
  const qualityReturn = isQualityReason(request.reason);
  if (qualityReturn) info.push(reason('AFTER_SALE.QUALITY_RETURN', 'Quality-related request', { reason: request.reason }));
  const merchantResponseDueAt = addMs(now, policy.merchantResponseWithinMs);
  const eligible = blocking.length === 0;
  return {
    eligible,
    blocking,
    preDispatch,
    qualityReturn,
    merchantResponseDueAt,
    timers: eligible ? [{ kind: 'MERCHANT_RESPONSE_DEADLINE', subjectId: request.afterSaleId, dueAt: merchantResponseDueAt }] : [],
    reasons: eligible ? [reason('AFTER_SALE.ACCEPTED', 'After-sale opened', { type: request.type, reason: request.reason }), ...info] : blocking,
    policy: policyRef(policy),
  };
};

/** Throws FAILED_PRECONDITION with the first blocking reason's code when the request cannot be opened. */
export const requireEligible = (assessment: AfterSaleAssessment): void => {
  const first = assessment.blocking[0];
  if (!first) return;
  throw failedPrecondition(first.code, assessment.blocking.map((r) => r.message).join('; '), {
    ...first.evidence,
    policy_version: assessment.policy.version,
  });
};

import { DisputeDecidedEvent } from '@govern/contracts-consumer-experience';
import type { AfterSaleChangeRow, RefundRow, ShipmentRow } from '@govern/consumer-experience-data-access';
import { sql, type Sql } from '@govern/platform-db';
import {
  assessAfterSaleRequest,
  FAST_REFUND_POLICY,
  isOpenAfterSale,
  openAfterSale,
  requireEligible,
  settleReturnInsurance,
  transitionAfterSale,
  type AfterSaleReason,
  type AfterSaleType,
  type DisputeOutcome,
  type DisputeParty,
  type MerchantStanding,
  type ReturnExemption,
} from '@govern/consumer-experience-domain';
import { DomainError, failedPrecondition, notFound, Violations, type Reason } from '@govern/policy-core';
import { fastRefundDecisions } from '../decisions/decision-kinds';
import { afterSaleFacts, afterSaleWithHistory, insertAfterSale, insertStatusChanges, lockAfterSale } from '../adapters/after-sales.repository';
import { sendShipment, shipmentAsStored, type NewShipment } from '../adapters/shipments.repository';
import { lockOrder } from '../adapters/sql-rows';
import { disputeOutcomeCodec, type MerchantAnswer } from '../mapping/enums';
import { reasonsToJson, stringsFromJson, type AfterSaleView } from '../mapping/to-proto';
import { afterSaleState, applyAfterSaleStep, type FundClaimContext, type StepOutcome } from './after-sale-steps';
import { Payouts } from './payouts';
import { watchNewBuyerOrder } from './care';
import { returnFeePatch } from './return-fee';
import type { Work } from './work';

/**
 * After-sales: opening one (eligibility, fast refund, paid at once when granted), the merchant's
 * answer, disputes, the return parcel with its insurance, and the deadlines that decide when
 * nobody acts. Every step locks the order first: the order row is the payout record.
 */

/** The after-sale as the API shows it, read in one statement. */
export const loadAfterSaleView = (db: Sql, afterSaleId: string): Promise<AfterSaleView> => afterSaleWithHistory(db, afterSaleId);

export const merchantStanding = async (db: Sql, merchantId: string): Promise<MerchantStanding> => {
  const [row] = await db.query<{ status: string; store_score: number | null }>(sql`SELECT status, store_score FROM merchant_standings WHERE merchant_id = ${merchantId}`);
  if (!row) return { status: 'ACTIVE' };
  return { status: row.status as MerchantStanding['status'], ...(row.store_score === null ? {} : { storeScore: row.store_score }) };
};

export interface RequestAfterSaleInput {
  orderId: string;
  buyerId: string;
  type: AfterSaleType;
  reason: AfterSaleReason;
  amountFen: bigint;
  description: string;
  evidenceRefs: string[];
  goodsUnsealed: boolean;
  buyerTrustScore?: number | undefined;
}

export interface AfterSaleResult {
  view: AfterSaleView;
  refund?: RefundRow | undefined;
}

export const requestAfterSale = async (work: Work, input: RequestAfterSaleInput): Promise<AfterSaleResult> => {
  const { now } = work;
  const since = new Date(now.getTime() - FAST_REFUND_POLICY.abuse.windowMs);
  // Sent together: the facts run once the lock is granted, in a snapshot of their own (see afterSaleFacts).
  // Awaited together: a lock that fails (an unknown order, a statement timeout) must not leave the
  // facts' read rejected with nobody waiting for it (an unhandled rejection stops the process).
  const [order, facts] = await Promise.all([lockOrder(work.sql, input.orderId), afterSaleFacts(work.sql, input.orderId, since)]);
  const afterSaleId = work.newId();
  const assessment = assessAfterSaleRequest(
    {
      orderId: order.orderId,
      buyerId: order.buyerId,
      categoryCode: order.categoryCode,
      amountFen: order.amountFen,
      declaredExemptions: stringsFromJson(order.returnExemptions) as ReturnExemption[],
      shippedAt: order.shippedAt ?? undefined,
      deliveredAt: order.deliveredAt ?? undefined,
      refundedFen: order.refundedFen,
      openAfterSaleId: facts.openAfterSaleId ?? undefined,
    },
    { afterSaleId, ...input },
    now,
  );
  requireEligible(assessment);

  const standing: MerchantStanding = facts.standing
    ? { status: facts.standing as MerchantStanding['status'], ...(facts.storeScore === null ? {} : { storeScore: facts.storeScore }) }
    : { status: 'ACTIVE' };
  // The outcome acted on is the one recorded: the rule runs once, through the decision log.
  const evaluation = await work.deps.decisions.evaluateWithShadow(fastRefundDecisions, {
    afterSaleId,
    orderId: order.orderId,
    merchantId: order.merchantId,
    at: now,
    request: {
      type: input.type,
      reason: input.reason,
      amountFen: input.amountFen,
      preDispatch: assessment.preDispatch,
      forwardPickedUp: facts.forwardPickedUp,
      returnPickedUp: false,
      buyerTrustScore: input.buyerTrustScore,
      buyerHistory: { ordersInWindow: facts.buyerOrdersInWindow, refundsInWindow: facts.buyerRefundsInWindow },
      merchant: standing,
    },
  });
  const decision = evaluation.outcome;
  // Its one decision record, never read back in this unit, goes out with the unit's effects.
  await work.recordDecisions([{ evaluation, decisionId: afterSaleId }], { withEffects: true });
  const opened = openAfterSale({ afterSaleId, type: input.type, amountFen: input.amountFen, fastRefund: decision.outcome, fastRefundFen: decision.refundFen, now });
  const desk = await Payouts.open(work, [order], []);
  let refund: RefundRow | undefined;
  for (const effect of opened.effects) {
    if (effect.kind === 'REFUND') {
      refund = desk.refund({ order, afterSaleId, afterSaleReason: input.reason, amountFen: effect.amountFen, fast: effect.fast, afterSaleRowCarriesRefund: true });
    } else if (effect.kind === 'SCHEDULE') {
      work.schedule({ kind: effect.timer.kind, key: effect.timer.subjectId, dueAt: effect.timer.dueAt });
    }
  }
  const answerRequired = opened.status === 'AWAITING_MERCHANT';
  // The after-sale, its audit row and the payment go out together, with the unit's effects and COMMIT.
  let afterSale = insertAfterSale(work.sql, {
    afterSaleId,
    orderId: order.orderId,
    buyerId: input.buyerId,
    merchantId: order.merchantId,
    type: input.type,
    reason: input.reason,
    amountFen: input.amountFen,
    description: input.description,
    evidenceRefs: input.evidenceRefs,
    goodsUnsealed: input.goodsUnsealed,
    buyerTrustScore: input.buyerTrustScore ?? null,
    status: opened.status,
    requestedBeforeDispatch: assessment.preDispatch,
    qualityReturn: assessment.qualityReturn,
    reasons: reasonsToJson(assessment.reasons),
    policyName: assessment.policy.name,
    policyVersion: assessment.policy.version,
    fastRefundOutcome: decision.outcome,
    fastRefundFen: decision.refundFen,
    fastRefundReasons: reasonsToJson(decision.reasons),
    fastRefundPolicyName: decision.policy.name,
    fastRefundPolicyVersion: decision.policy.version,
    fastRefundDecidedAt: decision.decidedAt,
    fastRefunded: refund?.fast ?? false,
    refundedFen: refund?.amountFen ?? 0n,
    merchantAnswerRequired: answerRequired,
    merchantResponseDueAt: answerRequired ? (assessment.merchantResponseDueAt ?? null) : null,
    createdAt: now,
  });
  const change = {
    afterSaleId,
    status: opened.status,
    reasons: reasonsToJson(opened.reasons),
    policyName: opened.policy.name,
    policyVersion: opened.policy.version,
  };
  // A removed merchant's after-sale is settled below, which records its next change and reads the
  // after-sale back: its first change goes first. Otherwise nothing in this unit reads or follows the
  // change row, so it goes out inside the unit's effects statement (one statement fewer).
  const settlesAtOnce = standing.status === 'REMOVED' && isOpenAfterSale(opened.status) && !refund;
  insertStatusChanges(settlesAtOnce ? work.sql : work.withEffectsSql, [change], now);
  // Likewise the refund and the order's totals (the after-sale they refer to went out above).
  await desk.write({ withEffects: !settlesAtOnce });
  // A new buyer's refund request left waiting on the merchant is watched by care (issue 19).
  if (order.newBuyer && opened.status === 'AWAITING_MERCHANT' && input.type !== 'EXCHANGE' && standing.status !== 'REMOVED') {
    watchNewBuyerOrder(work, 'REFUND_PENDING', { orderId: order.orderId, afterSaleId, anchor: now });
  }
  work.touch({ merchantId: order.merchantId, productId: assessment.qualityReturn ? order.productId : undefined });

  // A removed merchant can neither answer nor pay: the fund settles the after-sale at once.
  if (settlesAtOnce) {
    const step = await applyAfterSaleStep(work, desk, order, afterSale, transitionAfterSale(afterSaleState(afterSale), { kind: 'MERCHANT_REMOVED' }, now));
    afterSale = step.afterSale;
    refund = step.refund;
    return { view: await loadAfterSaleView(work.sql, afterSale.afterSaleId), refund };
  }
  // Everything the response shows was written just now: no need to read it back.
  const changeRow: AfterSaleChangeRow = { id: 0n, ...change, changedAt: now };
  return { view: { afterSale, changes: [changeRow], refunds: refund ? [refund] : [], returnShipment: null }, refund };
};

export const respondAfterSale = async (
  work: Work,
  input: { afterSaleId: string; merchantId: string; answer: MerchantAnswer; note: string; evidenceRefs: string[] },
): Promise<AfterSaleResult> => {
  const { order, afterSale } = await lockAfterSale(work.sql, input.afterSaleId);
  if (afterSale.merchantId !== input.merchantId) {
    throw new DomainError('PERMISSION_DENIED', 'AFTER_SALE.NOT_MERCHANT', 'Only the order’s merchant may answer this after-sale', {
      after_sale_id: afterSale.afterSaleId,
    });
  }
  const event = input.answer === 'ACCEPT' ? ({ kind: 'MERCHANT_ACCEPTED' } as const) : ({ kind: 'MERCHANT_REJECTED', note: input.note } as const);
  const transition = transitionAfterSale(afterSaleState(afterSale), event, work.now);
  const answering = afterSale.status === 'AWAITING_MERCHANT';
  const desk = await Payouts.open(work, [order], [afterSale]);
  const step = await applyAfterSaleStep(
    work,
    desk,
    order,
    afterSale,
    transition,
    answering
      ? { merchantAnswer: input.answer, merchantNote: input.note, merchantEvidenceRefs: input.evidenceRefs, merchantRespondedAt: work.now }
      : {},
  );
  return { view: await loadAfterSaleView(work.sql, afterSale.afterSaleId), refund: step.refund };
};

export const escalateDispute = async (
  work: Work,
  input: { afterSaleId: string; escalatedBy: DisputeParty; statement: string; evidenceRefs: string[] },
): Promise<AfterSaleView> => {
  const { order, afterSale } = await lockAfterSale(work.sql, input.afterSaleId);
  const transition = transitionAfterSale(afterSaleState(afterSale), { kind: 'ESCALATED', by: input.escalatedBy }, work.now);
  const desk = await Payouts.open(work, [order], [afterSale]);
  await applyAfterSaleStep(work, desk, order, afterSale, transition, {
    escalatedBy: input.escalatedBy,
    disputeStatement: input.statement,
    disputeEvidenceRefs: input.evidenceRefs,
    escalatedAt: work.now,
  });
  return loadAfterSaleView(work.sql, afterSale.afterSaleId);
};

export const decideDispute = async (
  work: Work,
  input: { afterSaleId: string; outcome: DisputeOutcome; awardFen: bigint; operatorId: string; reasons: Reason[] },
): Promise<AfterSaleView> => {
  const { order, afterSale } = await lockAfterSale(work.sql, input.afterSaleId);
  const transition = transitionAfterSale(
    afterSaleState(afterSale),
    { kind: 'DISPUTE_DECIDED', outcome: input.outcome, ...(input.outcome === 'PARTIAL' ? { awardFen: input.awardFen } : {}) },
    work.now,
  );
  const ruling = [...input.reasons, ...transition.reasons];
  const desk = await Payouts.open(work, [order], [afterSale]);
  await applyAfterSaleStep(work, desk, order, afterSale, transition, {
    disputeOutcome: input.outcome,
    awardFen: transition.awardFen ?? 0n,
    disputeDecidedBy: input.operatorId,
    disputeReasons: reasonsToJson(ruling),
    disputePolicyName: transition.policy.name,
    disputePolicyVersion: transition.policy.version,
    disputeDecidedAt: work.now,
    paymentDueAt: transition.paymentDueAt ?? null,
  });
  work.emit(DisputeDecidedEvent, {
    afterSaleId: afterSale.afterSaleId,
    orderId: order.orderId,
    merchantId: order.merchantId,
    outcome: disputeOutcomeCodec.toProto(input.outcome),
    awardFen: transition.awardFen ?? 0n,
    reasons: ruling.map((r) => ({ code: r.code, message: r.message, evidence: { ...r.evidence }, weight: Math.round(r.weight) })),
  });
  return loadAfterSaleView(work.sql, afterSale.afterSaleId);
};

export const recordReturnShipment = async (
  work: Work,
  input: { afterSaleId: string; trackingNumber: string; carrierCode: string; shippedAt: Date; shippingFeeFen: bigint },
): Promise<AfterSaleView> => {
  const { order, afterSale } = await lockAfterSale(work.sql, input.afterSaleId);
  const v = new Violations();
  v.check(input.shippedAt.getTime() >= afterSale.createdAt.getTime(), 'shipped_at', 'must not be before the after-sale was requested', 'BEFORE_REQUEST');
  v.throwIfAny('RETURN.INVALID');
  const transition = transitionAfterSale(afterSaleState(afterSale), { kind: 'RETURN_SHIPPED' }, work.now);
  const insurance = settleReturnInsurance({ type: afterSale.type as AfterSaleType, shippingFeeFen: input.shippingFeeFen, alreadySettled: afterSale.insuranceFen !== null });
  sendNewShipment(work, {
    trackingNumber: input.trackingNumber,
    carrierCode: input.carrierCode,
    kind: 'RETURN',
    orderId: order.orderId,
    afterSaleId: afterSale.afterSaleId,
    shippedAt: input.shippedAt,
    shippingFeeFen: input.shippingFeeFen,
  });
  const desk = await Payouts.open(work, [order], [afterSale]);
  desk.settleInsurance(order.orderId, insurance.amountFen);
  const fee = returnFeePatch(afterSale, input.shippingFeeFen, insurance.amountFen);
  await applyAfterSaleStep(work, desk, order, afterSale, transition, {
    insuranceFen: insurance.amountFen,
    insuranceReasons: reasonsToJson(insurance.reasons),
    insurancePolicyName: insurance.policy.name,
    insurancePolicyVersion: insurance.policy.version,
    insuranceSettledAt: work.now,
    ...fee.patch,
  });
  // A new buyer's freight the merchant owes is watched like the buyer's other stuck first-order problems.
  if (order.newBuyer && fee.owedFen > 0n) watchNewBuyerOrder(work, 'RETURN_FEE_UNSETTLED', { orderId: order.orderId, afterSaleId: afterSale.afterSaleId, anchor: input.shippedAt });
  return loadAfterSaleView(work.sql, afterSale.afterSaleId);
};

/** A parcel with a tracking number never seen before (a reused number is a fake-shipment trick); returns it as stored. */
/**
 * Registers a parcel without waiting: nothing in the unit reads it back (the answer is the row as
 * it will be stored), and a reused tracking number fails the unit, at its next statement or its
 * commit, with SHIPMENT.TRACKING_NUMBER_IN_USE.
 */
export const sendNewShipment = (work: Work, shipment: NewShipment): ShipmentRow => {
  sendShipment(work.sql, shipment, work.now, () => trackingNumberInUse(shipment.trackingNumber));
  return shipmentAsStored(shipment, work.now);
};

const trackingNumberInUse = (trackingNumber: string): DomainError =>
  failedPrecondition('SHIPMENT.TRACKING_NUMBER_IN_USE', 'This tracking number is already registered for another parcel', {
    tracking_number: trackingNumber,
  });

/** The merchant-answer timer fired: silence is decided by the platform (the policy accepts). */
export const onMerchantResponseDeadline = async (work: Work, afterSaleId: string): Promise<StepOutcome | undefined> => {
  const { order, afterSale } = await lockAfterSale(work.sql, afterSaleId);
  const transition = transitionAfterSale(afterSaleState(afterSale), { kind: 'MERCHANT_RESPONSE_DEADLINE' }, work.now);
  if (transition.status === afterSale.status && transition.effects.length === 0) return undefined;
  const desk = await Payouts.open(work, [order], [afterSale]);
  return applyAfterSaleStep(work, desk, order, afterSale, transition);
};

/** The award-payment timer fired (or an operator claims it after it passed): the fund pays first. */
export const onDisputePaymentDeadline = async (
  work: Work,
  afterSaleId: string,
  operator?: FundClaimContext & { orderId: string },
): Promise<StepOutcome | undefined> => {
  const strict = operator !== undefined;
  const { order, afterSale } = await lockAfterSale(work.sql, afterSaleId);
  if (operator && afterSale.orderId !== operator.orderId) {
    throw notFound('AFTER_SALE.NOT_FOUND', `Order ${operator.orderId} has no after-sale ${afterSaleId}`, { after_sale_id: afterSaleId });
  }
  const transition = transitionAfterSale(afterSaleState(afterSale), { kind: 'DISPUTE_PAYMENT_DEADLINE' }, work.now);
  if (transition.status === afterSale.status && transition.effects.length === 0) {
    if (!strict) return undefined;
    const code = transition.reasons[0]?.code === 'AFTER_SALE.DEADLINE_NOT_DUE' ? 'COMPENSATION.AWARD_NOT_YET_DUE' : 'COMPENSATION.NO_UNPAID_AWARD';
    throw failedPrecondition(code, transition.reasons[0]?.message ?? 'No unpaid award on this after-sale', {
      after_sale_id: afterSaleId,
      status: afterSale.status,
    });
  }
  const desk = await Payouts.open(work, [order], [afterSale]);
  return applyAfterSaleStep(work, desk, order, afterSale, transition, {}, operator ?? {});
};

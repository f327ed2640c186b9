import { CareCaseBuyerToldEvent } from '@govern/contracts-consumer-experience';
import type { OrderRow } from '@govern/consumer-experience-data-access';
import type { AfterSaleStatus, CareDecision, CareKind, CareState, CareStep } from '@govern/consumer-experience-domain';
import type { Reason } from '@govern/policy-core';
import { careReads, lockCareCase, openCareCasesBeforeStepIn, resolveCareCase, type CareCaseRef, type CareReads } from '../adapters/care.repository';
import { lockOrder } from '../adapters/sql-rows';
import { careDecisions } from '../decisions/decision-kinds';
import { careStepToJson, type StoredCareStep } from '../mapping/care';
import { careCaseStatusCodec, careKindCodec, type CareCaseStatus } from '../mapping/enums';
import { policyToProto, reasonsToProto } from '../mapping/to-proto';
import type { Work } from './work';

/**
 * What every step of a new buyer's care case shares (issue 19): the state of the watched order as
 * the care rules read it, the recorded decision of a step, telling the buyer — and the merchant's
 * early fix: a move that unsticks the order resolves its open case at once.
 */

/** Statuses in which a refund waits on the merchant (its answer, its receipt of the return, its payment). */
const REFUND_WAITING_ON_MERCHANT: readonly AfterSaleStatus[] = ['AWAITING_MERCHANT', 'RETURN_IN_TRANSIT', 'AWAITING_MERCHANT_PAYMENT'];

/** The watched order's state as the care rules read it, from the order and what `careReads` read with it. */
export const careState = (kind: CareKind, order: OrderRow, { afterSale, forwardScanned }: Pick<CareReads, 'afterSale' | 'forwardScanned'>): CareState => {
  return {
    kind,
    shipped: order.shippedAt !== null,
    refundedInFull: order.refundedFen >= order.amountFen,
    scanned: kind === 'NO_LOGISTICS_SCAN' && forwardScanned,
    afterSaleOpen: afterSale !== null && REFUND_WAITING_ON_MERCHANT.includes(afterSale.status as AfterSaleStatus),
    ...(kind === 'RETURN_FEE_UNSETTLED' ? { returnFeeOwed: afterSale !== null && afterSale.returnFeeOwedFen > 0n && afterSale.returnFeeSettledAt === null } : {}),
  };
};

export const decideCareStep = async (work: Work, caseId: string, step: CareStep, order: OrderRow, state: CareState) => {
  const evaluation = await work.deps.decisions.evaluateWithShadow(careDecisions, {
    at: work.now,
    caseId,
    orderId: order.orderId,
    merchantId: order.merchantId,
    buyerId: order.buyerId,
    step,
    state,
  });
  return evaluation;
};

export const storedStep = (step: StoredCareStep['step'], at: Date, decision: CareDecision): StoredCareStep => ({ step, at, reasons: decision.reasons, policy: decision.policy });

export const tellBuyer = (work: Work, c: { caseId: string; orderId: string; buyerId: string; kind: string }, status: CareCaseStatus, paidFen: bigint, reasons: readonly Reason[], policy: { name: string; version: string }) =>
  work.emit(CareCaseBuyerToldEvent, {
    caseId: c.caseId,
    orderId: c.orderId,
    buyerId: c.buyerId,
    kind: careKindCodec.toProto(c.kind as CareKind),
    status: careCaseStatusCodec.toProto(status),
    paidFen,
    reasons: reasonsToProto(reasons),
    policy: policyToProto(policy.name, policy.version),
  });


/**
 * The merchant moved on a new buyer's order (dispatched it, its parcel was scanned, an after-sale
 * step, a payment): each open care case of the order is rechecked, and one no longer stuck resolves
 * at once as the merchant's, with its decision recorded and the buyer told. Cases at or past their
 * step-in bound are left to the step-in timer, which is due and decides them (the platform's own
 * payment is such a move, made from that timer). Callers hold the order's lock (orders before cases).
 */
export const resolveCareCasesMovedOn = async (work: Work, moved: readonly string[] | Promise<CareCaseRef[]>): Promise<void> => {
  if (Array.isArray(moved) && moved.length === 0) return;
  // The cases: read here, or already sent by the caller behind its lock (openCareCasesOfParcel).
  const cases = Array.isArray(moved) ? openCareCasesBeforeStepIn(work.sql, moved, work.now) : (moved as Promise<CareCaseRef[]>);
  for (const { caseId, orderId } of await cases) {
    // The locks and the reads behind them leave together: one round trip per case.
    const lockedOrder = lockOrder(work.sql, orderId);
    const lockedCase = lockCareCase(work.sql, caseId);
    const read = careReads(work.sql, { orderId, caseId });
    const order = await lockedOrder;
    const c = await lockedCase;
    if (!c || c.status !== 'OPEN') continue;
    const evaluation = await decideCareStep(work, caseId, 'RECHECK', order, careState(c.kind as CareKind, order, await read));
    const decision = evaluation.outcome;
    if (decision.outcome !== 'NOT_STUCK') continue;
    const steps = Array.isArray(c.steps) ? c.steps : [];
    resolveCareCase(work.sql, caseId, {
      status: 'RESOLVED_BY_MERCHANT',
      resolvedAt: work.now,
      compensationId: null,
      paidFen: 0n,
      steps: [...steps, careStepToJson(storedStep('RESOLVED_BY_MERCHANT', work.now, decision))],
    });
    await work.recordDecisions([{ evaluation, decisionId: work.newId() }]);
    tellBuyer(work, c, 'RESOLVED_BY_MERCHANT', 0n, decision.reasons, decision.policy);
    work.touch({ merchantId: c.merchantId });
  }
};

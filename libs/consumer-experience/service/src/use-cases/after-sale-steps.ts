import type { AfterSaleRow, OrderRow, RefundRow } from '@govern/consumer-experience-data-access';
import {
  OPEN_AFTER_SALE_STATUSES,
  transitionAfterSale,
  type AfterSaleReason,
  type AfterSaleState,
  type AfterSaleStatus,
  type AfterSaleTransition,
  type AfterSaleType,
  type FastRefundOutcome,
} from '@govern/consumer-experience-domain';
import type { PolicyRef, Reason } from '@govern/policy-core';
import { insertStatusChanges, updateAfterSale, recordStatusChanges as writeStatusChanges, type AfterSalePatch } from '../adapters/after-sales.repository';
import { afterSalesOfOrders } from '../adapters/cascades.queries';
import { reasonsToJson } from '../mapping/to-proto';
import type { CompensationOutcome, Payouts } from './payouts';
import { resolveCareCasesMovedOn } from './care-checks';
import type { Work } from './work';

/**
 * Carries out an after-sale transition the domain decided (`transitionAfterSale`): its effects
 * (refund, fund payment, timers) through the money desk and the unit of work, the new status, and
 * one audit row with the transition's reasons and policy version.
 */

export const afterSaleState = (row: AfterSaleRow): AfterSaleState => ({
  afterSaleId: row.afterSaleId,
  type: row.type as AfterSaleType,
  status: row.status as AfterSaleStatus,
  amountFen: row.amountFen,
  refundedFen: row.refundedFen,
  fastRefund: row.fastRefundOutcome as FastRefundOutcome,
  merchantResponseDueAt: row.merchantResponseDueAt ?? undefined,
  awardFen: row.awardFen ?? undefined,
  paymentDueAt: row.paymentDueAt ?? undefined,
});

export interface StatusChange {
  afterSaleId: string;
  status: AfterSaleStatus;
  reasons: readonly Reason[];
  policy: PolicyRef;
}

/** New statuses and their audit rows, for any number of after-sales, sent without waiting. */
export const recordStatusChanges = (work: Work, changes: readonly StatusChange[]): void =>
  writeStatusChanges(
    work.sql,
    changes.map((c) => ({ afterSaleId: c.afterSaleId, status: c.status, reasons: reasonsToJson(c.reasons), policyName: c.policy.name, policyVersion: c.policy.version })),
    work.now,
  );

/** Who triggered a fund payment a step makes ("system" for timers), and the evidence they cite. */
export interface FundClaimContext {
  triggeredBy?: string | undefined;
  evidenceRef?: string | undefined;
  note?: string | undefined;
}

export interface StepOutcome {
  afterSale: AfterSaleRow;
  refund?: RefundRow;
  compensation?: CompensationOutcome;
}

/**
 * Applies one transition to a locked order's after-sale. `patch` carries the columns the step sets
 * besides the status (the merchant's answer, the ruling, the insurance settlement).
 */
export const applyAfterSaleStep = async (
  work: Work,
  desk: Payouts,
  order: OrderRow,
  afterSale: AfterSaleRow,
  transition: AfterSaleTransition,
  patch: AfterSalePatch = {},
  claim: FundClaimContext = {},
): Promise<StepOutcome> => {
  let refund: RefundRow | undefined;
  let compensation: CompensationOutcome | undefined;
  for (const effect of transition.effects) {
    switch (effect.kind) {
      case 'REFUND':
        refund = desk.refund({
          order: desk.order(order.orderId),
          afterSaleId: afterSale.afterSaleId,
          afterSaleReason: afterSale.reason as AfterSaleReason,
          amountFen: effect.amountFen,
          fast: effect.fast,
        });
        break;
      case 'ADVANCE_COMPENSATION':
        compensation = await desk.compensate({
          order: desk.order(order.orderId),
          cause: effect.cause,
          requestedFen: effect.amountFen,
          afterSaleId: afterSale.afterSaleId,
          afterSaleReason: afterSale.reason as AfterSaleReason,
          triggeredBy: claim.triggeredBy ?? 'system',
          evidenceRef: claim.evidenceRef,
          note: claim.note,
          reasons: transition.reasons,
        });
        refund = compensation.refund;
        break;
      case 'SCHEDULE':
        work.schedule({ kind: effect.timer.kind, key: effect.timer.subjectId, dueAt: effect.timer.dueAt });
        break;
      case 'CANCEL':
        work.cancel(effect.timer, afterSale.afterSaleId);
        break;
      case 'SETTLE_RETURN_INSURANCE':
        // Settled by the caller, which knows the declared fee (see recordReturnShipment).
        break;
    }
  }
  await desk.write();
  // The new status and its audit row leave with the unit's next statement (the view read back, or
  // COMMIT): nothing here waits for them.
  updateAfterSale(work.sql, afterSale.afterSaleId, { ...patch, status: transition.status }, work.now);
  insertStatusChanges(
    work.sql,
    [
      {
        afterSaleId: afterSale.afterSaleId,
        status: transition.status,
        reasons: reasonsToJson(transition.reasons),
        policyName: transition.policy.name,
        policyVersion: transition.policy.version,
      },
    ],
    work.now,
  );
  work.touch({ merchantId: afterSale.merchantId });
  if (order.newBuyer) await resolveCareCasesMovedOn(work, [order.orderId]);
  // The row as these writes leave it (the desk adds a refund to the after-sale's totals).
  const updated: AfterSaleRow = {
    ...afterSale,
    ...(patch as Partial<AfterSaleRow>),
    status: transition.status,
    ...(refund ? { refundedFen: afterSale.refundedFen + refund.amountFen, fastRefunded: afterSale.fastRefunded || refund.fast } : {}),
    updatedAt: work.now,
  };
  return { afterSale: updated, ...(refund ? { refund } : {}), ...(compensation ? { compensation } : {}) };
};

/**
 * Orders paid back in full outside their after-sales (fund compensation, removal refund): every
 * after-sale still open on them closes, its timers cancelled. Set-based over any number of orders.
 */
export const closeSettledAfterSales = async (work: Work, orderIds: readonly string[]): Promise<number> => {
  if (orderIds.length === 0) return 0;
  const open = await afterSalesOfOrders(work.sql, orderIds, OPEN_AFTER_SALE_STATUSES);
  const changes: StatusChange[] = [];
  for (const afterSale of open) {
    const transition = transitionAfterSale(afterSaleState(afterSale), { kind: 'ORDER_REFUNDED_IN_FULL' }, work.now);
    for (const effect of transition.effects) if (effect.kind === 'CANCEL') work.cancel(effect.timer, afterSale.afterSaleId);
    changes.push({ afterSaleId: afterSale.afterSaleId, status: transition.status, reasons: transition.reasons, policy: transition.policy });
    work.touch({ merchantId: afterSale.merchantId });
  }
  recordStatusChanges(work, changes);
  // Paid back in full: a new buyer's care case waiting on the merchant has nothing left to wait for.
  await resolveCareCasesMovedOn(work, orderIds);
  return changes.length;
};

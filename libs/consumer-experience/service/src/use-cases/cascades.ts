import {
  failedInspectionCompensation,
  isOpenAfterSale,
  OPEN_AFTER_SALE_STATUSES,
  transitionAfterSale,
  type AfterSaleReason,
  type AfterSaleStatus,
  type InspectionSeverity,
} from '@govern/consumer-experience-domain';
import { DomainError, reason } from '@govern/policy-core';
import {
  advanceInspectionRun,
  advanceRemovalRun,
  appendOrderReasons,
  lockInspectionRun,
  lockRemovalRun,
  startInspectionRun,
  startRemovalRun,
} from '../adapters/cascade-runs.repository';
import { afterSalesOfOrders, lockInspectionChunk, lockRemovalChunk } from '../adapters/cascades.queries';
import { reasonsFromJson, reasonsToJson } from '../mapping/to-proto';
import { afterSaleState, closeSettledAfterSales, recordStatusChanges, type StatusChange } from './after-sale-steps';
import { Payouts } from './payouts';
import { DEFAULT_CASCADE_CHUNK_SIZE } from '../deps';
import { JOB } from '../jobs/job-kinds';
import type { Work } from './work';

/**
 * Cascades from other services' events. The consumer's transaction (with its inbox row) records a
 * run — one per lab result, one per removal, so a result or removal republished under a new event
 * id pays nobody twice — and handles the first chunk of orders. A larger cascade goes on in durable
 * jobs, one chunk of orders per transaction (the run row is the cursor), so no transaction grows
 * with the cascade and a restart resumes where it stopped. Each chunk is set-based: one lock
 * statement for its orders, payments computed in memory by the domain, a handful of bulk writes.
 */

const isCapReached = (error: unknown): boolean =>
  error instanceof DomainError && (error.code === 'COMPENSATION.CAP_REACHED' || error.code === 'REFUND.ALREADY_PAID');

const chunkSizeOf = (work: Work): number => work.deps.cascadeChunkSize ?? DEFAULT_CASCADE_CHUNK_SIZE;

export interface InspectionFailure {
  resultId: string;
  eventId: string;
  productId: string;
  merchantId: string;
  severity: InspectionSeverity | undefined;
  criticalDefects: number;
  failedAt: Date;
  reportRef: string;
}

export interface CascadeProgress {
  /** The event was already handled (same lab result or removal): nothing done. */
  alreadyProcessed: boolean;
  /** Orders paid in this chunk. */
  orders: number;
  /** The cascade is finished (else a job continues it). */
  completed: boolean;
}


/**
 * A critical lab failure: every buyer of the product in the lookback window is paid back what is
 * still refundable on their order, by the fund, recovered from the merchant's deposit.
 */
export const compensateInspectionFailure = async (work: Work, failure: InspectionFailure): Promise<CascadeProgress & { compensates: boolean }> => {
  const decision = failedInspectionCompensation({ severity: failure.severity, criticalDefects: failure.criticalDefects, failedAt: failure.failedAt });
  if (!decision.compensates) return { compensates: false, alreadyProcessed: false, orders: 0, completed: true };
  const started = await startInspectionRun(work.sql, {
    resultId: failure.resultId,
    eventId: failure.eventId,
    productId: failure.productId,
    merchantId: failure.merchantId,
    reportRef: failure.reportRef || failure.resultId,
    failedAt: failure.failedAt,
    paidSince: decision.paidSince,
    reasons: reasonsToJson([
      ...decision.reasons,
      reason('COMPENSATION.INSPECTION_RESULT', 'Lab result that failed', { result_id: failure.resultId, report_ref: failure.reportRef }),
    ]),
    startedAt: work.now,
  });
  if (!started) return { compensates: true, alreadyProcessed: true, orders: 0, completed: true };
  return { compensates: true, ...(await continueInspectionCompensation(work, failure.resultId)) };
};

/** One chunk of a failed-inspection cascade (the consumer runs the first, jobs the rest). */
export const continueInspectionCompensation = async (work: Work, resultId: string): Promise<CascadeProgress> => {
  const run = await lockInspectionRun(work.sql, resultId);
  if (!run || run.completedAt) return { alreadyProcessed: true, orders: 0, completed: true };
  const size = chunkSizeOf(work);
  const orders = await lockInspectionChunk(work.sql, run, size);
  // Failed-inspection pay is not tied to an after-sale: no after-sale of these orders is refunded here.
  const desk = await Payouts.open(work, orders, []);
  await desk.lockDeposits(orders.map((o) => o.merchantId));
  const reasons = reasonsFromJson(run.reasons);
  let compensatedFen = 0n;
  let paid = 0;
  for (const order of orders) {
    try {
      const outcome = await desk.compensate({ order, cause: 'FAILED_INSPECTION', triggeredBy: 'system', evidenceRef: run.reportRef, reasons });
      compensatedFen += outcome.compensation.amountFen;
      paid += 1;
    } catch (error) {
      if (!isCapReached(error)) throw error;
    }
  }
  await desk.write();
  await closeSettledAfterSales(work, desk.fullyRefundedOrderIds());
  const completed = orders.length < size;
  advanceInspectionRun(work.sql, resultId, { lastOrderId: orders.at(-1)?.orderId ?? null, orders: paid, compensatedFen, completedAt: completed ? work.now : null });
  if (!completed) work.schedule({ kind: JOB.INSPECTION_COMPENSATION_CHUNK, key: `${resultId}#${run.chunks + 1}`, dueAt: work.now, payload: { subjectId: resultId } });
  work.touch({ merchantId: run.merchantId, productId: run.productId });
  return { alreadyProcessed: false, orders: paid, completed };
};

export interface MerchantRemoval {
  merchantId: string;
  /** merchant-access's removal sanction (else the event id): one protection run per removal. */
  removalId: string;
  eventId: string;
}


/**
 * A removed merchant: orders not yet dispatched are refunded in full (the platform still holds the
 * payment, so the merchant's settlement pays), and every open after-sale of a dispatched order is
 * settled by the fund (recovered from the deposit, the rest a receivable).
 */
export const protectBuyersOfRemovedMerchant = async (work: Work, removal: MerchantRemoval): Promise<CascadeProgress> => {
  if (!(await startRemovalRun(work.sql, { ...removal, startedAt: work.now }))) return { alreadyProcessed: true, orders: 0, completed: true };
  return continueMerchantRemoval(work, removal.removalId);
};

/** One chunk of a removal cascade (the consumer runs the first, jobs the rest). */
export const continueMerchantRemoval = async (work: Work, removalId: string): Promise<CascadeProgress> => {
  const run = await lockRemovalRun(work.sql, removalId);
  if (!run || run.completedAt) return { alreadyProcessed: true, orders: 0, completed: true };
  const open = [...OPEN_AFTER_SALE_STATUSES];
  const size = chunkSizeOf(work);
  const orders = await lockRemovalChunk(work.sql, run, open, size);
  const afterSales = await afterSalesOfOrders(work.sql, orders.map((o) => o.orderId), open);
  const desk = await Payouts.open(work, orders, afterSales);
  await desk.lockDeposits([run.merchantId]);

  const undispatched = new Set(orders.filter((o) => o.shippedAt === null && o.status === 'PAID').map((o) => o.orderId));
  let ordersRefunded = 0;
  for (const order of orders) {
    if (!undispatched.has(order.orderId)) continue;
    const remaining = order.amountFen - order.refundedFen;
    if (remaining <= 0n) continue;
    desk.refund({ order, amountFen: remaining, fast: false });
    ordersRefunded += 1;
  }

  const changes: StatusChange[] = [];
  for (const afterSale of afterSales) {
    // Undispatched orders were refunded in full above; their after-sales close below.
    if (undispatched.has(afterSale.orderId) || !isOpenAfterSale(afterSale.status as AfterSaleStatus)) continue;
    const transition = transitionAfterSale(afterSaleState(afterSale), { kind: 'MERCHANT_REMOVED' }, work.now);
    for (const effect of transition.effects) {
      if (effect.kind === 'CANCEL') work.cancel(effect.timer, afterSale.afterSaleId);
      if (effect.kind === 'ADVANCE_COMPENSATION') {
        try {
          await desk.compensate({
            order: desk.order(afterSale.orderId),
            cause: effect.cause,
            requestedFen: effect.amountFen,
            afterSaleId: afterSale.afterSaleId,
            afterSaleReason: afterSale.reason as AfterSaleReason,
            triggeredBy: 'system',
            evidenceRef: run.removalId,
            reasons: transition.reasons,
          });
        } catch (error) {
          if (!isCapReached(error)) throw error;
        }
      }
    }
    changes.push({ afterSaleId: afterSale.afterSaleId, status: transition.status, reasons: transition.reasons, policy: transition.policy });
  }
  await desk.write();
  recordStatusChanges(work, changes);
  await closeSettledAfterSales(work, desk.fullyRefundedOrderIds());
  // The order's own record says why it was paid back.
  const why = reason('ORDER.MERCHANT_REMOVED', 'The merchant was removed before dispatching: the order is refunded in full', { merchant_id: run.merchantId });
  appendOrderReasons(work.sql, [...undispatched], reasonsToJson([why]));
  const completed = orders.length < size;
  advanceRemovalRun(work.sql, removalId, {
    lastOrderId: orders.at(-1)?.orderId ?? null,
    ordersRefunded,
    afterSalesProtected: changes.length,
    completedAt: completed ? work.now : null,
  });
  if (!completed) work.schedule({ kind: JOB.MERCHANT_REMOVAL_CHUNK, key: `${removalId}#${run.chunks + 1}`, dueAt: work.now, payload: { subjectId: removalId } });
  work.touch({ merchantId: run.merchantId });
  return { alreadyProcessed: false, orders: ordersRefunded + changes.length, completed };
};

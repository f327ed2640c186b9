import { CareCaseMerchantNudgedEvent, CareCasePlatformSteppedInEvent } from '@govern/contracts-consumer-experience';
import type { AfterSaleRow, CareCaseRow, ConsumerExperienceTx, OrderRow } from '@govern/consumer-experience-data-access';
import {
  careSchedule,
  NEW_BUYER_CARE_POLICIES,
  transitionAfterSale,
  type CareKind,
} from '@govern/consumer-experience-domain';
import { DomainError, notFound, type Reason } from '@govern/policy-core';
import { careReads, findCareCase, insertCareCase, lockCareCase, readCareCase, resolveCareCase, type CareReads } from '../adapters/care.repository';
import { lockOrder } from '../adapters/sql-rows';
import { JOB } from '../jobs/job-kinds';
import { careStepToJson } from '../mapping/care';
import { careKindCodec, type CareCaseStatus } from '../mapping/enums';
import { policyToProto, reasonsToProto } from '../mapping/to-proto';
import { afterSaleState, applyAfterSaleStep, closeSettledAfterSales } from './after-sale-steps';
import { careState, decideCareStep, storedStep, tellBuyer } from './care-checks';
import { Payouts, type CompensationOutcome } from './payouts';
import { payReturnFee } from './return-fee';
import { onDispatchDeadline } from './orders';
import type { Work } from './work';

/**
 * Proactive care for new buyers (issue 19). A new buyer's order is watched by durable timers
 * (CARE_NUDGE per watch, keyed "<kind>:<order or after-sale id>"): at the first bound a stuck order
 * opens a case (one per watch: the key is unique) and the merchant is nudged; at the second
 * (CARE_STEP_IN per case) the platform steps in through the money desk — the fund pays the buyer
 * and recovers from the merchant's deposit in one balanced posting — or the case resolves as the
 * merchant's when the order moved. Each step is a recorded decision (kind `new-buyer-care`) with
 * its reasons and policy version, and the buyer is told. Handlers re-read state under the order's
 * lock and do nothing once the case moved on: a timer firing twice or late changes nothing.
 */

/** Payload of a CARE_NUDGE job. */
interface WatchPayload {
  kind: CareKind;
  orderId: string;
  afterSaleId?: string | undefined;
}

const watchKey = (kind: CareKind, subjectId: string): string => `${kind}:${subjectId}`;

/** Starts a watch on a new buyer's order (DISPATCH_STUCK at intake, NO_LOGISTICS_SCAN at dispatch, REFUND_PENDING at a refund request). */
export const watchNewBuyerOrder = (work: Work, kind: CareKind, watch: { orderId: string; afterSaleId?: string | undefined; anchor: Date }): void => {
  const schedule = careSchedule(kind, watch.anchor, NEW_BUYER_CARE_POLICIES.active);
  const payload: Record<string, unknown> = { kind, orderId: watch.orderId, ...(watch.afterSaleId ? { afterSaleId: watch.afterSaleId } : {}) };
  work.schedule({ kind: JOB.CARE_NUDGE, key: watchKey(kind, watch.afterSaleId ?? watch.orderId), dueAt: schedule.nudgeAt, payload });
};

const careKinds: readonly CareKind[] = ['DISPATCH_STUCK', 'NO_LOGISTICS_SCAN', 'REFUND_PENDING', 'RETURN_FEE_UNSETTLED'];

export const watchPayloadOf = (payload: Record<string, unknown>): WatchPayload | undefined => {
  const { kind, orderId, afterSaleId } = payload;
  if (typeof kind !== 'string' || !careKinds.includes(kind as CareKind) || typeof orderId !== 'string') return undefined;
  return { kind: kind as CareKind, orderId, afterSaleId: typeof afterSaleId === 'string' ? afterSaleId : undefined };
};

const anchorOf = (kind: CareKind, order: OrderRow, { afterSale, returnShippedAt }: CareReads): Date | undefined => {
  if (kind === 'DISPATCH_STUCK') return order.dispatchDueAt;
  if (kind === 'NO_LOGISTICS_SCAN') return order.shippedAt ?? undefined;
  // The freight became owed when the return shipped.
  if (kind === 'RETURN_FEE_UNSETTLED') return afterSale ? returnShippedAt : undefined;
  return afterSale?.createdAt;
};

/** A watch reached its first bound: a stuck order opens its case, the merchant is nudged and the buyer told. */
export const onCareNudge = async (work: Work, payload: Record<string, unknown>): Promise<void> => {
  const watch = watchPayloadOf(payload);
  if (!watch) throw new Error(`CARE_NUDGE job without a valid watch: ${JSON.stringify(payload)}`);
  const key = watchKey(watch.kind, watch.afterSaleId ?? watch.orderId);
  // The lock and the reads behind it leave together: the job's one round trip before its effects.
  const locked = lockOrder(work.sql, watch.orderId);
  const read = careReads(work.sql, { orderId: watch.orderId, afterSaleId: watch.afterSaleId, watchKey: key });
  const order = await locked;
  if (!order.newBuyer) return;
  const reads = await read;
  const anchor = anchorOf(watch.kind, order, reads);
  if (!anchor) return;
  const caseId = work.newId();
  const evaluation = await decideCareStep(work, caseId, 'NUDGE', order, careState(watch.kind, order, reads));
  const decision = evaluation.outcome;
  // Nothing stuck, nothing recorded: most new buyers' orders go well, and a case is what a decision is about.
  if (decision.outcome !== 'OPEN_AND_NUDGE') return;
  // A timer that fired twice: the watch has its case (read under the order's lock, which every opening holds).
  if (reads.watchTaken) return;
  const policy = NEW_BUYER_CARE_POLICIES.find(decision.policy.version) ?? NEW_BUYER_CARE_POLICIES.active;
  const stepInAt = careSchedule(watch.kind, anchor, policy).stepInAt;
  const opened = {
    caseId,
    watchKey: key,
    orderId: order.orderId,
    buyerId: order.buyerId,
    merchantId: order.merchantId,
    kind: watch.kind,
    afterSaleId: watch.afterSaleId ?? null,
    openedAt: work.now,
    stepInDueAt: stepInAt,
    steps: [careStepToJson(storedStep('NUDGED', work.now, decision))],
    policyName: decision.policy.name,
    policyVersion: decision.policy.version,
  };
  // Nothing in this unit reads the case or the decision back: both go out with the effects.
  insertCareCase(work.withEffectsSql, opened);
  await work.recordDecisions([{ evaluation, decisionId: work.newId() }], { withEffects: true });
  work.schedule({ kind: JOB.CARE_STEP_IN, key: caseId, dueAt: stepInAt, payload: { subjectId: caseId } });
  work.emit(CareCaseMerchantNudgedEvent, {
    caseId,
    orderId: order.orderId,
    merchantId: order.merchantId,
    kind: careKindCodec.toProto(watch.kind),
    stepInDueTime: stepInAt,
    reasons: reasonsToProto(decision.reasons),
    policy: policyToProto(decision.policy.name, decision.policy.version),
  });
  tellBuyer(work, opened, 'OPEN', 0n, decision.reasons, decision.policy);
};

const isNothingLeftToPay = (error: unknown): boolean =>
  error instanceof DomainError && (error.code === 'COMPENSATION.CAP_REACHED' || error.code === 'REFUND.ALREADY_PAID');

/** What the fund paid when the platform stepped in: a compensation (a refund), or the return freight (a ledger payment). */
interface PlatformPayment {
  paidFen: bigint;
  compensationId: string | null;
}

const asPayment = (paid: CompensationOutcome | undefined): PlatformPayment | undefined =>
  paid ? { paidFen: paid.compensation.amountFen, compensationId: paid.compensation.compensationId } : undefined;

/** The fund pays: the freight owed (RETURN_FEE_UNSETTLED), the after-sale's amount (REFUND_PENDING) or what is left of the order's price. */
const platformPays = async (work: Work, c: CareCaseRow, order: OrderRow, afterSale: AfterSaleRow | null, reasons: readonly Reason[]): Promise<PlatformPayment | undefined> => {
  const desk = await Payouts.open(work, [order], afterSale ? [afterSale] : undefined);
  const claim = { triggeredBy: 'system', evidenceRef: c.caseId };
  try {
    if (c.kind === 'RETURN_FEE_UNSETTLED') {
      const paid = afterSale ? await payReturnFee(work, desk, order, afterSale, 'PLATFORM') : undefined;
      return paid ? { paidFen: paid.amountFen, compensationId: null } : undefined;
    }
    if (c.kind === 'REFUND_PENDING' && afterSale) {
      const step = await applyAfterSaleStep(work, desk, order, afterSale, transitionAfterSale(afterSaleState(afterSale), { kind: 'PLATFORM_CARE' }, work.now), {}, claim);
      return asPayment(step.compensation);
    }
    const paid = await desk.compensate({ order, cause: 'NEW_BUYER_CARE', ...claim, reasons });
    await desk.write();
    await closeSettledAfterSales(work, desk.fullyRefundedOrderIds());
    return asPayment(paid);
  } catch (error) {
    // The caps leave nothing to pay (paid back meanwhile by another path): the buyer is whole.
    if (isNothingLeftToPay(error)) return undefined;
    throw error;
  }
};

/** A case reached its second bound: the platform steps in, or the case resolves as the merchant's. */
export const onCareStepIn = async (work: Work, caseId: string): Promise<void> => {
  const seen = await readCareCase(work.sql, caseId);
  if (!seen || seen.status !== 'OPEN') return;
  // The broken promise is judged before the platform steps in, whichever timer runs first: a late
  // order is compensated as late (once: the deadline's own timer then finds it judged), and the
  // outcome does not hang on the order in which due timers are picked up.
  if (seen.kind === 'DISPATCH_STUCK') await onDispatchDeadline(work, seen.orderId);
  // Orders before cases: the same lock order as the money desk everywhere (read after the judgement
  // above). The locks and the reads behind them leave together.
  const lockedOrder = lockOrder(work.sql, seen.orderId);
  const lockedCase = lockCareCase(work.sql, caseId);
  const read = careReads(work.sql, { orderId: seen.orderId, caseId });
  const order = await lockedOrder;
  const c = await lockedCase;
  if (!c || c.status !== 'OPEN') return;
  const reads = await read;
  const { afterSale } = reads;
  const kind = c.kind as CareKind;
  const evaluation = await decideCareStep(work, caseId, 'STEP_IN', order, careState(kind, order, reads));
  const decision = evaluation.outcome;
  const steps = Array.isArray(c.steps) ? c.steps : [];
  const paid = decision.outcome === 'PLATFORM_STEPS_IN' ? await platformPays(work, c, order, afterSale, decision.reasons) : undefined;
  const status: CareCaseStatus = paid ? 'RESOLVED_BY_PLATFORM' : 'RESOLVED_BY_MERCHANT';
  const paidFen = paid?.paidFen ?? 0n;
  resolveCareCase(work.sql, caseId, {
    status,
    resolvedAt: work.now,
    compensationId: paid?.compensationId ?? null,
    paidFen,
    steps: [...steps, careStepToJson(storedStep(paid ? 'PLATFORM_STEPPED_IN' : 'RESOLVED_BY_MERCHANT', work.now, decision))],
  });
  await work.recordDecisions([{ evaluation, decisionId: work.newId() }]);
  if (paid) {
    work.emit(CareCasePlatformSteppedInEvent, {
      caseId,
      orderId: c.orderId,
      merchantId: c.merchantId,
      kind: careKindCodec.toProto(kind),
      compensationId: paid.compensationId ?? '',
      paidFen,
      reasons: reasonsToProto(decision.reasons),
      policy: policyToProto(decision.policy.name, decision.policy.version),
    });
  }
  tellBuyer(work, c, status, paidFen, decision.reasons, decision.policy);
  work.touch({ merchantId: c.merchantId });
};

export const getCareCase = async (tx: ConsumerExperienceTx, caseId: string): Promise<CareCaseRow> => {
  const found = await findCareCase(tx, caseId);
  if (!found) throw notFound('CARE_CASE.NOT_FOUND', `Unknown care case ${caseId}`, { case_id: caseId });
  return found;
};


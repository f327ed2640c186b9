import type { CompensationRow, ConsumerExperienceTx, MerchantDepositRow } from '@govern/consumer-experience-data-access';
import { requireCauseApplies, type CompensationCause } from '@govern/consumer-experience-domain';
import { isUniqueViolation, sql, type Sql } from '@govern/platform-db';
import { alreadyExists, failedPrecondition, notFound } from '@govern/policy-core';
import { afterSaleById } from '../adapters/after-sales.repository';
import { fundLedgerState, type FundLedgerState } from '../adapters/ledger.repository';
import { lockOrder } from '../adapters/sql-rows';
import { closeSettledAfterSales } from './after-sale-steps';
import { merchantStanding, onDisputePaymentDeadline } from './after-sales';
import { Payouts } from './payouts';
import type { Work } from './work';

/**
 * The consumer protection fund as operators use it: advance compensation on an order (statutory
 * damages, failed inspection, removed merchant, an unpaid dispute award), merchant deposit
 * transfers, capital contributions, and the ledger's state.
 */

export interface PayAdvanceCompensationInput {
  orderId: string;
  cause: CompensationCause;
  afterSaleId?: string | undefined;
  operatorId: string;
  evidenceRef?: string | undefined;
  note?: string | undefined;
}

export const payAdvanceCompensation = async (
  work: Work,
  input: PayAdvanceCompensationInput,
): Promise<{ compensation: CompensationRow; deposit: MerchantDepositRow }> => {
  const claim = { triggeredBy: input.operatorId, evidenceRef: input.evidenceRef, note: input.note };
  if (input.cause === 'DISPUTE_UNPAID' && input.afterSaleId) {
    const step = await onDisputePaymentDeadline(work, input.afterSaleId, { ...claim, orderId: input.orderId });
    work.cancel('DISPUTE_PAYMENT_DEADLINE', input.afterSaleId);
    if (!step?.compensation) throw failedPrecondition('COMPENSATION.NO_UNPAID_AWARD', 'Nothing of the award is left unpaid', { after_sale_id: input.afterSaleId });
    return { compensation: step.compensation.compensation, deposit: step.compensation.deposit };
  }
  const order = await lockOrder(work.sql, input.orderId);
  if (input.afterSaleId) {
    // The after-sale must be this order's: the payout is booked against it.
    const afterSale = await afterSaleById(work.sql, input.afterSaleId);
    if (!afterSale || afterSale.orderId !== order.orderId) {
      throw notFound('AFTER_SALE.NOT_FOUND', `No after-sale ${input.afterSaleId} on order ${order.orderId}`, { after_sale_id: input.afterSaleId, order_id: order.orderId });
    }
  }
  const standing = await merchantStanding(work.sql, order.merchantId);
  requireCauseApplies(input.cause, { categoryCode: order.categoryCode, lateDispatch: order.lateDispatch, merchantRemoved: standing.status === 'REMOVED' });
  const desk = await Payouts.open(work, [order]);
  const paid = await desk.compensate({ order, cause: input.cause, afterSaleId: input.afterSaleId, ...claim });
  await desk.write();
  await closeSettledAfterSales(work, desk.fullyRefundedOrderIds());
  return { compensation: paid.compensation, deposit: paid.deposit };
};

/** A transfer is credited once: its payment reference names the ledger transaction. */
const transferTransactionId = (kind: 'DEPOSIT' | 'FUND', paymentRef: string): string => `${kind}.CREDIT:${paymentRef}`;

const alreadyCredited = (paymentRef: string) => alreadyExists('LEDGER.PAYMENT_ALREADY_CREDITED', 'This payment reference was already credited', { payment_ref: paymentRef });

const transferCredited = async (db: Sql, transactionId: string): Promise<boolean> =>
  (await db.query(sql`SELECT 1 FROM ledger_transactions WHERE transaction_id = ${transactionId}`)).length > 0;

/** Two concurrent credits of one payment: the second loses on the ledger transaction's key. */
const writeTransfer = async (work: Work, desk: Payouts, paymentRef: string): Promise<void> => {
  await desk.write();
  try {
    await work.settle();
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyCredited(paymentRef);
    throw error;
  }
};

export const depositMerchantFunds = async (
  work: Work,
  input: { merchantId: string; amountFen: bigint; paymentRef: string },
): Promise<MerchantDepositRow> => {
  const transactionId = transferTransactionId('DEPOSIT', input.paymentRef);
  const desk = await Payouts.open(work, []);
  // The check leaves in the same write as the deposit's lock, behind it: it runs once the lock is
  // granted, so it sees a credit of the same payment committed while this one waited.
  const [, credited] = await Promise.all([desk.lockDeposits([input.merchantId]), transferCredited(work.sql, transactionId)]);
  if (credited) throw alreadyCredited(input.paymentRef);
  const deposit = await desk.creditDeposit(input.merchantId, input.amountFen, transactionId);
  await writeTransfer(work, desk, input.paymentRef);
  return deposit;
};

export const contributeToFund = async (work: Work, input: { amountFen: bigint; paymentRef: string }): Promise<FundLedgerState> => {
  const transactionId = transferTransactionId('FUND', input.paymentRef);
  if (await transferCredited(work.sql, transactionId)) throw alreadyCredited(input.paymentRef);
  const desk = await Payouts.open(work, []);
  desk.contributeToFund(input.amountFen, transactionId);
  await writeTransfer(work, desk, input.paymentRef);
  return fundLedgerState(work.tx);
};

export const getMerchantDeposit = async (tx: ConsumerExperienceTx, merchantId: string): Promise<MerchantDepositRow> => {
  const deposit = await tx.merchantDeposit.findUnique({ where: { merchantId } });
  if (!deposit) throw notFound('DEPOSIT.NOT_FOUND', `No deposit is held for merchant ${merchantId}`, { merchant_id: merchantId });
  return deposit;
};

import type { AfterSaleRow, OrderRow } from '@govern/consumer-experience-data-access';
import { returnFeeOwed, type AfterSaleReason } from '@govern/consumer-experience-domain';
import { DomainError, failedPrecondition } from '@govern/policy-core';
import { lockAfterSale, updateAfterSale, type AfterSalePatch } from '../adapters/after-sales.repository';
import { reasonsToJson, type AfterSaleView } from '../mapping/to-proto';
import { loadAfterSaleView } from './after-sales';
import { resolveCareCasesMovedOn } from './care-checks';
import { Payouts } from './payouts';
import type { Work } from './work';

/**
 * Return freight the merchant owes the buyer (issue 19): found when the return ships (the declared
 * fee beyond what insurance paid, on a return for the merchant's fault), paid by the merchant
 * (SettleReturnShippingFee) or, for a new buyer past the care bound, by the fund from the care
 * case's step-in, recovered from the deposit. Settled once: a settled fee is never paid again.
 */

/** The columns a return shipment sets on its after-sale for the freight owed. */
export const returnFeePatch = (afterSale: AfterSaleRow, declaredFeeFen: bigint, insuredFen: bigint): { owedFen: bigint; patch: AfterSalePatch } => {
  const owed = returnFeeOwed({ reason: afterSale.reason as AfterSaleReason, declaredFeeFen, insuredFen });
  return {
    owedFen: owed.owedFen,
    patch: {
      returnFeeOwedFen: owed.owedFen,
      returnFeeReasons: reasonsToJson(owed.reasons),
      returnFeePolicyName: owed.policy.name,
      returnFeePolicyVersion: owed.policy.version,
    },
  };
};

/** Whether an after-sale's freight is owed and unpaid. */
export const returnFeeUnpaid = (afterSale: Pick<AfterSaleRow, 'returnFeeOwedFen' | 'returnFeeSettledAt'>): boolean =>
  afterSale.returnFeeOwedFen > 0n && afterSale.returnFeeSettledAt === null;

/** Pays the owed freight through the desk and marks it settled; undefined when nothing is owed any more. */
export const payReturnFee = async (work: Work, desk: Payouts, order: OrderRow, afterSale: AfterSaleRow, by: 'MERCHANT' | 'PLATFORM') => {
  if (!returnFeeUnpaid(afterSale)) return undefined;
  const paid = await desk.payReturnFee(order, afterSale.returnFeeOwedFen, by);
  await desk.write();
  updateAfterSale(work.sql, afterSale.afterSaleId, { returnFeeSettledAt: work.now, returnFeeSettledBy: by, returnFeeTransactionId: paid.transactionId }, work.now);
  work.touch({ merchantId: order.merchantId });
  return { ...paid, amountFen: afterSale.returnFeeOwedFen };
};

/** The merchant pays the freight it owes; a new buyer's care case waiting on it resolves at once. */
export const settleReturnShippingFee = async (work: Work, input: { afterSaleId: string; merchantId: string }): Promise<AfterSaleView> => {
  const { order, afterSale } = await lockAfterSale(work.sql, input.afterSaleId);
  if (afterSale.merchantId !== input.merchantId) {
    throw new DomainError('PERMISSION_DENIED', 'RETURN_FEE.NOT_THE_MERCHANT', 'Only the order’s merchant pays its return shipping', { after_sale_id: afterSale.afterSaleId });
  }
  if (afterSale.returnFeeOwedFen === 0n) {
    throw failedPrecondition('RETURN_FEE.NONE_OWED', 'The merchant owes no return shipping on this after-sale', { after_sale_id: afterSale.afterSaleId });
  }
  if (afterSale.returnFeeSettledAt !== null) {
    throw failedPrecondition('RETURN_FEE.ALREADY_SETTLED', 'The return shipping was already paid', {
      after_sale_id: afterSale.afterSaleId,
      settled_by: afterSale.returnFeeSettledBy ?? '',
    });
  }
  await payReturnFee(work, await Payouts.open(work, [order], [afterSale]), order, afterSale, 'MERCHANT');
  if (order.newBuyer) await resolveCareCasesMovedOn(work, [order.orderId]);
  return loadAfterSaleView(work.sql, afterSale.afterSaleId);
};

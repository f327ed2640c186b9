import { Violations } from '@govern/policy-core';
import { checkAmount, checkPastTimestamp } from './input-validation';
import { INPUT_POLICY, type InputPolicy } from './input.policy';
import type { Fulfilment } from './model';

/**
 * The rules of a new order. Throws one ValidationError listing every bad field, before anything is
 * written. Pre-sale length is a promise rule (planDispatchPromise); shipments and scans are checked
 * at the edge and by the promise clocks (planShipment).
 */

/** What names an order and what it sold: the same whether recorded, stored, announced or served. */
export interface OrderIdentity {
  orderId: string;
  buyerId: string;
  merchantId: string;
  productId: string;
  skuId: string;
  categoryCode: string;
}

/** Only the identity of `order` (a row or a request carries more). */
export const orderIdentityOf = (order: OrderIdentity): OrderIdentity => ({
  orderId: order.orderId,
  buyerId: order.buyerId,
  merchantId: order.merchantId,
  productId: order.productId,
  skuId: order.skuId,
  categoryCode: order.categoryCode,
});

export interface RecordOrderInput extends OrderIdentity {
  amountFen: bigint;
  paidAt?: Date | undefined;
  fulfilment?: Fulfilment | undefined;
  promisedDispatchAt?: Date | undefined;
}

export const validateRecordOrder = (input: RecordOrderInput, now: Date, policy: InputPolicy = INPUT_POLICY): void => {
  const v = new Violations();
  v.require('order_id', input.orderId);
  v.require('buyer_id', input.buyerId);
  v.require('merchant_id', input.merchantId);
  v.require('product_id', input.productId);
  v.require('sku_id', input.skuId);
  v.require('category_code', input.categoryCode);
  checkAmount(v, 'amount_fen', input.amountFen, { policy });
  checkPastTimestamp(v, 'paid_at', input.paidAt, now, policy);
  v.check(input.fulfilment !== undefined, 'fulfilment', 'must be IN_STOCK or PRE_SALE', 'REQUIRED');
  if (input.fulfilment === 'IN_STOCK') {
    v.check(input.promisedDispatchAt === undefined, 'promised_dispatch_at', 'is only for pre-sale orders', 'NOT_PRE_SALE');
  }
  v.throwIfAny('ORDER.INVALID');
};

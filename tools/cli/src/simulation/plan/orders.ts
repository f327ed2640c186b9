/** Buyers and their orders: every kind of fulfilment, attribution to videos, after-sales and reviews. */
import { hash32 } from '../random';
import {
  CARRIERS,
  REGIONS,
} from '../vocabulary';
import { pad, type Generator } from './generator';
import { DAY, HOUR, SIMULATION_POLICY, type scenarioSizes } from './policy';
import type { BuyerPlan, MerchantPlan, OrderKind, OrderPlan, ProductPlan, VideoPlan } from './types';

const trustCap = (trust: number): bigint | undefined => SIMULATION_POLICY.determinism.trustTiers.find((t) => trust >= t.atLeast)?.capFen;

export const planOrders = (
  g: Generator,
  sizes: ReturnType<typeof scenarioSizes>,
  totalOrders: number,
  sellers: readonly MerchantPlan[],
  listable: readonly ProductPlan[],
  videos: readonly VideoPlan[],
): { buyers: BuyerPlan[]; orders: OrderPlan[] } => {
  const d = g.dice('orders');
  const o = SIMULATION_POLICY.orders;
  const det = SIMULATION_POLICY.determinism;
  const buyers: BuyerPlan[] = Array.from({ length: sizes.buyers }, (_, i) => {
    // Trust bands clear of the policy's tier boundaries (40, 70, 90).
    const [low, high] = d.weighted<readonly [number, number]>([
      [[20, 35], 12],
      [[45, 65], 40],
      [[72, 88], 33],
      [[91, 99], 15],
    ]);
    return { buyerId: g.id('buyer', i + 1), trustScore: d.int(low, high) };
  });
  const afterSalesOf = new Map<string, number>();
  const ordersOfMerchant = new Map<string, number>();
  const ordersOfContent = new Map<string, number>();
  const productsOf = new Map<string, ProductPlan[]>();
  for (const product of listable) productsOf.set(product.merchantKey, [...(productsOf.get(product.merchantKey) ?? []), product]);
  const videosLinking = new Map<string, VideoPlan[]>();
  for (const video of videos) {
    if (video.flaw === 'repost') continue;
    for (const key of video.productKeys) videosLinking.set(key, [...(videosLinking.get(key) ?? []), video]);
  }
  // Merchants still taking orders; one leaves the list when it reaches the cap.
  const open = sellers.filter((m) => (productsOf.get(m.key) ?? []).length > 0);
  const orders: OrderPlan[] = [];
  for (let n = 1; n <= totalOrders; n++) {
    if (open.length === 0) break;
    const slot = Math.floor(d.next() * open.length);
    const merchant = open[slot] as MerchantPlan;
    const taken = (ordersOfMerchant.get(merchant.key) ?? 0) + 1;
    ordersOfMerchant.set(merchant.key, taken);
    if (taken >= det.maxOrdersPerMerchant) open.splice(slot, 1);
    const product = d.pick(productsOf.get(merchant.key) as ProductPlan[]);
    const buyer = d.pick(buyers);
    // Every kind at least once (the first orders), then by weight.
    const kind: OrderKind = n <= o.kinds.length ? (o.kinds[n - 1] as (typeof o.kinds)[number])[0] : d.weighted(o.kinds);
    const orderId = g.id('ord', n, 6);
    const quantity = d.weighted([[1n, 8], [2n, 2]]);
    const amountFen = product.priceFen * quantity;
    const dueIn = d.int(o.dueInMs[0], o.dueInMs[1]);
    const tracking = (): { carrierCode: string; trackingNumber: string } => {
      const carrierCode = d.pick(CARRIERS);
      return { carrierCode, trackingNumber: `${carrierCode}${hash32(`${orderId}:fwd`).toString().padStart(10, '0')}${pad(n, 6)}` };
    };
    const city = d.pick(REGIONS).city;
    const order: OrderPlan = { key: orderId, orderId, buyerId: buyer.buyerId, buyerTrustScore: buyer.trustScore, productKey: product.key, amountFen, kind, paidAgoMs: 0 };
    // The clocks of each kind are placed so that no timer of the service can fire between two
    // calls of the same order (see the module comment): deadlines already past are only those
    // the order misses whatever happens first.
    switch (kind) {
      case 'delivered': {
        order.paidAgoMs = 48 * HOUR - dueIn;
        const shippedAgo = d.int(20 * HOUR, 22 * HOUR);
        order.shipment = {
          ...tracking(),
          shippedAgoMs: shippedAgo,
          scans: [
            { type: 'PICKUP', agoMs: shippedAgo - HOUR, location: `${city}揽收点` },
            { type: 'DELIVERED', agoMs: d.int(1 * HOUR, 3 * HOUR), location: '快递柜' },
          ],
        };
        break;
      }
      case 'in-transit': {
        order.paidAgoMs = 48 * HOUR - dueIn;
        const shippedAgo = d.int(6 * HOUR, 20 * HOUR);
        order.shipment = {
          ...tracking(),
          shippedAgoMs: shippedAgo,
          scans: [
            { type: 'PICKUP', agoMs: shippedAgo - HOUR, location: `${city}揽收点` },
            { type: 'IN_TRANSIT', agoMs: HOUR, location: `${city}转运中心` },
          ],
        };
        break;
      }
      case 'late-shipped': {
        const shippedAgo = d.int(3 * HOUR, 20 * HOUR);
        order.paidAgoMs = shippedAgo + d.int(50 * HOUR, 80 * HOUR);
        order.shipment = { ...tracking(), shippedAgoMs: shippedAgo, scans: [{ type: 'PICKUP', agoMs: shippedAgo - HOUR, location: `${city}揽收点` }] };
        break;
      }
      case 'never-shipped':
        order.paidAgoMs = d.int(3 * DAY, 6 * DAY);
        break;
      case 'fake-shipment':
        // Shipped on time, but the carrier never scans the parcel: its 24 h clock runs out.
        order.paidAgoMs = 48 * HOUR - dueIn;
        order.shipment = { ...tracking(), shippedAgoMs: d.int(25 * HOUR, 30 * HOUR), scans: [] };
        break;
      case 'pre-sale':
        order.paidAgoMs = d.int(1 * DAY, 4 * DAY);
        order.promisedAfterPaidMs = d.int(6 * DAY, 15 * DAY - HOUR);
        break;
      case 'pre-sale-too-long':
        order.paidAgoMs = d.int(1 * DAY, 2 * DAY);
        order.promisedAfterPaidMs = d.int(20 * DAY, 30 * DAY);
        break;
      case 'awaiting-dispatch':
        order.paidAgoMs = d.int(1 * HOUR, 40 * HOUR);
        break;
    }
    const related = videosLinking.get(product.key)?.filter((v) => (ordersOfContent.get(v.key) ?? 0) < det.maxOrdersPerContent) ?? [];
    if (related.length > 0 && d.chance(o.attributedShare)) {
      const video = d.pick(related);
      ordersOfContent.set(video.key, (ordersOfContent.get(video.key) ?? 0) + 1);
      order.contentKey = video.key;
    }
    const canAsk = (afterSalesOf.get(buyer.buyerId) ?? 0) < det.maxAfterSalesPerBuyer;
    const preDispatch =
      (kind === 'awaiting-dispatch' && d.chance(o.preDispatchAfterSaleShare)) || (kind === 'pre-sale' && d.chance(o.preSaleAfterSaleShare));
    const returned = kind === 'delivered' && d.chance(o.returnShare);
    const carrierCode = d.pick(CARRIERS);
    const returnParcel = { carrierCode, trackingNumber: `${carrierCode}R${hash32(`${orderId}:ret`).toString().padStart(10, '0')}${pad(n, 6)}`, shippingFeeFen: BigInt(d.int(8, 18) * 100) };
    if (canAsk && preDispatch) {
      order.afterSale = {
        type: 'REFUND_ONLY',
        reason: 'NOT_WANTED_BEFORE_DISPATCH',
        amountFen,
        description: d.pick(['拍错了规格', '不想要了', '买重复了', '发货太慢']),
        merchantAnswer: 'ACCEPT',
        ruling: 'BUYER_FAVOURED',
        returnParcel,
      };
    } else if (canAsk && returned) {
      const reason = d.weighted([['NO_REASON_7_DAYS', 6], ['QUALITY_DEFECT', 2.5], ['NOT_AS_DESCRIBED', 1.5]] as const);
      const cap = trustCap(buyer.trustScore);
      // Between the cap and twice it, the outcome would hang on the merchant's standing at that moment.
      const amount = cap !== undefined && amountFen > cap && amountFen <= cap * 2n ? cap : amountFen;
      order.afterSale = {
        type: 'RETURN_AND_REFUND',
        reason,
        amountFen: amount,
        description: reason === 'NO_REASON_7_DAYS' ? '七天无理由退货' : reason === 'QUALITY_DEFECT' ? '收到有破损，做工有问题' : '和视频里展示的不一样',
        merchantAnswer: d.chance(0.65) ? 'ACCEPT' : 'REJECT',
        ruling: d.chance(0.6) ? 'BUYER_FAVOURED' : 'MERCHANT_FAVOURED',
        returnParcel,
      };
    }
    if (order.afterSale) afterSalesOf.set(buyer.buyerId, (afterSalesOf.get(buyer.buyerId) ?? 0) + 1);
    else if (kind === 'delivered' && d.chance(o.reviewShare)) {
      const rating = d.weighted([[5, 70], [4, 15], [3, 5], [2, 4], [1, 6]] as const);
      order.review = { rating, text: rating >= 4 ? d.pick(['质量很好，物流也快', '和描述一致，会回购', '包装仔细，五星']) : d.pick(['一般般', '质量差，不推荐', '用了两天就坏了']) };
    }
    orders.push(order);
  }
  return { buyers, orders };
};

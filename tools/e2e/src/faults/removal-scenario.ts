import { CompensationCause, OrderStatus, type Order } from '@govern/contracts-consumer-experience';
import { ContentTier, ProductLinkState } from '@govern/contracts-content';
import { MerchantStatus, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import { BanCause, DefectClass, LabVerdict, ProductStatus } from '@govern/contracts-product-quality';
import { expect } from 'vitest';
import {
  CLEAN_CAPTIONS,
  CLEAN_TRANSCRIPT,
  hoursAgo,
  listProduct,
  onboardMerchant,
  publishVideo,
  recordOrder,
  serviceErrors,
  sumFen,
  type ListedProduct,
  type OnboardedMerchant,
} from '../marketplace';
import { settle, type PlatformUnderTest } from '../platform-processes';

/**
 * A cascade that crosses all four services, for fault tests to break in the middle: one
 * merchant's product fails a lab test (product-quality bans it, content limits its video,
 * merchant-access adds 12 points, consumer-experience pays its buyers back) and two other
 * merchants are removed (every product banned, their videos unlinked, undispatched orders
 * refunded). `assertSettled` waits for the end state and checks it exactly in every service:
 * nothing lost (every effect there) and nothing doubled (each effect once).
 */
export interface RemovalScenario {
  /** The lab failure: starts the first cascade. */
  failLabTest(): Promise<void>;
  /** The removals: start the second and third. */
  removeMerchants(): Promise<void>;
  assertSettled(boundMs?: number): Promise<void>;
}

interface Shop {
  merchant: OnboardedMerchant;
  products: ListedProduct[];
  contentId: string;
  orders: Order[];
}

export const prepareRemovalScenario = async (platform: PlatformUnderTest, key: string, seed: number): Promise<RemovalScenario> => {
  const { merchantAccess: ma, productQuality: pq, content: ct, consumerExperience: cx } = platform.clients;
  const open = async (n: number, productCount: number): Promise<Shop> => {
    const merchant = await onboardMerchant(platform, seed + n);
    const products: ListedProduct[] = [];
    for (let p = 0; p < productCount; p++) {
      products.push(await listProduct(platform, { key: `${key}-${n}-${p}`, merchantId: merchant.merchantId, title: `Stainless steel thermos ${n}-${p}`, priceFen: 6_900n + BigInt(p) * 1_000n }));
    }
    const contentId = `${key}-video-${n}`;
    await publishVideo(platform, {
      contentId,
      creatorId: `${key}-creator-${n}`,
      title: `Thermos review ${n}`,
      captions: CLEAN_CAPTIONS,
      transcript: CLEAN_TRANSCRIPT,
      linkedProducts: products.map((p) => ({ productId: p.productId, merchantId: merchant.merchantId })),
      mediaFingerprint: `fp-${key}-${n}`,
    });
    await cx.depositMerchantFunds({ requestId: `${key}-deposit-${n}`, merchantId: merchant.merchantId, amountFen: merchant.depositFen, paymentRef: `${key}-bank-${n}` });
    const orders: Order[] = [];
    for (const [i, product] of products.entries()) {
      orders.push(await recordOrder(platform, { orderId: `${key}-order-${n}-${i}`, buyerId: `${key}-buyer-${n}-${i}`, product, paidAt: hoursAgo(2 + i) }));
    }
    return { merchant, products, contentId, orders };
  };
  const lab = await open(0, 1);
  const removed = [await open(1, 2), await open(2, 2)];
  const labProduct = lab.products[0] as ListedProduct;

  const step = <T>(what: string, check: () => Promise<T | undefined>, boundMs: number): Promise<T> =>
    settle(what, check, boundMs).then(
      (settled) => settled.value,
      (error: unknown) => {
        throw new Error(`${(error as Error).message}\n${serviceErrors(platform)}`, { cause: error });
      },
    );

  return {
    async failLabTest() {
      const result = await pq.recordLabResult({
        requestId: `${key}-lab-result`,
        productId: labProduct.productId,
        skuId: labProduct.skuId,
        verdict: LabVerdict.LAB_VERDICT_FAIL,
        defects: [{ defectClass: DefectClass.DEFECT_CLASS_CRITICAL, code: 'PHTHALATES_OVER_LIMIT', description: 'DEHP over the limit in the lid seal' }],
        reportRef: `${key}-CNAS-1`,
        labName: 'Fujian Product Quality Inspection Institute',
        testedAt: hoursAgo(1),
      });
      expect(result.bans.map((b) => b.productId)).toContain(labProduct.productId);
    },

    async removeMerchants() {
      for (const [i, shop] of removed.entries()) {
        const removal = await ma.recordViolation({
          requestId: `${key}-counterfeit-${i}`,
          merchantId: shop.merchant.merchantId,
          type: ViolationType.VIOLATION_TYPE_COUNTERFEIT,
          source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
          sourceRef: `${key}-case-${i}`,
          productId: shop.products[0]?.productId ?? '',
          description: 'Counterfeit goods confirmed by the brand owner.',
          evidence: { appraisal_ref: `${key}-appraisal-${i}` },
        });
        expect(removal.removed).toBe(true);
      }
    },

    async assertSettled(boundMs = 90_000) {
      // product-quality: the lab product banned once for the lab result; every product of the removed merchants once for the removal.
      await step('product-quality bans everything', async () => {
        const all = await Promise.all([lab, ...removed].map((shop) => pq.listProducts({ merchantId: shop.merchant.merchantId })));
        return all.every((r) => r.products.length > 0 && r.products.every((p) => p.status === ProductStatus.PRODUCT_STATUS_BANNED)) ? all : undefined;
      }, boundMs);
      const labBans = await pq.listBans({ productId: labProduct.productId });
      expect(labBans.bans.map((b) => b.cause)).toEqual([BanCause.BAN_CAUSE_LAB_CRITICAL]);
      for (const shop of removed) {
        const { bans } = await pq.listBans({ merchantId: shop.merchant.merchantId, pageSize: 100 });
        expect(bans.map((b) => b.productId).sort()).toEqual(shop.products.map((p) => p.productId).sort());
        expect(bans.every((b) => b.cause === BanCause.BAN_CAUSE_MERCHANT_REMOVED)).toBe(true);
      }

      // merchant-access: 12 points once for the lab result (not once per delivery); the removed merchants removed.
      const labViolations = await step('merchant-access records the lab violation', async () => {
        const { violations } = await ma.listViolations({ merchantId: lab.merchant.merchantId, pageSize: 100 });
        return violations.length > 0 ? violations : undefined;
      }, boundMs);
      expect(labViolations.map((v) => [v.type, v.points])).toEqual([[ViolationType.VIOLATION_TYPE_CRITICAL_INSPECTION_FAILURE, 12]]);
      expect((await ma.getMerchantStanding({ merchantId: lab.merchant.merchantId })).standing?.activePoints).toBe(12);
      for (const shop of removed) {
        const { merchant } = await ma.getMerchant({ merchantId: shop.merchant.merchantId });
        expect(merchant?.standing?.status).toBe(MerchantStatus.MERCHANT_STATUS_REMOVED);
      }

      // content: the lab product's video limited; the removed merchants' videos unlinked from every product.
      await step('content limits and unlinks', async () => {
        const items = await Promise.all([lab, ...removed].map((shop) => ct.getContentItem({ contentId: shop.contentId })));
        const [labItem, ...removedItems] = items.map((r) => r.contentItem);
        const unlinked = removedItems.every((item) => item && item.productLinks.length > 0 && item.productLinks.every((l) => l.state === ProductLinkState.PRODUCT_LINK_STATE_UNLINKED));
        return labItem?.tier === ContentTier.CONTENT_TIER_LIMITED && unlinked ? items : undefined;
      }, boundMs);

      // consumer-experience: each lab buyer paid back once; each undispatched order of a removed merchant refunded once, in full.
      const compensations = await step('consumer-experience compensates the lab buyers', async () => {
        const { compensations: got } = await cx.listCompensations({ merchantId: lab.merchant.merchantId, cause: CompensationCause.COMPENSATION_CAUSE_FAILED_INSPECTION });
        return got.length >= lab.orders.length ? got : undefined;
      }, boundMs);
      expect(compensations.map((c) => [c.orderId, c.amountFen]).sort()).toEqual(lab.orders.map((o) => [o.orderId, o.amountFen]).sort());
      const refunded = await step('consumer-experience refunds the undispatched orders', async () => {
        const got = await Promise.all(removed.flatMap((shop) => shop.orders).map((o) => cx.getOrder({ orderId: o.orderId })));
        return got.every((g) => g.order?.status === OrderStatus.ORDER_STATUS_REFUNDED) ? got.map((g) => g.order) : undefined;
      }, boundMs);
      for (const order of removed.flatMap((shop) => shop.orders)) {
        expect(refunded.find((o) => o?.orderId === order.orderId)?.refundedFen).toBe(order.amountFen);
      }
      const { ledger } = await cx.getFundLedger({});
      expect(ledger?.balanced).toBe(true);
      // Lab compensations are recovered from the lab merchant's deposit, once each.
      expect(sumFen(compensations.map((c) => c.recoveredFen))).toBe(sumFen(lab.orders.map((o) => o.amountFen)));
    },
  };
};

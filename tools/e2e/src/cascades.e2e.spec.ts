import {
  AfterSaleReason,
  AfterSaleStatus,
  AfterSaleType,
  CompensationCause,
  ComplaintCategory,
  ComplaintStatus,
  ComplaintTargetType,
  EntrySide,
  OrderStatus,
  type Order,
} from '@govern/contracts-consumer-experience';
import {
  AssessmentTrigger,
  ContentTier,
  CreatorStanding,
  LivestreamActionKind,
  PenaltyAction,
  PenaltySource,
  ProductLinkState,
  ViolationKind,
  type StreamLivestreamSignalsRequest,
} from '@govern/contracts-content';
import {
  ApplicationStatus,
  IdentifierKind,
  MerchantStatus,
  RiskBand,
  ViolationSource,
  ViolationType,
} from '@govern/contracts-merchant-access';
import { BanCause, DefectClass, LabVerdict, ProductStatus } from '@govern/contracts-product-quality';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticIdentity } from '@govern/platform-testing';
import {
  applicationInput,
  CascadeClock,
  CLEAN_CAPTIONS,
  CLEAN_TRANSCRIPT,
  failureOf,
  hoursAgo,
  listProduct,
  onboardMerchant,
  publishVideo,
  recordOrder,
  serviceErrors,
  shipOrder,
  sumFen,
  type ListedProduct,
  type OnboardedMerchant,
} from './marketplace';
import { expectActorOfFlow, opsClientsOf, removerOf } from './cascade-actors';
import { startPlatformProcesses, type PlatformUnderTest, METRICS_REPORT_PERIOD_MS } from './platform-processes';

/**
 * The five cross-service cascades of DESIGN.md, end to end: the four services run as separate
 * processes (real gRPC, PostgreSQL, NATS JetStream), every cascade is started and observed only
 * through the public gRPC APIs, and its final state is asserted in every service it crosses
 * (through their read APIs; through a read-only query only where no RPC exposes the figure).
 * Each step is polled until it holds and logs how long after the trigger it settled.
 *
 * One platform serves all five cascades (each with its own merchants, products, creators and
 * buyers). Cascade 4 waits for consumer-experience's service-metrics report, which is debounced
 * to the end of the current reporting period (15 minutes in production; the platform under test
 * sets METRICS_REPORT_PERIOD_MS to a few seconds): its orders are recorded right after the
 * platform starts, so that wait overlaps the other four cascades.
 */

/** A test waits for one step (bound 30 s) plus its reads: failures then report the step that did not settle, not a test timeout. */
const STEP_TIMEOUT_MS = 60_000;

let platform: PlatformUnderTest;

const ma = () => platform.clients.merchantAccess;
const pq = () => platform.clients.productQuality;
const ct = () => platform.clients.content;
const cx = () => platform.clients.consumerExperience;

/** Cascade 4's marketplace, recorded in beforeAll so the metrics report period runs while the other cascades do. */
interface Cascade4Setup {
  merchant: OnboardedMerchant;
  product: ListedProduct;
  contentId: string;
  /** The video's tier and the merchant's affiliate eligibility before the cascade (preconditions). */
  initialTier: ContentTier | undefined;
  initiallyEligible: boolean | undefined;
  orders: number;
  qualityReturns: number;
  /** When the last order fact was recorded: its report is due at the end of that period. */
  lastFactAt: Date;
}
/** The setup, or why it failed (reported by cascade 4 alone, not by the whole file). */
let c4Ready: { setup: Cascade4Setup } | { error: unknown };

const setUpCascade4 = async (): Promise<Cascade4Setup> => {
  const merchant = await onboardMerchant(platform, 400);
  const product = await listProduct(platform, { key: 'c4-thermos', merchantId: merchant.merchantId, title: 'Vacuum insulated stainless thermos flask 500 ml', priceFen: 6_900n });
  const contentId = 'c4-video-thermos-review';
  // Complete, original, engaging and clean: the video is boosted (PREMIUM).
  const video = await publishVideo(platform, {
    contentId,
    creatorId: 'c4-creator',
    title: 'Thermos flask: one month on the commute',
    captions: CLEAN_CAPTIONS,
    transcript: CLEAN_TRANSCRIPT,
    linkedProducts: [{ productId: product.productId, merchantId: merchant.merchantId }],
    mediaFingerprint: 'fp-c4-thermos-review',
    engagement: { views: 20_000n, completionRate: 0.62, likes: 1_800n, comments: 240n, shares: 90n },
  });
  const eligibility = await ma().getAffiliateEligibility({ merchantId: merchant.merchantId });

  // 32 delivered orders (more than the 30 the store score needs to leave its neutral value), shipped
  // on time with a real first scan; 8 of them come back with a quality defect (25%).
  const orders = 32;
  const qualityReturns = 8;
  for (let i = 0; i < orders; i++) {
    const orderId = `c4-order-${i}`;
    await recordOrder(platform, { orderId, buyerId: `c4-buyer-${i}`, product, paidAt: hoursAgo(20) });
    await shipOrder(platform, orderId, { shippedAt: hoursAgo(19), pickedUpAt: hoursAgo(18), deliveredAt: hoursAgo(2) });
  }
  for (let i = 0; i < qualityReturns; i++) {
    await cx().requestAfterSale({
      requestId: `c4-after-sale-${i}`,
      orderId: `c4-order-${i}`,
      buyerId: `c4-buyer-${i}`,
      type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
      reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
      amountFen: product.priceFen,
      description: 'The lid seal is cracked and the flask leaks.',
      evidenceRefs: [`c4-photo-${i}.jpg`],
      buyerTrustScore: 10,
    });
  }
  return {
    merchant,
    product,
    contentId,
    initialTier: video.contentItem?.tier,
    initiallyEligible: eligibility.eligibility?.eligible,
    orders,
    qualityReturns,
    lastFactAt: new Date(),
  };
};

beforeAll(async () => {
  platform = await startPlatformProcesses();
  // The consumer protection fund's capital (the platform's yearly allocation).
  await cx().contributeToFund({ requestId: 'e2e-fund-capital', amountFen: 100_000_000n, paymentRef: 'e2e-fund-capital' });
  c4Ready = await setUpCascade4().then(
    (setup) => ({ setup }),
    (error: unknown) => ({ error }),
  );
}, 300_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

describe('cascade 1: a critical lab failure bans the product → content limited → merchant points → buyers compensated by the fund, recovered from the deposit', { timeout: STEP_TIMEOUT_MS }, () => {
  const clock = new CascadeClock('cascade 1', () => serviceErrors(platform));
  let merchant: OnboardedMerchant;
  let product: ListedProduct;
  let orders: Order[];
  const contentId = 'c1-video-bottle';
  let depositBefore: bigint;
  let fundBefore: bigint;

  beforeAll(async () => {
    merchant = await onboardMerchant(platform, 100);
    product = await listProduct(platform, { key: 'c1-bottle', merchantId: merchant.merchantId, title: "Children's insulated water bottle with straw", priceFen: 8_900n });
    const video = await publishVideo(platform, {
      contentId,
      creatorId: 'c1-creator',
      title: "Children's water bottle review",
      captions: CLEAN_CAPTIONS,
      transcript: CLEAN_TRANSCRIPT,
      linkedProducts: [{ productId: product.productId, merchantId: merchant.merchantId }],
      mediaFingerprint: 'fp-c1-bottle',
    });
    expect([ContentTier.CONTENT_TIER_STANDARD, ContentTier.CONTENT_TIER_PREMIUM]).toContain(video.contentItem?.tier);
    await cx().depositMerchantFunds({ requestId: 'c1-deposit', merchantId: merchant.merchantId, amountFen: merchant.depositFen, paymentRef: 'c1-bank-transfer' });
    // Three recent buyers, paid within the dispatch promise (no late-dispatch compensation muddles the figures).
    orders = [];
    for (const [i, hours] of [2, 6, 20].entries()) {
      orders.push(await recordOrder(platform, { orderId: `c1-order-${i}`, buyerId: `c1-buyer-${i}`, product, paidAt: hoursAgo(hours), amountFen: 8_900n + BigInt(i) * 1_000n }));
    }
    depositBefore = (await cx().getMerchantDeposit({ merchantId: merchant.merchantId })).deposit?.balanceFen ?? 0n;
    fundBefore = (await cx().getFundLedger({})).ledger?.fundBalanceFen ?? 0n;

    clock.trigger();
    const lab = await pq().recordLabResult({
      requestId: 'c1-lab-result',
      productId: product.productId,
      skuId: product.skuId,
      verdict: LabVerdict.LAB_VERDICT_FAIL,
      defects: [{ defectClass: DefectClass.DEFECT_CLASS_CRITICAL, code: 'PHTHALATES_OVER_LIMIT', description: 'DEHP 0.31% in the straw (limit 0.1%)' }],
      reportRef: 'CNAS-E2E-0001',
      labName: 'Fujian Product Quality Inspection Institute',
      testedAt: hoursAgo(1),
    });
    expect(lab.bans.map((b) => b.productId)).toContain(product.productId);
  }, 120_000);

  it('product-quality: the product is banned for the lab result', async () => {
    const { product: banned } = await clock.step('product-quality bans the product', async () => {
      const got = await pq().getProduct({ productId: product.productId });
      return got.product?.status === ProductStatus.PRODUCT_STATUS_BANNED ? got : undefined;
    });
    const { bans } = await pq().listBans({ productId: product.productId });
    expect(bans).toHaveLength(1);
    expect(bans[0]).toMatchObject({ banId: banned?.activeBanId, cause: BanCause.BAN_CAUSE_LAB_CRITICAL, merchantId: merchant.merchantId });
  });

  it('content: the video linking the product is limited', async () => {
    const item = await clock.step('content limits the video', async () => {
      const { contentItem } = await ct().getContentItem({ contentId });
      return contentItem?.tier === ContentTier.CONTENT_TIER_LIMITED ? contentItem : undefined;
    });
    expect(item.trafficWeight).toBeCloseTo(0.3);
    const { penalties } = await ct().listPenalties({ contentId });
    expect(penalties).toEqual(
      expect.arrayContaining([expect.objectContaining({ source: PenaltySource.PENALTY_SOURCE_CASCADE, action: PenaltyAction.PENALTY_ACTION_LIMITED })]),
    );
  });

  it('merchant-access: the merchant gets the points of a critical inspection failure', async () => {
    const violation = await clock.step('merchant-access records the violation points', async () => {
      const { violations } = await ma().listViolations({ merchantId: merchant.merchantId });
      return violations.find((v) => v.type === ViolationType.VIOLATION_TYPE_CRITICAL_INSPECTION_FAILURE);
    });
    expect(violation).toMatchObject({ points: 12, source: ViolationSource.VIOLATION_SOURCE_PRODUCT_QUALITY, productId: product.productId });
    const { standing } = await ma().getMerchantStanding({ merchantId: merchant.merchantId });
    expect(standing).toMatchObject({ activePoints: 12, status: MerchantStatus.MERCHANT_STATUS_LISTING_RESTRICTED, canList: false, canSell: true });
  });

  it('consumer-experience: every recent buyer is paid back by the fund, recovered from the deposit', async () => {
    const compensations = await clock.step('consumer-experience compensates the recent buyers', async () => {
      const { compensations } = await cx().listCompensations({ merchantId: merchant.merchantId, cause: CompensationCause.COMPENSATION_CAUSE_FAILED_INSPECTION });
      return compensations.length >= orders.length ? compensations : undefined;
    });
    expect(compensations).toHaveLength(orders.length);
    for (const order of orders) {
      const paid = compensations.find((c) => c.orderId === order.orderId);
      expect(paid).toMatchObject({ buyerId: order.buyerId, productId: product.productId, amountFen: order.amountFen, recoveredFen: order.amountFen, outstandingFen: 0n });
    }
    const total = sumFen(orders.map((o) => o.amountFen));
    const { deposit } = await cx().getMerchantDeposit({ merchantId: merchant.merchantId });
    expect(deposit?.balanceFen).toBe(depositBefore - total);
    // The deposit fell below its minimum: the merchant is asked to top it up.
    expect(deposit?.topUpRequested).toBe(true);
    // The ledger shows the recovery: the deposit account is debited each order's amount.
    const { entries } = await cx().listLedgerEntries({ account: `MERCHANT_DEPOSIT:${merchant.merchantId}`, pageSize: 100 });
    for (const order of orders) {
      const recovered = entries.filter((e) => e.orderId === order.orderId && e.side === EntrySide.ENTRY_SIDE_DEBIT);
      expect(sumFen(recovered.map((e) => e.amountFen))).toBe(order.amountFen);
    }
    const { ledger } = await cx().getFundLedger({});
    expect(ledger?.balanced).toBe(true);
    // Paid out and recovered: the fund itself is whole again.
    expect(ledger?.fundBalanceFen).toBe(fundBefore);
    clock.total();
  });
});

describe('cascade 2: a merchant removed → all its products banned → their content unlinked → undispatched orders refunded, open after-sales protected by the fund', { timeout: STEP_TIMEOUT_MS }, () => {
  const clock = new CascadeClock('cascade 2', () => serviceErrors(platform));
  let merchant: OnboardedMerchant;
  let products: ListedProduct[];
  const contentId = 'c2-video-kitchen';
  let undispatched: Order[];
  let withAfterSale: Order;
  let afterSaleId: string;
  let shippedOnly: Order;

  beforeAll(async () => {
    merchant = await onboardMerchant(platform, 200);
    products = [
      await listProduct(platform, { key: 'c2-knife', merchantId: merchant.merchantId, title: 'Damascus pattern chef knife 8 inch', priceFen: 25_900n }),
      await listProduct(platform, { key: 'c2-board', merchantId: merchant.merchantId, title: 'Bamboo cutting board with juice groove', priceFen: 7_900n }),
    ];
    const [knife, board] = products as [ListedProduct, ListedProduct];
    await publishVideo(platform, {
      contentId,
      creatorId: 'c2-creator',
      title: 'Kitchen basics: knife and board',
      captions: CLEAN_CAPTIONS,
      transcript: CLEAN_TRANSCRIPT,
      linkedProducts: products.map((p) => ({ productId: p.productId, merchantId: merchant.merchantId })),
      mediaFingerprint: 'fp-c2-kitchen',
    });
    await cx().depositMerchantFunds({ requestId: 'c2-deposit', merchantId: merchant.merchantId, amountFen: merchant.depositFen, paymentRef: 'c2-bank-transfer' });
    undispatched = [
      await recordOrder(platform, { orderId: 'c2-order-unshipped-1', buyerId: 'c2-buyer-1', product: knife, paidAt: hoursAgo(3) }),
      await recordOrder(platform, { orderId: 'c2-order-unshipped-2', buyerId: 'c2-buyer-2', product: board, paidAt: hoursAgo(5) }),
    ];
    withAfterSale = await recordOrder(platform, { orderId: 'c2-order-after-sale', buyerId: 'c2-buyer-3', product: knife, paidAt: hoursAgo(30) });
    await shipOrder(platform, withAfterSale.orderId, { shippedAt: hoursAgo(28), pickedUpAt: hoursAgo(27), deliveredAt: hoursAgo(3) });
    const opened = await cx().requestAfterSale({
      requestId: 'c2-after-sale',
      orderId: withAfterSale.orderId,
      buyerId: withAfterSale.buyerId,
      type: AfterSaleType.AFTER_SALE_TYPE_RETURN_AND_REFUND,
      reason: AfterSaleReason.AFTER_SALE_REASON_QUALITY_DEFECT,
      amountFen: withAfterSale.amountFen,
      description: 'The blade chipped on first use.',
      evidenceRefs: ['c2-chipped-blade.jpg'],
      // Too little trust for a refund before the goods come back: the after-sale waits for the merchant.
      buyerTrustScore: 10,
    });
    afterSaleId = opened.afterSale?.afterSaleId ?? '';
    expect(opened.afterSale?.status).toBe(AfterSaleStatus.AFTER_SALE_STATUS_AWAITING_MERCHANT);
    shippedOnly = await recordOrder(platform, { orderId: 'c2-order-shipped', buyerId: 'c2-buyer-4', product: board, paidAt: hoursAgo(30) });
    await shipOrder(platform, shippedOnly.orderId, { shippedAt: hoursAgo(29), pickedUpAt: hoursAgo(28) });

    clock.trigger();
    const removal = await ma().recordViolation({
      requestId: 'c2-counterfeit',
      merchantId: merchant.merchantId,
      type: ViolationType.VIOLATION_TYPE_COUNTERFEIT,
      source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
      sourceRef: 'case-c2-counterfeit',
      productId: knife.productId,
      description: 'Counterfeit branded knives confirmed by the brand owner.',
      evidence: { appraisal_ref: 'APPRAISAL-E2E-2' },
    });
    expect(removal).toMatchObject({ removed: true, depositForfeited: true });
  }, 120_000);

  it('merchant-access: the merchant is removed', async () => {
    const { merchant: removed } = await ma().getMerchant({ merchantId: merchant.merchantId });
    expect(removed?.standing?.status).toBe(MerchantStatus.MERCHANT_STATUS_REMOVED);
    expect(removed?.removedAt).toBeInstanceOf(Date);
  });

  it('product-quality: every product of the merchant is banned', async () => {
    const listed = await clock.step('product-quality bans every product', async () => {
      const { products: current } = await pq().listProducts({ merchantId: merchant.merchantId });
      return current.length === products.length && current.every((p) => p.status === ProductStatus.PRODUCT_STATUS_BANNED) ? current : undefined;
    });
    expect(listed.map((p) => p.productId).sort()).toEqual(products.map((p) => p.productId).sort());
    const { bans } = await pq().listBans({ merchantId: merchant.merchantId, cause: BanCause.BAN_CAUSE_MERCHANT_REMOVED });
    expect(bans.map((b) => b.productId).sort()).toEqual(products.map((p) => p.productId).sort());
  });

  it('content: the video is unlinked from every product of the merchant', async () => {
    const item = await clock.step('content unlinks the video', async () => {
      const { contentItem } = await ct().getContentItem({ contentId });
      return contentItem && contentItem.productLinks.length > 0 && contentItem.productLinks.every((l) => l.state === ProductLinkState.PRODUCT_LINK_STATE_UNLINKED)
        ? contentItem
        : undefined;
    });
    for (const link of item.productLinks) {
      expect(['CONTENT.CASCADE.MERCHANT_REMOVED', 'CONTENT.CASCADE.PRODUCT_BANNED']).toContain(link.unlinkedReasonCode);
    }
  });

  it('consumer-experience: undispatched orders are refunded in full', async () => {
    await clock.step('consumer-experience refunds the undispatched orders', async () => {
      const got = await Promise.all(undispatched.map((o) => cx().getOrder({ orderId: o.orderId })));
      return got.every((g) => g.order?.status === OrderStatus.ORDER_STATUS_REFUNDED) ? got : undefined;
    });
    for (const o of undispatched) {
      const { order } = await cx().getOrder({ orderId: o.orderId });
      expect(order?.refundedFen).toBe(o.amountFen);
    }
    // A dispatched order without an after-sale is left to its normal course.
    const { order: shipped } = await cx().getOrder({ orderId: shippedOnly.orderId });
    expect(shipped?.status).toBe(OrderStatus.ORDER_STATUS_SHIPPED);
    expect(shipped?.refundedFen).toBe(0n);
  });

  it('consumer-experience: the open after-sale is settled by the fund, and the merchant takes no new order', async () => {
    const afterSale = await clock.step('consumer-experience settles the open after-sale from the fund', async () => {
      const got = await cx().getAfterSale({ afterSaleId });
      return got.afterSale?.status === AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED ? got.afterSale : undefined;
    });
    expect(afterSale.orderId).toBe(withAfterSale.orderId);
    const { compensations } = await cx().listCompensations({ merchantId: merchant.merchantId, cause: CompensationCause.COMPENSATION_CAUSE_MERCHANT_REMOVED });
    expect(compensations).toEqual([expect.objectContaining({ orderId: withAfterSale.orderId, afterSaleId, amountFen: withAfterSale.amountFen })]);
    const refused = await failureOf(
      recordOrder(platform, { orderId: 'c2-order-after-removal', buyerId: 'c2-buyer-5', product: products[1] as ListedProduct, paidAt: new Date() }),
    );
    expect(refused).toEqual({ codeName: 'FAILED_PRECONDITION', reason: 'ORDER.MERCHANT_REMOVED' });
    clock.total();
  });

  it('every service names the operator who removed the merchant on the cascade\'s events and decisions', async () => {
    const ops = opsClientsOf(platform);
    try {
      const operator = await removerOf(ops, merchant.merchantId);
      const merchantSubject = { type: 'merchant', id: merchant.merchantId };
      // The removal's flow is its request (c2-counterfeit): MerchantRemoved, the bans, the unlinks, the refunds.
      await expectActorOfFlow(ops, operator, 'merchant-access', { correlationId: 'c2-counterfeit', minEvents: 1, decisions: { kind: 'violation-points', subject: merchantSubject, min: 1 } });
      await expectActorOfFlow(ops, operator, 'product-quality', { correlationId: 'c2-counterfeit', minEvents: products.length });
      await expectActorOfFlow(ops, operator, 'content', { correlationId: 'c2-counterfeit', minEvents: 0 });
      await expectActorOfFlow(ops, operator, 'consumer-experience', { correlationId: 'c2-counterfeit', minEvents: 1, decisions: { kind: 'compensation', subject: merchantSubject, min: 1 } });
    } finally {
      ops.close();
    }
  });
});

describe('cascade 3: a complaint about a misleading livestream → re-assessment → creator credit deduction → linking suspended at the threshold', { timeout: STEP_TIMEOUT_MS }, () => {
  const clock = new CascadeClock('cascade 3', () => serviceErrors(platform));
  const creatorId = 'c3-creator';
  const livestreamId = 'c3-livestream-tea';
  let product: ListedProduct;
  let complaintId: string;
  let creditBefore: number;

  beforeAll(async () => {
    const merchant = await onboardMerchant(platform, 300);
    product = await listProduct(platform, { key: 'c3-tea', merchantId: merchant.merchantId, title: 'Wuyi rock oolong tea gift tin 250 g', priceFen: 16_800n });
    const link = { productId: product.productId, merchantId: merchant.merchantId };
    // The creator already lost 3 credit points for an earlier video ("unbeatable": a MEDIUM claim).
    const earlier = await publishVideo(platform, {
      contentId: 'c3-video-earlier',
      creatorId,
      title: 'Oolong tasting notes',
      captions: 'An unbeatable oolong for the price, brewed three ways at home.',
      transcript: CLEAN_TRANSCRIPT,
      linkedProducts: [link],
      mediaFingerprint: 'fp-c3-earlier',
    });
    creditBefore = earlier.creatorCredit?.credit ?? 12;
    expect(creditBefore).toBe(9);

    const started = await ct().startLivestream({ requestId: 'c3-live-start', livestreamId, creatorId, title: 'Evening oolong tasting', linkedProducts: [link] });
    expect(started.refusedLinks).toEqual([]);
    // On air the host makes a medical claim once: the session is only warned (no credit penalty yet).
    const signal: StreamLivestreamSignalsRequest = {
      signal: {
        livestreamId,
        clientSequence: 1n,
        observeTime: new Date(),
        transcriptSegment: { text: 'This oolong is clinically proven to keep your arteries young, buy it tonight.', startOffsetMs: 60_000n, endOffsetMs: 66_000n },
      },
    };
    const actions = [];
    for await (const response of ct().streamLivestreamSignals((async function* () {
      yield signal;
    })())) {
      actions.push(response.action);
    }
    expect(actions).toHaveLength(1);
    expect(actions[0]?.level).toBe(LivestreamActionKind.LIVESTREAM_ACTION_KIND_WARN_HOST);
    await ct().endLivestream({ requestId: 'c3-live-end', livestreamId });
    expect((await ct().getCreatorCredit({ creatorId })).creatorCredit?.credit).toBe(creditBefore);

    clock.trigger();
    const { complaint } = await cx().fileComplaint({
      requestId: 'c3-complaint',
      buyerId: 'c3-buyer-1',
      targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT,
      targetId: livestreamId,
      merchantId: merchant.merchantId,
      category: ComplaintCategory.COMPLAINT_CATEGORY_MISLEADING_CLAIM,
      text: 'The host said the tea is clinically proven to keep arteries young. That is a false medical claim.',
      evidenceRefs: ['c3-screen-recording.mp4'],
    });
    complaintId = complaint?.complaintId ?? '';
    expect(complaint).toMatchObject({ status: ComplaintStatus.COMPLAINT_STATUS_ROUTED, routedTo: 'content' });
  }, 120_000);

  it('consumer-experience: the complaint is routed to content', async () => {
    const { complaint } = await cx().getComplaint({ complaintId });
    expect(complaint).toMatchObject({ targetType: ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT, targetId: livestreamId, routedTo: 'content' });
  });

  it('content: the livestream is re-assessed because of the complaint and the claim is found', async () => {
    const item = await clock.step('content re-assesses the livestream', async () => {
      const { contentItem } = await ct().getContentItem({ contentId: livestreamId });
      return contentItem?.latestAssessment?.trigger === AssessmentTrigger.ASSESSMENT_TRIGGER_COMPLAINT ? contentItem : undefined;
    });
    expect(item.latestAssessment?.violations.map((v) => v.kind)).toContain(ViolationKind.VIOLATION_KIND_PROHIBITED_CLAIM);
    expect([ContentTier.CONTENT_TIER_LIMITED, ContentTier.CONTENT_TIER_BLOCKED]).toContain(item.tier);
  });

  it('content: the creator loses credit for it', async () => {
    const penalty = await clock.step('content deducts the creator credit', async () => {
      const { penalties } = await ct().listPenalties({ contentId: livestreamId });
      return penalties.find((p) => p.source === PenaltySource.PENALTY_SOURCE_ASSESSMENT && p.creditPoints > 0);
    });
    const { creatorCredit } = await ct().getCreatorCredit({ creatorId });
    expect(creatorCredit?.credit).toBe(creditBefore - penalty.creditPoints);
  });

  it('content: at the suspension rung the creator may no longer link products', async () => {
    const credit = await clock.step('content suspends the creator linking', async () => {
      const { creatorCredit } = await ct().getCreatorCredit({ creatorId });
      return creatorCredit?.standing === CreatorStanding.CREATOR_STANDING_LINKING_SUSPENDED ? creatorCredit : undefined;
    });
    expect(credit.credit).toBeLessThanOrEqual(4);
    expect(credit.linkingAllowed).toBe(false);
    expect(credit.linkingSuspendedUntil?.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3_600_000);
    // The suspension bites: a new livestream's product link is refused.
    const next = await ct().startLivestream({
      requestId: 'c3-live-next',
      livestreamId: 'c3-livestream-next',
      creatorId,
      title: 'Morning tea',
      linkedProducts: [{ productId: product.productId, merchantId: product.merchantId }],
    });
    expect(next.refusedLinks.map((v) => v.kind)).toContain(ViolationKind.VIOLATION_KIND_CREATOR_LINKING_SUSPENDED);
    clock.total();
  });
});

describe("cascade 5: a removed merchant's bank account in a new application → intercepted", { timeout: STEP_TIMEOUT_MS }, () => {
  const clock = new CascadeClock('cascade 5', () => serviceErrors(platform));
  let removed: OnboardedMerchant;

  beforeAll(async () => {
    removed = await onboardMerchant(platform, 500);
    const removal = await ma().recordViolation({
      requestId: 'c5-fraud',
      merchantId: removed.merchantId,
      type: ViolationType.VIOLATION_TYPE_FRAUD,
      source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
      sourceRef: 'case-c5-fraud',
      description: 'Orders taken for goods never shipped.',
    });
    expect(removal.removed).toBe(true);
    clock.trigger();
  }, 60_000);

  it('merchant-access: the ring graph links the removed merchant’s bank account', async () => {
    await clock.step('merchant-access links the bank account to a removed merchant', async () => {
      const links = await ma().checkIdentifierLinks({ identifiers: [{ kind: IdentifierKind.IDENTIFIER_KIND_BANK_ACCOUNT, value: syntheticIdentity(500).bankCard }] });
      return links.linkedToRemoved ? links : undefined;
    });
  });

  it('merchant-access: a new applicant with that bank account is rejected with the ring link as evidence', async () => {
    const company = '福州新起点贸易有限公司';
    const input = applicationInput(505, {
      companyName: company,
      bankAccount: { accountNumber: syntheticIdentity(500).bankCard, bankName: '中国工商银行', accountHolder: company },
    });
    const { application, merchant } = await clock.step('merchant-access intercepts the applicant', async () =>
      ma().submitApplication({ requestId: 'c5-reentry', application: input }),
    );
    expect(merchant).toBeUndefined();
    expect(application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_REJECTED);
    expect(application?.merchantId).toBe('');
    expect(application?.decision?.band).toBe(RiskBand.RISK_BAND_REJECT);
    const link = application?.decision?.ringLinks.find((l) => l.merchantId === removed.merchantId);
    expect(link?.merchantStatus).toBe(MerchantStatus.MERCHANT_STATUS_REMOVED);
    expect(link?.path.map((step) => step.identifierKind)).toEqual([IdentifierKind.IDENTIFIER_KIND_BANK_ACCOUNT]);
    const ring = application?.decision?.reasons.find((r) => r.code === 'MERCHANT.RISK.RING_REMOVED');
    expect(ring).toBeDefined();
    expect(JSON.stringify(ring?.evidence)).toContain(removed.merchantId);
    // The account number itself never comes back.
    expect(JSON.stringify(application, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(syntheticIdentity(500).bankCard);

    const stored = await ma().getApplication({ applicationId: application?.applicationId ?? '' });
    expect(stored.application?.status).toBe(ApplicationStatus.APPLICATION_STATUS_REJECTED);
    const stats = await ma().getGovernanceStats({ window: { startTime: hoursAgo(1), endTime: new Date(Date.now() + 60_000) } });
    expect(stats.ringLinksIntercepted).toBeGreaterThanOrEqual(1n);
    clock.total();
  });
});

describe('cascade 4: service metrics → store experience score drops → affiliate eligibility lost → the merchant’s content no longer boosted', { timeout: STEP_TIMEOUT_MS }, () => {
  const clock = new CascadeClock('cascade 4', () => serviceErrors(platform));
  let c4: Cascade4Setup;

  beforeAll(() => {
    if ('error' in c4Ready) throw c4Ready.error;
    c4 = c4Ready.setup;
    // The trigger is the last service fact (order, parcel, after-sale) recorded in the top-level beforeAll.
    clock.trigger(c4.lastFactAt);
  });

  it('before: the merchant is in the affiliate programme and its video is boosted', () => {
    expect(c4.initiallyEligible).toBe(true);
    expect(c4.initialTier).toBe(ContentTier.CONTENT_TIER_PREMIUM);
  });

  it('consumer-experience: the merchant’s service metrics count its orders and quality returns', async () => {
    const { metrics } = await cx().getMerchantServiceMetrics({ merchantId: c4.merchant.merchantId });
    expect(metrics).toMatchObject({ orders: BigInt(c4.orders), qualityReturns: BigInt(c4.qualityReturns), fakeShipments: 0n, lateDispatches: 0n });
  });

  it('merchant-access: the store experience score drops below the affiliate minimum', async () => {
    // consumer-experience reports a merchant's metrics at the end of the reporting period its last fact fell in.
    const reportDueAt = (Math.floor(c4.lastFactAt.getTime() / METRICS_REPORT_PERIOD_MS) + 1) * METRICS_REPORT_PERIOD_MS;
    const bound = Math.max(30_000, reportDueAt - Date.now() + 60_000);
    const score = await clock.step(
      'merchant-access scores the store from consumer-experience’s metrics report',
      async () => {
        const got = await ma().getStoreExperienceScore({ merchantId: c4.merchant.merchantId }).then(
          (r) => r.score,
          () => undefined,
        );
        return got && !got.neutral && got.orderCount >= BigInt(c4.orders) ? got : undefined;
      },
      bound,
    );
    console.log(
      `[cascade 4] consumer-experience's report was due at ${new Date(reportDueAt).toISOString()} (end of the reporting period of the last fact); ` +
        `merchant-access had scored it ${Date.now() - reportDueAt} ms later`,
    );
    expect(score.score).toBeLessThan(4);
    // The quality returns are what pulled it down.
    expect(score.productScore).toBeLessThan(score.logisticsScore);
    expect(score.components.find((c) => c.metric === 'quality_return_rate')?.observed).toBeCloseTo(c4.qualityReturns / c4.orders);
  }, METRICS_REPORT_PERIOD_MS + 5 * 60_000);

  it('merchant-access: the affiliate sweep clears the merchant from the programme', async () => {
    const sweep = await clock.step('merchant-access clears the merchant in the affiliate sweep', async () => ma().runAffiliateSweep({ requestId: 'c4-affiliate-sweep' }));
    expect(sweep.clearedMerchantIdsSample).toContain(c4.merchant.merchantId);
    const { eligibility } = await ma().getAffiliateEligibility({ merchantId: c4.merchant.merchantId });
    expect(eligibility?.eligible).toBe(false);
    expect(eligibility?.reasons.map((r) => r.code)).toContain('MERCHANT.AFFILIATE.SCORE_TOO_LOW');
    const { merchant } = await ma().getMerchant({ merchantId: c4.merchant.merchantId });
    expect(merchant?.affiliateEligible).toBe(false);
  });

  it('content: the merchant’s content is no longer boosted', async () => {
    const item = await clock.step('content takes the boost from the merchant’s content', async () => {
      const { contentItem } = await ct().getContentItem({ contentId: c4.contentId });
      return contentItem && contentItem.tier !== ContentTier.CONTENT_TIER_PREMIUM ? contentItem : undefined;
    });
    expect(item.tier).toBe(ContentTier.CONTENT_TIER_STANDARD);
    expect(item.trafficWeight).toBe(1);
    // Capped, not punished: the video keeps selling the product.
    expect(item.productLinks.every((l) => l.state === ProductLinkState.PRODUCT_LINK_STATE_ACTIVE)).toBe(true);
    clock.total();
  });
});

import { AfterSaleReason, AfterSaleType, FastRefundOutcome } from '@govern/contracts-consumer-experience';
import { ApplicationStatus } from '@govern/contracts-merchant-access';
import { ListingDecision } from '@govern/contracts-product-quality';
import { ensureFixtures, failedRow, measure, waitMerchantsKnown, waitProductsKnownToContent, type BenchContext } from '../context';
import { offeredRate } from '../goals';
import { closedLoop, openLoop } from '../load';
import { applicationInput, listingRequest, orderRequest, productOf, videoRequest } from '../platform/marketplace';
import type { ServiceName } from '../platform/platform';
import { cloneRows } from '../platform/seed';

/**
 * The decision writes, each a real decision with its writes (idempotency record, state, outbox),
 * at 64 in flight (throughput) and then open-loop at the rate the goal table sets (latency),
 * over many merchants so no one merchant's lock is measured here (the upload path does that).
 */

interface WritePath {
  path: string;
  label: string;
  services: readonly ServiceName[];
  call(i: number): Promise<unknown>;
}

/**
 * Open-loop calls outstanding at most when the service is slower than the offered rate: as many as
 * the closed-loop row (a call due while 64 are out waits, and its wait counts in its latency).
 */
const PACED_MAX_IN_FLIGHT = 64;

const runWritePath = async (ctx: BenchContext, write: WritePath, inFlights: readonly (8 | 64)[] = [64]): Promise<void> => {
  const { scale } = ctx;
  let index = 0;
  for (const inFlight of inFlights) {
    const id = `writes.${write.path}.${inFlight}`;
    try {
      const run = await measure(ctx, { id, label: `${write.label}, ${inFlight} in flight`, services: write.services }, (markStart) =>
        closedLoop({ inFlight, calls: scale.rowCalls, maxMs: scale.rowMs, warmup: index === 0 ? scale.warmup : 0, call: (i) => write.call(index + i), onMeasureStart: markStart }),
      );
      index += (run.calls ?? 0) + (run.errors ?? 0) + (index === 0 ? scale.warmup : 0) + inFlight;
    } catch (error) {
      failedRow(ctx, id, `${write.label}, ${inFlight} in flight`, error);
    }
  }
  const pacedId = `writes.${write.path}.paced`;
  const rate = offeredRate(pacedId, ctx.measurements);
  if (rate === undefined) return failedRow(ctx, pacedId, `${write.label}, paced`, new Error('its floor was not measured'));
  try {
    await ctx.platform.quiesce();
    await measure(ctx, { id: pacedId, label: `${write.label}, paced`, services: write.services }, () =>
      openLoop({ perSecond: rate, durationMs: scale.pacedMs, maxInFlight: PACED_MAX_IN_FLIGHT, firstIndex: index, call: (i) => write.call(i) }),
    );
  } catch (error) {
    failedRow(ctx, pacedId, `${write.label}, paced`, error);
  }
  await ctx.platform.quiesce();
};

export const submitApplicationPath = async (ctx: BenchContext): Promise<void> => {
  const ma = ctx.platform.clients.merchantAccess;
  const made: string[] = [];
  await runWritePath(ctx, {
    path: 'submit-application',
    label: 'SubmitApplication (approved)',
    services: ['merchant-access'],
    async call() {
      const seed = ctx.fixtures.seed++;
      const { application, merchant } = await ma.submitApplication({ requestId: `bench-apply-${seed}`, application: applicationInput(seed) });
      if (application?.status !== ApplicationStatus.APPLICATION_STATUS_APPROVED || !merchant) throw new Error(`applicant ${seed} not approved`);
      made.push(merchant.merchantId);
    },
  });
  // Later paths list for these merchants: they must have reached product-quality and consumer-experience.
  if (await waitMerchantsKnown(ctx, made, 120_000)) ctx.fixtures.merchants.push(...made);
  else ctx.progress('the merchants onboarded by SubmitApplication did not all reach the other services within 120 s; onboarding fresh ones');
};

export const evaluateListingPath = async (ctx: BenchContext): Promise<void> => {
  await ensureFixtures(ctx, { merchants: ctx.scale.merchants });
  const merchants = ctx.fixtures.merchants.slice(0, Math.max(ctx.scale.merchants, 64));
  await runWritePath(
    ctx,
    {
      path: 'evaluate-listing',
      label: `EvaluateListing (approved, writes) over ${merchants.length} merchants`,
      services: ['product-quality'],
      async call(i) {
        const request = listingRequest(`el-${i}`, merchants[i % merchants.length] as string, i);
        const decision = await ctx.platform.clients.productQuality.evaluateListing(request);
        if (decision.decision !== ListingDecision.LISTING_DECISION_APPROVED) throw new Error(`rejected: ${decision.reasons.map((r) => r.code).join(', ')}`);
        ctx.fixtures.products.push(productOf(request));
      },
    },
    [8, 64],
  );
};

export const recordOrderPath = async (ctx: BenchContext): Promise<void> => {
  await ensureFixtures(ctx, { merchants: 8, products: 200 });
  const products = ctx.fixtures.products.slice();
  await runWritePath(ctx, {
    path: 'record-order',
    label: 'RecordOrder (paid, in stock)',
    services: ['consumer-experience'],
    async call(i) {
      const product = products[(i * 7919) % products.length];
      if (!product) throw new Error('no product');
      const orderId = `ro-${i}`;
      const buyerId = `rb-${i}`;
      await ctx.platform.clients.consumerExperience.recordOrder(orderRequest(orderId, buyerId, product));
      ctx.fixtures.orders.push({ orderId, buyerId, product });
    },
  });
};

/**
 * The after-sale rows may take more orders than the RecordOrder rows made (each after-sale needs
 * its own undispatched order): the pool is topped up to the most they can take, with copies of an
 * order RecordOrder wrote (and of its dispatch timer), seeded in consumer-experience's database.
 */
const topUpOrders = async (ctx: BenchContext): Promise<void> => {
  const rate = offeredRate('writes.request-after-sale.paced', ctx.measurements) ?? 0;
  const needed = ctx.scale.rowCalls + ctx.scale.warmup + Math.ceil((rate * ctx.scale.pacedMs) / 1000) + PACED_MAX_IN_FLIGHT;
  const missing = needed - ctx.fixtures.orders.length;
  const template = ctx.fixtures.orders[0];
  if (missing <= 0 || !template) return;
  const cx = ctx.platform.sql['consumer-experience'];
  const prefix = `top-${ctx.fixtures.seed++}`;
  await cloneRows(cx, 'orders', { where: 't.order_id = $1', params: [template.orderId] }, missing, { order_id: `'${prefix}-o-' || g`, buyer_id: `'${prefix}-b-' || g` });
  const { rows: timers } = await cx.query<{ kind: string }>(`SELECT kind FROM scheduled_jobs WHERE key = $1`, [template.orderId]);
  for (const { kind } of timers) {
    await cloneRows(cx, 'scheduled_jobs', { where: 't.key = $1 AND t.kind = $2', params: [template.orderId, kind] }, missing, { key: `'${prefix}-o-' || g` });
  }
  await cx.query('ANALYZE orders');
  for (let g = 1; g <= missing; g++) ctx.fixtures.orders.push({ orderId: `${prefix}-o-${g}`, buyerId: `${prefix}-b-${g}`, product: template.product });
  ctx.progress(`seeded ${missing} more undispatched orders (copies of ${template.orderId}) for the after-sale rows`);
};

export const requestAfterSalePath = async (ctx: BenchContext): Promise<void> => {
  if (ctx.fixtures.orders.length === 0) await recordOrderPath(ctx);
  await topUpOrders(ctx);
  await runWritePath(ctx, {
    path: 'request-after-sale',
    label: 'RequestAfterSale (fast refund before dispatch)',
    services: ['consumer-experience'],
    async call(i) {
      // Each after-sale takes its own undispatched order (from the RecordOrder rows).
      const order = ctx.fixtures.orders.shift();
      if (!order) throw new Error('no undispatched order left from the RecordOrder rows');
      const { afterSale } = await ctx.platform.clients.consumerExperience.requestAfterSale({
        requestId: `bench-after-sale-${i}`,
        orderId: order.orderId,
        buyerId: order.buyerId,
        type: AfterSaleType.AFTER_SALE_TYPE_REFUND_ONLY,
        reason: AfterSaleReason.AFTER_SALE_REASON_NOT_WANTED_BEFORE_DISPATCH,
        amountFen: order.product.priceFen,
        description: 'Ordered the wrong colour.',
        evidenceRefs: [],
        goodsUnsealed: false,
      });
      if (afterSale?.fastRefund?.outcome !== FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED) throw new Error('fast refund not granted');
    },
  });
};

export const assessVideoPath = async (ctx: BenchContext): Promise<void> => {
  await ensureFixtures(ctx, { merchants: 8, products: 200 });
  const products = ctx.fixtures.products.slice(-2_000);
  if (!(await waitProductsKnownToContent(ctx, products.map((p) => p.productId)))) {
    return failedRow(ctx, 'writes.assess-video.64', 'AssessVideo', new Error('content did not learn of the approved products within 60 s'));
  }
  await runWritePath(ctx, {
    path: 'assess-video',
    label: 'AssessVideo (clean, one product linked)',
    services: ['content'],
    call: (i) => ctx.platform.clients.content.assessVideo(videoRequest(`av-${i}`, `bench-creator-${i % 500}`, products[i % products.length] as (typeof products)[number])),
  });
};

import { ListingDecision } from '@govern/contracts-product-quality';
import { failedRow, listProduct, measure, onboardMerchants, type BenchContext } from '../context';
import { closedLoop } from '../load';
import { listingRequest, orderRequest } from '../platform/marketplace';

/**
 * Concurrency users will hit (issue 13.4): one large merchant uploading its catalogue at 64 in
 * flight (it must not queue behind one lock for seconds, and a merchant with a listing quota
 * must get exactly its quota approved), and 10k buyers ordering one hot product at once.
 */

/** A whole upload is one row: no time cap short of this. */
const UPLOAD_BOUND_MS = 600_000;

export const uploadPath = async (ctx: BenchContext): Promise<void> => {
  const pq = ctx.platform.clients.productQuality;
  const { listings, quotaListings } = ctx.scale.upload;
  const label = `one merchant uploads ${listings.toLocaleString('en-US')} listings, 64 in flight`;
  try {
    const [large] = await onboardMerchants(ctx, 1);
    let rejected = 0;
    await measure(ctx, { id: 'upload.large-merchant', label, services: ['product-quality'] }, () =>
      closedLoop({
        inFlight: 64,
        calls: listings,
        maxMs: UPLOAD_BOUND_MS,
        warmup: 0,
        async call(i) {
          const decision = await pq.evaluateListing(listingRequest(`up-${i}`, large?.merchantId as string, i));
          if (decision.decision !== ListingDecision.LISTING_DECISION_APPROVED) rejected += 1;
        },
      }),
    );
    if (rejected > 0) ctx.measurements.at(-1)?.notes?.push(`${rejected} listings rejected`);
  } catch (error) {
    failedRow(ctx, 'upload.large-merchant', label, error);
  }
  await ctx.platform.quiesce();

  const quotaLabel = `merchant with a listing quota uploads ${quotaListings}, 64 in flight`;
  try {
    const [restricted] = await onboardMerchants(ctx, 1, { restricted: true });
    const quota = restricted?.listingQuota ?? 0;
    if (quota <= 0) throw new Error('the restricted applicant got no listing quota');
    let approved = 0;
    const run = await closedLoop({
      inFlight: 64,
      calls: quotaListings,
      maxMs: UPLOAD_BOUND_MS,
      warmup: 0,
      async call(i) {
        const decision = await pq.evaluateListing(listingRequest(`uq-${i}`, restricted?.merchantId as string, i));
        if (decision.decision === ListingDecision.LISTING_DECISION_APPROVED) approved += 1;
      },
    });
    ctx.measurements.push({
      id: 'upload.quota',
      label: quotaLabel,
      unit: 'calls/s',
      rate: run.rate,
      p50Ms: run.p50Ms,
      p99Ms: run.p99Ms,
      calls: run.calls,
      errors: run.errors,
      checks: { quotaExact: approved === quota && run.errors === 0 },
      notes: [`${approved} approved of ${quotaListings} with a quota of ${quota}`],
    });
  } catch (error) {
    failedRow(ctx, 'upload.quota', quotaLabel, error);
  }
  await ctx.platform.quiesce();
};

export const hotProductPath = async (ctx: BenchContext): Promise<void> => {
  const buyers = ctx.scale.hotProductBuyers;
  const label = `${buyers.toLocaleString('en-US')} buyers order one hot product, 64 in flight`;
  try {
    const [merchant] = await onboardMerchants(ctx, 1);
    const product = await listProduct(ctx, 'hot-product', merchant?.merchantId as string);
    await measure(ctx, { id: 'orders.hot-product', label, services: ['consumer-experience'] }, () =>
      closedLoop({
        inFlight: 64,
        calls: buyers,
        maxMs: UPLOAD_BOUND_MS,
        warmup: 0,
        call: (i) => ctx.platform.clients.consumerExperience.recordOrder(orderRequest(`hot-${i}`, `hot-buyer-${i}`, product)),
      }),
    );
  } catch (error) {
    failedRow(ctx, 'orders.hot-product', label, error);
  }
  await ctx.platform.quiesce();
};

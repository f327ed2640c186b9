import { performance } from 'node:perf_hooks';
import { ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import { failedRow, listProduct, onboardMerchants, waitFor, waitProductsKnownToContent, type BenchContext } from '../context';
import { orderRequest, videoRequest } from '../platform/marketplace';
import type { ServiceName } from '../platform/platform';
import { cloneRows } from '../platform/seed';

/**
 * The merchant-removal cascade at scale: a merchant with N products, M videos selling them and O
 * orders (a share of them not dispatched yet) is removed for counterfeiting; the row is the time
 * from the RecordViolation call to the moment every service has settled — product-quality has
 * banned every product, content has unlinked every video, consumer-experience has refunded every
 * undispatched order.
 *
 * Fixtures: one product, one video and one order go through the APIs; the rest are copies of
 * those rows in each service's own database (platform/seed.ts), since 160k API calls would take
 * longer than the rest of the bench. Copied orders have no dispatch timer (scheduled job): the
 * cascade does not need one.
 */
export const cascadePath = async (ctx: BenchContext): Promise<void> => {
  const { products, contentItems, orders, undispatchedShare, boundMs } = ctx.scale.cascade;
  const id = 'cascade.merchant-removal';
  const label = `merchant removal: ${products / 1000}k products, ${contentItems / 1000}k videos, ${orders / 1000}k orders → settled`;
  try {
    const { platform } = ctx;
    const [merchant] = await onboardMerchants(ctx, 1);
    const merchantId = merchant?.merchantId as string;
    if (merchant && merchant.depositFen > 0n) {
      await platform.clients.consumerExperience.depositMerchantFunds({ requestId: `bench-cascade-deposit`, merchantId, amountFen: merchant.depositFen, paymentRef: 'bench-cascade' });
    }
    const product = await listProduct(ctx, 'cas-template', merchantId);
    if (!(await waitProductsKnownToContent(ctx, [product.productId]))) throw new Error('content did not learn of the template product');
    const video = videoRequest('cas-template', 'cas-creator-0', product);
    await platform.clients.content.assessVideo(video);
    const order = orderRequest('cas-o-template', 'cas-b-template', product);
    await platform.clients.consumerExperience.recordOrder(order);
    await platform.quiesce();

    ctx.progress(`${label}: seeding`);
    const seedStarted = performance.now();
    const copies = products - 1;
    const productOfG = `'bp-cas-' || (1 + (g - 1) % ${copies})`;
    const skuOfG = `'bs-cas-' || (1 + (g - 1) % ${copies})`;
    const pq = platform.sql['product-quality'];
    await cloneRows(pq, 'products', { where: 't.product_id = $1', params: [product.productId] }, copies, { product_id: `'bp-cas-' || g`, sku_id: `'bs-cas-' || g` });
    await cloneRows(pq, 'listings', { where: 't.product_id = $1', params: [product.productId] }, copies, {
      listing_id: `'bl-cas-' || g`,
      product_id: `'bp-cas-' || g`,
      sku_id: `'bs-cas-' || g`,
      title_fingerprint: `'tf-cas-' || g`,
    });
    const content = platform.sql.content;
    await cloneRows(content, 'known_products', { where: 't.product_id = $1', params: [product.productId] }, copies, { product_id: `'bp-cas-' || g` });
    await cloneRows(content, 'content_items', { where: 't.content_id = $1', params: [video.contentId] }, contentItems - 1, {
      content_id: `'bv-cas-' || g`,
      creator_id: `'cas-creator-' || (g % 500)`,
      media_fingerprint: `'fp-cas-' || g`,
    });
    await cloneRows(content, 'content_product_links', { where: 't.content_id = $1', params: [video.contentId] }, contentItems - 1, {
      content_id: `'bv-cas-' || g`,
      product_id: productOfG,
    });
    // Every k-th order still waits for dispatch; the others have shipped (the cascade leaves those alone).
    const every = Math.max(1, Math.round(1 / undispatchedShare));
    const cx = platform.sql['consumer-experience'];
    await cloneRows(cx, 'orders', { where: 't.order_id = $1', params: [order.orderId] }, orders - 1, {
      order_id: `'cas-o-' || g`,
      buyer_id: `'cas-b-' || g`,
      product_id: productOfG,
      sku_id: skuOfG,
      status: `CASE WHEN g % ${every} = 0 THEN t.status ELSE 'SHIPPED' END`,
      shipped_at: `CASE WHEN g % ${every} = 0 THEN NULL ELSE t.paid_at + interval '1 hour' END`,
      dispatched_on_time: `CASE WHEN g % ${every} = 0 THEN NULL ELSE true END`,
    });
    await Promise.all([pq.query('ANALYZE'), content.query('ANALYZE'), cx.query('ANALYZE')]);
    const seedMs = performance.now() - seedStarted;

    const remaining: Record<Exclude<ServiceName, 'merchant-access'>, { sql: string; what: string }> = {
      'product-quality': { sql: `SELECT count(*)::int AS n FROM products WHERE merchant_id = $1 AND status <> 'BANNED'`, what: 'products not banned' },
      content: { sql: `SELECT count(*)::int AS n FROM content_product_links WHERE merchant_id = $1 AND state = 'ACTIVE'`, what: 'video links active' },
      'consumer-experience': { sql: `SELECT count(*)::int AS n FROM orders WHERE merchant_id = $1 AND status = 'PAID' AND shipped_at IS NULL`, what: 'undispatched orders not refunded' },
    };
    const { rows: undispatched } = await cx.query<{ n: number }>(remaining['consumer-experience'].sql, [merchantId]);

    ctx.progress(`${label}: removing the merchant`);
    const started = performance.now();
    const removal = await platform.clients.merchantAccess.recordViolation({
      requestId: 'bench-cascade-removal',
      merchantId,
      type: ViolationType.VIOLATION_TYPE_COUNTERFEIT,
      occurredAt: undefined,
      source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
      sourceRef: 'bench-cascade',
      productId: product.productId,
      description: 'Counterfeit goods confirmed by the brand owner (benchmark).',
      evidence: {},
    });
    if (!removal.removed) throw new Error('the counterfeit violation did not remove the merchant');
    const removedMs = performance.now() - started;
    const settledAt: Partial<Record<string, number>> = {};
    const left: Record<string, number> = {};
    await waitFor(
      async () => {
        await Promise.all(
          Object.entries(remaining).map(async ([service, check]) => {
            if (settledAt[service] !== undefined) return;
            const { rows } = await platform.sql[service as ServiceName].query<{ n: number }>(check.sql, [merchantId]);
            left[service] = rows[0]?.n ?? 0;
            if (left[service] === 0) settledAt[service] = performance.now() - started;
          }),
        );
        return Object.keys(settledAt).length === Object.keys(remaining).length ? true : undefined;
      },
      boundMs,
      250,
    );
    const perService = Object.keys(remaining).map((s) => `${s} ${settledAt[s] === undefined ? `not settled (${left[s]} ${remaining[s as keyof typeof remaining].what})` : `${(Number(settledAt[s]) / 1000).toFixed(1)} s`}`);
    const notes = [`settled: merchant-access ${(removedMs / 1000).toFixed(1)} s, ${perService.join(', ')}`, `${undispatched[0]?.n ?? 0} undispatched orders; fixtures seeded in ${(seedMs / 1000).toFixed(1)} s`];
    const settled = Object.keys(settledAt).length === Object.keys(remaining).length;
    ctx.measurements.push({
      id,
      label,
      unit: '',
      ...(settled ? { totalMs: Math.max(...Object.values(settledAt).map(Number)) } : { failed: `not settled within ${boundMs / 1000} s` }),
      notes,
    });
  } catch (error) {
    failedRow(ctx, id, label, error);
  }
};

import type { ProductServiceStatsReported } from '@govern/contracts-consumer-experience';
import type { ProductQualityTx } from '@govern/product-quality-data-access';
import { plausibleWindow } from '@govern/platform-events';
import { OutboxBatch } from '../events/emit';
import type { UseCaseDeps } from './deps';
import { rescoreProducts } from './quality-scores';

/**
 * consumer-experience's figures for one product over a window (orders, quality returns,
 * complaints, reviews) replace the previous window's, unless they are older or for the same
 * window (a late or repeated report), and the product is rescored. Products this service never
 * approved are ignored.
 */
export const onProductServiceStatsReported = async (tx: ProductQualityTx, deps: UseCaseDeps, event: ProductServiceStatsReported, eventId: string): Promise<boolean> => {
  // A window ending ahead of our clock would hide every real report until then: dead-lettered.
  const windowEnd = plausibleWindow(event.window, deps.clock.now(), `service stats of ${event.productId.slice(0, 64)}`).end;
  const nonNegative = (n: bigint): bigint => (n < 0n ? 0n : n);
  const updated = await tx.$executeRawUnsafe(
    `UPDATE products SET orders = $2, quality_returns = $3, complaints = $4, positive_reviews = $5, negative_reviews = $6, stats_window_end = $7
      WHERE product_id = $1 AND (stats_window_end IS NULL OR stats_window_end < $7)`,
    event.productId,
    nonNegative(event.orders),
    nonNegative(event.qualityReturns),
    nonNegative(event.complaints),
    nonNegative(event.positiveReviews),
    nonNegative(event.negativeReviews),
    windowEnd,
  );
  if (updated === 0) return false;
  const events = new OutboxBatch(deps, { causationId: eventId, correlationId: event.meta?.correlationId || eventId });
  await rescoreProducts(tx, deps, [event.productId], 'SERVICE_STATS', events);
  await events.flush(tx);
  return true;
};

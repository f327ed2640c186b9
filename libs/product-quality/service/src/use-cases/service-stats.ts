import type { ProductServiceStatsReported } from '@govern/contracts-consumer-experience';
import { plausibleWindow } from '@govern/platform-events';
import { replaceServiceStats } from '../adapters/service-stats.queries';
import { rescoreProducts } from './quality-scores';
import type { Work } from './work';

/**
 * consumer-experience's figures for one product over a window (orders, quality returns,
 * complaints, reviews) replace the previous window's, unless they are older or for the same
 * window (a late or repeated report), and the product is rescored. Products this service never
 * approved are ignored.
 */
export const onProductServiceStatsReported = async (work: Work, event: ProductServiceStatsReported): Promise<boolean> => {
  // A window ending ahead of our clock would hide every real report until then: dead-lettered.
  const windowEnd = plausibleWindow(event.window, work.now, `service stats of ${event.productId.slice(0, 64)}`).end;
  const nonNegative = (n: bigint): bigint => (n < 0n ? 0n : n);
  const updated = await replaceServiceStats(work.tx, event.productId, windowEnd, {
    orders: nonNegative(event.orders),
    qualityReturns: nonNegative(event.qualityReturns),
    complaints: nonNegative(event.complaints),
    positiveReviews: nonNegative(event.positiveReviews),
    negativeReviews: nonNegative(event.negativeReviews),
  });
  if (!updated) return false;
  await rescoreProducts(work, [event.productId], 'SERVICE_STATS');
  return true;
};

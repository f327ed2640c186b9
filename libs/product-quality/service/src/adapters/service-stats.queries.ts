import type { ProductQualityTx } from '@govern/product-quality-data-access';
import { sql } from '@govern/platform-db';
import { execute } from './sql-statements';

export interface ServiceStats {
  orders: bigint;
  qualityReturns: bigint;
  complaints: bigint;
  positiveReviews: bigint;
  negativeReviews: bigint;
}

/**
 * Replaces a product's service figures with a window's, unless the figures held are of a window
 * ending as late or later (a late or repeated report). False when nothing changed (or no such product).
 */
export const replaceServiceStats = async (tx: ProductQualityTx, productId: string, windowEnd: Date, stats: ServiceStats): Promise<boolean> => {
  const statement = sql`
    UPDATE products SET orders = ${stats.orders}, quality_returns = ${stats.qualityReturns}, complaints = ${stats.complaints},
                        positive_reviews = ${stats.positiveReviews}, negative_reviews = ${stats.negativeReviews}, stats_window_end = ${windowEnd}
     WHERE product_id = ${productId} AND (stats_window_end IS NULL OR stats_window_end < ${windowEnd})`;
  return (await execute(tx, statement)) > 0;
};

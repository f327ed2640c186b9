import type { ProductQualityTx } from '@govern/product-quality-data-access';
import { type InspectionRecord, QUALITY_SCORE_POLICY, type QualityTier } from '@govern/product-quality-domain';

/** The quality score's reads and writes: set-based, a few statements whatever the number of products. */

/** A product with everything its score is computed from. */
export interface ScoringRow {
  product_id: string;
  merchant_id: string;
  category_code: string;
  title: string;
  description: string;
  brand: string;
  manufacturer: string;
  production_date: Date | null;
  batch_number: string;
  certificate_code: string;
  image_hashes: unknown;
  quality_score: number;
  quality_tier: QualityTier;
  orders: bigint | null;
  quality_returns: bigint | null;
  complaints: bigint | null;
  positive_reviews: bigint | null;
  negative_reviews: bigint | null;
  store_score: number | null;
}

/** A score as the history and the product row store it. */
export interface ScoreRowToWrite {
  score_id: string;
  product_id: string;
  merchant_id: string;
  score: number;
  tier: QualityTier;
  components: unknown;
  reasons: unknown;
  policy_name: string;
  policy_version: string;
  trigger: string;
}

const SCORING_COLUMNS = `p.product_id, p.merchant_id, p.category_code, p.title, p.description, p.brand, p.manufacturer, p.production_date,
  p.batch_number, p.certificate_code, p.image_hashes, p.quality_score, p.quality_tier, p.orders, p.quality_returns, p.complaints,
  p.positive_reviews, p.negative_reviews, m.store_score`;

/** Lab results inside the policy's lookback, per product: the INSPECTIONS component. */
export const recentInspections = async (tx: ProductQualityTx, productIds: readonly string[], now: Date): Promise<Map<string, InspectionRecord[]>> => {
  const byProduct = new Map<string, InspectionRecord[]>();
  if (productIds.length === 0) return byProduct;
  const rows = await tx.$queryRawUnsafe<{ product_id: string; verdict: 'PASS' | 'FAIL'; severity: 'CRITICAL' | 'MAJOR' | 'MINOR' | null; tested_at: Date }[]>(
    `SELECT product_id, verdict, severity, tested_at FROM lab_results
      WHERE product_id = ANY($1::text[]) AND tested_at >= $2 AND tested_at <= $3`,
    productIds,
    new Date(now.getTime() - QUALITY_SCORE_POLICY.inspection.lookbackMs),
    now,
  );
  for (const row of rows) {
    const list = byProduct.get(row.product_id) ?? [];
    list.push({ verdict: row.verdict, severity: row.severity ?? undefined, testedAt: row.tested_at });
    byProduct.set(row.product_id, list);
  }
  return byProduct;
};

/** Appends the scores to the history (one statement) and moves the products' current score and tier (one statement). */
export const writeScores = async (tx: ProductQualityTx, rows: readonly ScoreRowToWrite[], now: Date): Promise<void> => {
  await tx.$executeRawUnsafe(
    `INSERT INTO quality_scores (score_id, product_id, merchant_id, score, tier, components, reasons, policy_name, policy_version, trigger, computed_at)
     SELECT s.score_id, s.product_id, s.merchant_id, s.score, s.tier, s.components, s.reasons, s.policy_name, s.policy_version, s.trigger, $2
       FROM jsonb_to_recordset($1::jsonb) AS s(score_id text, product_id text, merchant_id text, score int, tier text, components jsonb, reasons jsonb,
                                               policy_name text, policy_version text, trigger text)`,
    JSON.stringify(rows),
    now,
  );
  await tx.$executeRawUnsafe(
    `UPDATE products p SET quality_score = s.score, quality_tier = s.tier, updated_at = $2
       FROM jsonb_to_recordset($1::jsonb) AS s(product_id text, score int, tier text)
      WHERE p.product_id = s.product_id`,
    JSON.stringify(rows.map((r) => ({ product_id: r.product_id, score: r.score, tier: r.tier }))),
    now,
  );
};

export const scoringRowsOf = (tx: ProductQualityTx, productIds: readonly string[]): Promise<ScoringRow[]> =>
  tx.$queryRawUnsafe<ScoringRow[]>(
    `SELECT ${SCORING_COLUMNS} FROM products p LEFT JOIN merchants m ON m.merchant_id = p.merchant_id
      WHERE p.product_id = ANY($1::text[]) ORDER BY p.product_id`,
    productIds,
  );

/** The next batch of a merchant's active products after `after` (keyset by product id). */
export const activeScoringRowsOfMerchant = (tx: ProductQualityTx, merchantId: string, after: string, limit: number): Promise<ScoringRow[]> =>
  tx.$queryRawUnsafe<ScoringRow[]>(
    `SELECT ${SCORING_COLUMNS} FROM products p LEFT JOIN merchants m ON m.merchant_id = p.merchant_id
      WHERE p.merchant_id = $1 AND p.status = 'ACTIVE' AND p.product_id > $2
      ORDER BY p.product_id LIMIT $3`,
    merchantId,
    after,
    limit,
  );

import { QualityTierChangedEvent } from '@govern/contracts-product-quality';
import type { ProductQualityTx } from '@govern/product-quality-data-access';
import {
  computeQualityScore,
  type InspectionRecord,
  QUALITY_SCORE_POLICY,
  type QualityScoreInputs,
  type QualityScoreResult,
  type QualityTier,
  tierChanged,
} from '@govern/product-quality-domain';
import type { OutboxBatch } from '../events/emit';
import { qualityTiers } from '../mapping/enums';
import { jsonStrings, policyOf, reasonsJson } from '../mapping/json';
import type { ScoreView } from '../mapping/resources';
import type { UseCaseDeps } from './deps';

/** What caused a (re)computation; shown with the score and kept in its history. */
export type ScoreTrigger = 'LISTING_APPROVED' | 'SERVICE_STATS' | 'LAB_RESULT' | 'MERCHANT_SCORE';

export interface ScoredProduct {
  productId: string;
  merchantId: string;
  result: QualityScoreResult;
  /** Score and tier before; undefined for a product scored for the first time. */
  previous?: { score: number; tier: QualityTier } | undefined;
  trigger: ScoreTrigger;
}

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

/** QualityTierChanged when the tier moved, or when the product is scored for the first time. */
export const addTierChange = (events: OutboxBatch, s: Pick<ScoredProduct, 'productId' | 'merchantId' | 'result' | 'previous'>): void => {
  if (!tierChanged(s.previous?.tier, s.result.tier)) return;
  events.add(QualityTierChangedEvent, {
    productId: s.productId,
    merchantId: s.merchantId,
    score: s.result.score,
    tier: qualityTiers.toProto(s.result.tier),
    previousScore: s.previous?.score ?? 0,
    previousTier: s.previous ? qualityTiers.toProto(s.previous.tier) : 0,
    policy: policyOf(s.result.policy),
  });
};

/**
 * Appends the scores to the history (one statement), moves the products' current score and
 * tier (one statement) and appends a QualityTierChanged for each product whose tier moved.
 */
export const persistScores = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  scored: readonly ScoredProduct[],
  events: OutboxBatch,
): Promise<ScoreView[]> => {
  if (scored.length === 0) return [];
  const now = deps.clock.now();
  const rows = scored.map((s) => ({
    score_id: deps.ids.next(),
    product_id: s.productId,
    merchant_id: s.merchantId,
    score: s.result.score,
    tier: s.result.tier,
    components: s.result.components,
    reasons: reasonsJson(s.result.reasons),
    policy_name: s.result.policy.name,
    policy_version: s.result.policy.version,
    trigger: s.trigger,
  }));
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
  for (const s of scored) addTierChange(events, s);
  return scored.map((s) => ({
    productId: s.productId,
    merchantId: s.merchantId,
    score: s.result.score,
    tier: s.result.tier,
    components: s.result.components,
    reasons: s.result.reasons,
    policy: s.result.policy,
    computedAt: now,
    trigger: s.trigger,
  }));
};

interface ScoringRow {
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

const SCORING_COLUMNS = `p.product_id, p.merchant_id, p.category_code, p.title, p.description, p.brand, p.manufacturer, p.production_date,
  p.batch_number, p.certificate_code, p.image_hashes, p.quality_score, p.quality_tier, p.orders, p.quality_returns, p.complaints,
  p.positive_reviews, p.negative_reviews, m.store_score`;

const inputsOf = (row: ScoringRow, inspections: readonly InspectionRecord[], now: Date): QualityScoreInputs => ({
  listing: {
    title: row.title,
    description: row.description,
    brand: row.brand,
    imageHashes: jsonStrings(row.image_hashes),
    manufacturer: row.manufacturer,
    productionDate: row.production_date ?? undefined,
    batchNumber: row.batch_number,
    certificateCode: row.certificate_code,
  },
  categoryCode: row.category_code,
  merchantScore: row.store_score ?? undefined,
  stats:
    row.orders === null
      ? undefined
      : {
          orders: Number(row.orders),
          qualityReturns: Number(row.quality_returns ?? 0n),
          complaints: Number(row.complaints ?? 0n),
          positiveReviews: Number(row.positive_reviews ?? 0n),
          negativeReviews: Number(row.negative_reviews ?? 0n),
        },
  inspections,
  now,
});

const rescoreRows = async (tx: ProductQualityTx, deps: UseCaseDeps, rows: readonly ScoringRow[], trigger: ScoreTrigger, events: OutboxBatch): Promise<ScoreView[]> => {
  const now = deps.clock.now();
  const inspections = await recentInspections(tx, rows.map((r) => r.product_id), now);
  const scored = rows.map(
    (row): ScoredProduct => ({
      productId: row.product_id,
      merchantId: row.merchant_id,
      result: computeQualityScore(inputsOf(row, inspections.get(row.product_id) ?? [], now)),
      previous: { score: row.quality_score, tier: row.quality_tier },
      trigger,
    }),
  );
  return persistScores(tx, deps, scored, events);
};

/** Recomputes the scores of the given products (lab result, service stats). */
export const rescoreProducts = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  productIds: readonly string[],
  trigger: ScoreTrigger,
  events: OutboxBatch,
): Promise<ScoreView[]> => {
  if (productIds.length === 0) return [];
  const rows = await tx.$queryRawUnsafe<ScoringRow[]>(
    `SELECT ${SCORING_COLUMNS} FROM products p LEFT JOIN merchants m ON m.merchant_id = p.merchant_id
      WHERE p.product_id = ANY($1::text[]) ORDER BY p.product_id`,
    productIds,
  );
  return rescoreRows(tx, deps, rows, trigger, events);
};

/**
 * Recomputes every active product of a merchant whose store score changed, a batch at a time
 * (three statements per batch, whatever the batch size). Returns how many were rescored.
 */
export const rescoreMerchantProducts = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  merchantId: string,
  events: OutboxBatch,
  batchSize: number,
): Promise<number> => {
  let after = '';
  let total = 0;
  for (;;) {
    const rows = await tx.$queryRawUnsafe<ScoringRow[]>(
      `SELECT ${SCORING_COLUMNS} FROM products p LEFT JOIN merchants m ON m.merchant_id = p.merchant_id
        WHERE p.merchant_id = $1 AND p.status = 'ACTIVE' AND p.product_id > $2
        ORDER BY p.product_id LIMIT $3`,
      merchantId,
      after,
      batchSize,
    );
    if (rows.length === 0) return total;
    await rescoreRows(tx, deps, rows, 'MERCHANT_SCORE', events);
    await events.flush(tx);
    total += rows.length;
    after = rows[rows.length - 1]?.product_id ?? after;
    if (rows.length < batchSize) return total;
  }
};

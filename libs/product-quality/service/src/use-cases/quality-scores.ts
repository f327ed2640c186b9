import { QualityTierChangedEvent } from '@govern/contracts-product-quality';
import { computeQualityScore, type InspectionRecord, type QualityScoreInputs, type QualityScoreResult, type QualityTier, tierChanged } from '@govern/product-quality-domain';
import { activeScoringRowsOfMerchant, recentInspections, type ScoringRow, scoringRowsOf, writeScores } from '../adapters/quality-scores.queries';
import { qualityTiers } from '../mapping/enums';
import { jsonStrings, policyOf, reasonsJson } from '../mapping/json';
import type { ScoreView } from '../mapping/resources';
import type { Work } from './work';

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

/** QualityTierChanged when the tier moved, or when the product is scored for the first time. */
export const addTierChange = (work: Work, s: Pick<ScoredProduct, 'productId' | 'merchantId' | 'result' | 'previous'>): void => {
  if (!tierChanged(s.previous?.tier, s.result.tier)) return;
  work.emit(QualityTierChangedEvent, {
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
 * Appends the scores to the history, moves the products' current score and tier and emits a
 * QualityTierChanged for each product whose tier moved.
 */
export const persistScores = async (work: Work, scored: readonly ScoredProduct[]): Promise<ScoreView[]> => {
  if (scored.length === 0) return [];
  const now = work.now;
  const rows = scored.map((s) => ({
    score_id: work.newId(),
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
  await writeScores(work.tx, rows, now);
  for (const s of scored) addTierChange(work, s);
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

const rescoreRows = async (work: Work, rows: readonly ScoringRow[], trigger: ScoreTrigger): Promise<ScoreView[]> => {
  const now = work.now;
  const inspections = await recentInspections(work.tx, rows.map((r) => r.product_id), now);
  const scored = rows.map(
    (row): ScoredProduct => ({
      productId: row.product_id,
      merchantId: row.merchant_id,
      result: computeQualityScore(inputsOf(row, inspections.get(row.product_id) ?? [], now)),
      previous: { score: row.quality_score, tier: row.quality_tier },
      trigger,
    }),
  );
  return persistScores(work, scored);
};

/** Recomputes the scores of the given products (lab result, service stats). */
export const rescoreProducts = async (work: Work, productIds: readonly string[], trigger: ScoreTrigger): Promise<ScoreView[]> => {
  if (productIds.length === 0) return [];
  return rescoreRows(work, await scoringRowsOf(work.tx, productIds), trigger);
};

/**
 * Recomputes every active product of a merchant whose store score changed, a batch at a time
 * (three statements per batch, whatever the batch size; each batch's events written before the
 * next, so memory stays bounded). Returns how many were rescored.
 */
export const rescoreMerchantProducts = async (work: Work, merchantId: string, batchSize: number): Promise<number> => {
  let after = '';
  let total = 0;
  for (;;) {
    const rows = await activeScoringRowsOfMerchant(work.tx, merchantId, after, batchSize);
    if (rows.length === 0) return total;
    await rescoreRows(work, rows, 'MERCHANT_SCORE');
    work.flush();
    total += rows.length;
    after = rows[rows.length - 1]?.product_id ?? after;
    if (rows.length < batchSize) return total;
  }
};

import type { ProductQualityTx } from '@govern/product-quality-data-access';

/** Sampling campaigns' and lab results' set-based statements and row locks. */

/** Locks the campaign row for planning; false when there is no such campaign. */
export const lockCampaign = async (tx: ProductQualityTx, campaignId: string): Promise<boolean> =>
  (await tx.$queryRawUnsafe<{ campaign_id: string }[]>(`SELECT campaign_id FROM inspection_campaigns WHERE campaign_id = $1 FOR UPDATE`, campaignId)).length > 0;

export interface CandidateRow {
  product_id: string;
  sku_id: string;
  merchant_id: string;
  category_code: string;
  quality_score: number;
  orders: bigint | null;
}

/**
 * Every active product in a campaign's scope (category codes, their subcategories, or '*'; none = all).
 * `starts_with`, not LIKE: a scope's code is text, and `_` or `%` in it must not match other categories.
 */
export const samplingCandidates = (tx: ProductQualityTx, scope: readonly string[]): Promise<CandidateRow[]> =>
  tx.$queryRawUnsafe<CandidateRow[]>(
    `SELECT product_id, sku_id, merchant_id, category_code, quality_score, orders FROM products
      WHERE status = 'ACTIVE'
        AND (cardinality($1::text[]) = 0 OR EXISTS (
              SELECT 1 FROM unnest($1::text[]) AS s(pattern)
               WHERE s.pattern = '*' OR category_code = s.pattern OR starts_with(category_code, s.pattern || '.')))`,
    scope,
  );

export interface SampleToInsert {
  sample_id: string;
  ordinal: number;
  product_id: string;
  sku_id: string;
  merchant_id: string;
  category_code: string;
  /** A bigint as text (JSON carries no bigint). */
  cost_fen: string;
  basis: string;
  risk: number;
  weight: number;
}

/** The plan's samples, in one statement. */
export const insertSamples = async (tx: ProductQualityTx, campaignId: string, samples: readonly SampleToInsert[]): Promise<void> => {
  await tx.$executeRawUnsafe(
    `INSERT INTO inspection_samples (sample_id, campaign_id, ordinal, product_id, sku_id, merchant_id, category_code, cost_fen, basis, risk, weight, status)
     SELECT s.sample_id, $2, s.ordinal, s.product_id, s.sku_id, s.merchant_id, s.category_code, s.cost_fen::bigint, s.basis, s.risk, s.weight, 'SELECTED'
       FROM jsonb_to_recordset($1::jsonb) AS s(sample_id text, ordinal int, product_id text, sku_id text, merchant_id text, category_code text,
                                               cost_fen text, basis text, risk double precision, weight double precision)`,
    JSON.stringify(samples),
    campaignId,
  );
};

/** Locks a sample for its lab result; false when there is no such sample. */
export const lockSample = async (tx: ProductQualityTx, sampleId: string): Promise<boolean> =>
  (await tx.$queryRawUnsafe<{ sample_id: string }[]>(`SELECT sample_id FROM inspection_samples WHERE sample_id = $1 FOR UPDATE`, sampleId)).length > 0;

/** A planned campaign whose samples all have results is completed. */
export const completeCampaignIfTested = async (tx: ProductQualityTx, campaignId: string): Promise<void> => {
  await tx.$executeRawUnsafe(
    `UPDATE inspection_campaigns SET status = 'COMPLETED'
      WHERE campaign_id = $1 AND status = 'PLANNED'
        AND NOT EXISTS (SELECT 1 FROM inspection_samples WHERE campaign_id = $1 AND status = 'SELECTED')`,
    campaignId,
  );
};

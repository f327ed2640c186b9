import { InspectionFailedEvent } from '@govern/contracts-product-quality';
import type { InspectionCampaignRow, InspectionSampleRow, LabResultRow, ProductQualityTx } from '@govern/product-quality-data-access';
import {
  assessLabResult,
  type Ban,
  type LabDefect,
  planSampling,
  type SamplingCandidate,
  type SamplingPlan,
} from '@govern/product-quality-domain';
import { failedPrecondition, notFound, type PolicyRef, type Reason } from '@govern/policy-core';
import { findBans } from '../adapters/prisma-ban.repository';
import { OutboxBatch } from '../events/emit';
import { defectClasses } from '../mapping/enums';
import { reasonsJson } from '../mapping/json';
import { categoryCostsFromJson, categoryCostsJson, defectsJson, type ScoreView } from '../mapping/resources';
import { banProducts } from './ban-products';
import { sameSkuProducts } from './bans';
import type { UseCaseDeps } from './deps';
import { rescoreProducts } from './quality-scores';

export interface CreateCampaignCommand {
  name: string;
  budgetFen: bigint;
  categoryCosts: readonly { categoryCode: string; costFen: bigint }[];
  defaultCostFen: bigint;
  categoryCodes: readonly string[];
}

export const createCampaign = async (tx: ProductQualityTx, deps: UseCaseDeps, command: CreateCampaignCommand): Promise<InspectionCampaignRow> =>
  tx.inspectionCampaign.create({
    data: {
      campaignId: deps.ids.next(),
      name: command.name,
      budgetFen: command.budgetFen,
      categoryCosts: categoryCostsJson(command.categoryCosts),
      defaultCostFen: command.defaultCostFen,
      categoryCodes: [...command.categoryCodes],
      status: 'DRAFT',
      createdAt: deps.clock.now(),
    },
  });

const campaignNotFound = (campaignId: string) => notFound('CAMPAIGN.NOT_FOUND', 'No such inspection campaign', { campaign_id: campaignId });

export const getCampaign = async (tx: ProductQualityTx, campaignId: string): Promise<{ campaign: InspectionCampaignRow; samples: InspectionSampleRow[] }> => {
  const campaign = await tx.inspectionCampaign.findUnique({ where: { campaignId }, include: { samples: { orderBy: { ordinal: 'asc' } } } });
  if (!campaign) throw campaignNotFound(campaignId);
  const { samples, ...rest } = campaign;
  return { campaign: rest, samples };
};

/**
 * Risk of a product for sampling: what its quality score says is wrong with it (the score's
 * prior already weighs category risk; buyers' returns and complaints and past lab results move it).
 */
const riskOfScore = (qualityScore: number): number => Math.min(1, Math.max(0, 1 - qualityScore / 100));

/**
 * Draws the campaign's plan over every active product in its scope (one query), reproducible
 * from the seed, and stores the samples (one statement).
 */
export const planCampaign = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { campaignId: string; seed: number },
): Promise<{ campaign: InspectionCampaignRow; samples: InspectionSampleRow[]; plan: SamplingPlan }> => {
  const rows = await tx.$queryRawUnsafe<{ campaign_id: string }[]>(`SELECT campaign_id FROM inspection_campaigns WHERE campaign_id = $1 FOR UPDATE`, command.campaignId);
  if (rows.length === 0) throw campaignNotFound(command.campaignId);
  const campaign = await tx.inspectionCampaign.findUniqueOrThrow({ where: { campaignId: command.campaignId } });
  if (campaign.status !== 'DRAFT') {
    throw failedPrecondition('CAMPAIGN.NOT_DRAFT', 'Only a draft campaign can be planned', { campaign_id: campaign.campaignId, status: campaign.status });
  }
  const scope = (Array.isArray(campaign.categoryCodes) ? campaign.categoryCodes : []) as string[];
  const candidates = await tx.$queryRawUnsafe<{ product_id: string; sku_id: string; merchant_id: string; category_code: string; quality_score: number; orders: bigint | null }[]>(
    `SELECT product_id, sku_id, merchant_id, category_code, quality_score, orders FROM products
      WHERE status = 'ACTIVE'
        AND (cardinality($1::text[]) = 0 OR EXISTS (
              SELECT 1 FROM unnest($1::text[]) AS s(pattern)
               WHERE s.pattern = '*' OR category_code = s.pattern OR category_code LIKE s.pattern || '.%'))`,
    scope,
  );
  const plan = planSampling(
    candidates.map(
      (c): SamplingCandidate => ({
        productId: c.product_id,
        skuId: c.sku_id,
        merchantId: c.merchant_id,
        categoryCode: c.category_code,
        risk: riskOfScore(c.quality_score),
        sales: Number(c.orders ?? 0n),
      }),
    ),
    {
      budgetFen: campaign.budgetFen,
      categoryCostsFen: Object.fromEntries(categoryCostsFromJson(campaign.categoryCosts).map((c) => [c.categoryCode, c.costFen])),
      defaultCostFen: campaign.defaultCostFen,
      categoryCodes: scope,
    },
    command.seed,
  );
  const samples = plan.samples.map((s, ordinal) => ({
    sample_id: deps.ids.next(),
    ordinal,
    product_id: s.productId,
    sku_id: s.skuId,
    merchant_id: s.merchantId,
    category_code: s.categoryCode,
    cost_fen: s.costFen.toString(),
    basis: s.basis,
    risk: s.risk,
    weight: s.weight,
  }));
  await tx.$executeRawUnsafe(
    `INSERT INTO inspection_samples (sample_id, campaign_id, ordinal, product_id, sku_id, merchant_id, category_code, cost_fen, basis, risk, weight, status)
     SELECT s.sample_id, $2, s.ordinal, s.product_id, s.sku_id, s.merchant_id, s.category_code, s.cost_fen::bigint, s.basis, s.risk, s.weight, 'SELECTED'
       FROM jsonb_to_recordset($1::jsonb) AS s(sample_id text, ordinal int, product_id text, sku_id text, merchant_id text, category_code text,
                                               cost_fen text, basis text, risk double precision, weight double precision)`,
    JSON.stringify(samples),
    campaign.campaignId,
  );
  const planned = await tx.inspectionCampaign.update({
    where: { campaignId: campaign.campaignId },
    data: {
      status: 'PLANNED',
      seed: BigInt(plan.seed),
      plannedCostFen: plan.plannedCostFen,
      sampleCount: plan.samples.length,
      candidateCount: plan.candidateCount,
      planReasons: reasonsJson(plan.reasons),
      policyName: plan.policy.name,
      policyVersion: plan.policy.version,
      plannedAt: deps.clock.now(),
    },
  });
  const stored = await tx.inspectionSample.findMany({ where: { campaignId: campaign.campaignId }, orderBy: { ordinal: 'asc' } });
  return { campaign: planned, samples: stored, plan };
};

export interface RecordLabResultCommand {
  requestId: string;
  sampleId: string;
  productId: string;
  skuId: string;
  verdict: 'PASS' | 'FAIL';
  defects: readonly LabDefect[];
  reportRef: string;
  labName: string;
  testedAt: Date;
}

export interface RecordLabResultOutcome {
  result: LabResultRow;
  bans: Ban[];
  qualityScore: ScoreView | undefined;
  reasons: Reason[];
  policy: PolicyRef;
}

/**
 * Records a lab result. A failure publishes InspectionFailed; a critical failure (policy) bans
 * the product and the merchant's other products of the same SKU, one ProductBanned each and
 * none for a product already banned. The product is rescored with the result.
 */
export const recordLabResult = async (tx: ProductQualityTx, deps: UseCaseDeps, command: RecordLabResultCommand): Promise<RecordLabResultOutcome> => {
  const now = deps.clock.now();
  let sample: InspectionSampleRow | undefined;
  if (command.sampleId !== '') {
    const locked = await tx.$queryRawUnsafe<{ sample_id: string }[]>(`SELECT sample_id FROM inspection_samples WHERE sample_id = $1 FOR UPDATE`, command.sampleId);
    if (locked.length === 0) throw notFound('SAMPLE.NOT_FOUND', 'No such inspection sample', { sample_id: command.sampleId });
    sample = await tx.inspectionSample.findUniqueOrThrow({ where: { sampleId: command.sampleId } });
    if (command.productId !== '' && command.productId !== sample.productId) {
      throw failedPrecondition('SAMPLE.PRODUCT_MISMATCH', 'The sample is of another product', { sample_id: sample.sampleId, product_id: sample.productId });
    }
    if (sample.status !== 'SELECTED') throw failedPrecondition('SAMPLE.ALREADY_TESTED', 'The sample already has a lab result', { sample_id: sample.sampleId });
  }
  const productId = sample?.productId ?? command.productId;
  const product = await tx.product.findUnique({ where: { productId } });
  if (!product) throw notFound('PRODUCT.NOT_FOUND', 'No such product', { product_id: productId });
  const skuId = command.skuId || sample?.skuId || product.skuId;
  const tested = { productId, skuId, merchantId: product.merchantId, categoryCode: product.categoryCode };

  const sameSku = await sameSkuProducts(tx, product.merchantId, [skuId], productId);
  const assessment = assessLabResult(
    { verdict: command.verdict, defects: command.defects, reportRef: command.reportRef },
    tested,
    sameSku.map((id) => ({ productId: id, skuId, merchantId: product.merchantId, categoryCode: product.categoryCode })),
  );

  const resultId = deps.ids.next();
  const result = await tx.labResult.create({
    data: {
      resultId,
      campaignId: sample?.campaignId ?? null,
      sampleId: sample?.sampleId ?? null,
      productId,
      skuId,
      merchantId: product.merchantId,
      categoryCode: product.categoryCode,
      verdict: command.verdict,
      criticalDefects: assessment.critical,
      majorDefects: assessment.major,
      minorDefects: assessment.minor,
      defects: defectsJson(command.defects),
      severity: assessment.severity ?? null,
      reportRef: command.reportRef,
      labName: command.labName,
      testedAt: command.testedAt,
      recordedAt: now,
    },
  });
  if (sample) {
    await tx.inspectionSample.update({ where: { sampleId: sample.sampleId }, data: { status: assessment.failed ? 'FAILED' : 'PASSED', resultId } });
    await tx.$executeRawUnsafe(
      `UPDATE inspection_campaigns SET status = 'COMPLETED'
        WHERE campaign_id = $1 AND status = 'PLANNED'
          AND NOT EXISTS (SELECT 1 FROM inspection_samples WHERE campaign_id = $1 AND status = 'SELECTED')`,
      sample.campaignId,
    );
  }

  const events = new OutboxBatch(deps, { causationId: command.requestId });
  if (assessment.failed) {
    events.add(InspectionFailedEvent, {
      resultId,
      campaignId: sample?.campaignId ?? '',
      productId,
      merchantId: product.merchantId,
      skuId,
      categoryCode: product.categoryCode,
      criticalDefects: assessment.critical,
      majorDefects: assessment.major,
      minorDefects: assessment.minor,
      severity: assessment.severity ? defectClasses.toProto(assessment.severity) : 0,
      reportRef: command.reportRef,
    });
  }
  const banned = await banProducts(
    tx,
    deps,
    {
      products: assessment.banTargets.map((t) => ({ productId: t.productId, skuId: t.skuId })),
      cause: 'LAB_CRITICAL',
      reasons: assessment.banReasons,
      policy: assessment.policy,
      sourceRef: resultId,
      actorId: command.labName || 'lab',
    },
    events,
  );
  const [qualityScore] = await rescoreProducts(tx, deps, [productId], 'LAB_RESULT', events);
  await events.flush(tx);
  return {
    result,
    bans: await findBans(tx, banned.map((b) => b.banId)),
    qualityScore,
    reasons: assessment.banReasons,
    policy: assessment.policy,
  };
};

/** A seed for a plan asked without one: any uint32 but 0 (0 means "pick one"). */
export const drawSeed = (random: () => number): number => 1 + Math.floor(random() * 0xfffffffe);

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
import { completeCampaignIfTested, insertSamples, lockCampaign, lockSample, samplingCandidates } from '../adapters/inspections.repository';
import { findBans, sameSkuProducts } from '../adapters/prisma-ban.repository';
import { defectClasses } from '../mapping/enums';
import { reasonsJson } from '../mapping/json';
import { categoryCostsFromJson, categoryCostsJson, defectsJson, type ScoreView } from '../mapping/resources';
import { banProducts } from './ban-products';
import { rescoreProducts } from './quality-scores';
import type { Work } from './work';

export interface CreateCampaignCommand {
  name: string;
  budgetFen: bigint;
  categoryCosts: readonly { categoryCode: string; costFen: bigint }[];
  defaultCostFen: bigint;
  categoryCodes: readonly string[];
}

export const createCampaign = async (work: Work, command: CreateCampaignCommand): Promise<InspectionCampaignRow> =>
  work.tx.inspectionCampaign.create({
    data: {
      campaignId: work.newId(),
      name: command.name,
      budgetFen: command.budgetFen,
      categoryCosts: categoryCostsJson(command.categoryCosts),
      defaultCostFen: command.defaultCostFen,
      categoryCodes: [...command.categoryCodes],
      status: 'DRAFT',
      createdAt: work.now,
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
  work: Work,
  command: { campaignId: string; seed: number },
): Promise<{ campaign: InspectionCampaignRow; samples: InspectionSampleRow[]; plan: SamplingPlan }> => {
  const { tx } = work;
  if (!(await lockCampaign(tx, command.campaignId))) throw campaignNotFound(command.campaignId);
  const campaign = await tx.inspectionCampaign.findUniqueOrThrow({ where: { campaignId: command.campaignId } });
  if (campaign.status !== 'DRAFT') {
    throw failedPrecondition('CAMPAIGN.NOT_DRAFT', 'Only a draft campaign can be planned', { campaign_id: campaign.campaignId, status: campaign.status });
  }
  const scope = (Array.isArray(campaign.categoryCodes) ? campaign.categoryCodes : []) as string[];
  const candidates = await samplingCandidates(tx, scope);
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
    sample_id: work.newId(),
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
  await insertSamples(tx, campaign.campaignId, samples);
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
      plannedAt: work.now,
    },
  });
  const stored = await tx.inspectionSample.findMany({ where: { campaignId: campaign.campaignId }, orderBy: { ordinal: 'asc' } });
  return { campaign: planned, samples: stored, plan };
};

export interface RecordLabResultCommand {
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
export const recordLabResult = async (work: Work, command: RecordLabResultCommand): Promise<RecordLabResultOutcome> => {
  const { tx, now } = work;
  let sample: InspectionSampleRow | undefined;
  if (command.sampleId !== '') {
    if (!(await lockSample(tx, command.sampleId))) throw notFound('SAMPLE.NOT_FOUND', 'No such inspection sample', { sample_id: command.sampleId });
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

  const resultId = work.newId();
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
    await completeCampaignIfTested(tx, sample.campaignId);
  }

  if (assessment.failed) {
    work.emit(InspectionFailedEvent, {
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
  const banned = await banProducts(work, {
    products: assessment.banTargets.map((t) => ({ productId: t.productId, skuId: t.skuId })),
    cause: 'LAB_CRITICAL',
    reasons: assessment.banReasons,
    policy: assessment.policy,
    sourceRef: resultId,
    actorId: command.labName || 'lab',
  });
  const [qualityScore] = await rescoreProducts(work, [productId], 'LAB_RESULT');
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

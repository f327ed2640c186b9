import {
  type CategoryCost,
  CreateInspectionCampaignRequest,
  CreateInspectionCampaignResponse,
  type GetInspectionCampaignRequest,
  type GetInspectionCampaignResponse,
  type Defect as ProtoLabDefect,
  PlanInspectionCampaignRequest,
  PlanInspectionCampaignResponse,
  RecordLabResultRequest,
  RecordLabResultResponse,
  type ListLabResultsRequest,
  type ListLabResultsResponse,
} from '@govern/contracts-product-quality';
import { checkCampaignSpec, type LabDefect, REQUEST_LIMITS_POLICY, SAMPLING_INSPECTION_POLICY, validateLabResult } from '@govern/product-quality-domain';
import { type Checked, INVALID, isInvalid, RequestChecks, timeIdPageToken } from '@govern/platform-grpc';
import { Violations } from '@govern/policy-core';
import { randomInt } from 'node:crypto';
import { listLabResults } from '../adapters/queue.queries';
import { defectClasses, labVerdicts } from '../mapping/enums';
import { policyOf, toProtoPolicy, toProtoReasons } from '../mapping/json';
import { toProtoBan, toProtoCampaign, toProtoLabResult, toProtoQualityScore, toProtoSample } from '../mapping/resources';
import { createCampaign, drawSeed, getCampaign, planCampaign, recordLabResult } from '../use-cases/inspections';
import { type Call, type HandlerContext, mutation, read, validated } from './handler-kit';

/** Category costs: each category once; the domain's spec rules (budget, cost bounds) reported by index, as the contract names them. */
const checkedCampaignCosts = (checks: RequestChecks, request: CreateInspectionCampaignRequest): Checked<readonly CategoryCost[]> => {
  const limits = SAMPLING_INSPECTION_POLICY.limits;
  const before = checks.items.length;
  const seen = new Set<string>();
  request.categoryCosts.forEach((cost, i) => {
    const code = checks.id(`category_costs[${i}].category_code`, cost.categoryCode, limits.categoryCodeMaxChars);
    if (isInvalid(code)) return;
    checks.check(!seen.has(code), `category_costs[${i}].category_code`, 'is listed twice', 'DUPLICATE');
    seen.add(code);
  });
  // The domain names a cost by its category; the contract's field path is by index.
  const indexOf = new Map(request.categoryCosts.map((c, i) => [c.categoryCode, i]));
  const spec = new Violations();
  checkCampaignSpec(spec, {
    budgetFen: request.budgetFen,
    categoryCostsFen: Object.fromEntries(request.categoryCosts.map((c) => [c.categoryCode, c.costFen])),
    defaultCostFen: request.defaultCostFen,
    categoryCodes: request.categoryCodes,
  });
  for (const v of spec.items) {
    const byCategory = /^category_costs\[(.*)\]\.cost_fen$/.exec(v.field);
    checks.add(byCategory ? `category_costs[${indexOf.get(byCategory[1] as string) ?? byCategory[1]}].cost_fen` : v.field, v.description, v.reason);
  }
  return checks.items.length > before ? INVALID : request.categoryCosts;
};

/** The defects a lab found: bounded, each of a known class. */
const checkedDefects = (checks: RequestChecks, defects: readonly ProtoLabDefect[]): Checked<LabDefect[]> => {
  if (isInvalid(checks.bounded('defects', defects, { maxItems: REQUEST_LIMITS_POLICY.maxDefects }))) return INVALID;
  const checked = defects.map((d, i): { defectClass: Checked<LabDefect['defectClass']>; code: Checked<string | undefined>; description: Checked<string> } => ({
    defectClass: checks.enumValue(`defects[${i}].defect_class`, defectClasses, d.defectClass),
    code: checks.optionalId(`defects[${i}].code`, d.code),
    description: checks.optionalText(`defects[${i}].description`, d.description),
  }));
  const valid: LabDefect[] = [];
  for (const d of checked) {
    if (isInvalid(d.defectClass) || isInvalid(d.code) || isInvalid(d.description)) return INVALID;
    valid.push({ defectClass: d.defectClass, code: d.code ?? '', description: d.description });
  }
  return valid;
};

export const inspectionHandlers = (context: HandlerContext) => ({
  async createInspectionCampaign(request: CreateInspectionCampaignRequest, call: Call): Promise<CreateInspectionCampaignResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        requestId: checks.requestId(request.requestId),
        name: checks.text('name', request.name, SAMPLING_INSPECTION_POLICY.limits.nameMaxChars),
        categoryCosts: checkedCampaignCosts(checks, request),
        budgetFen: request.budgetFen,
        defaultCostFen: request.defaultCostFen,
        categoryCodes: request.categoryCodes,
      });
    };
    const codecs = { request: CreateInspectionCampaignRequest, response: CreateInspectionCampaignResponse };
    return mutation(context, call, 'CreateInspectionCampaign', codecs, request, check, async (work, command) => ({
      campaign: toProtoCampaign(await createCampaign(work, command)),
    }));
  },

  async getInspectionCampaign(request: GetInspectionCampaignRequest, call: Call): Promise<GetInspectionCampaignResponse> {
    const checks = new RequestChecks();
    const { campaignId } = checks.done({ campaignId: checks.id('campaign_id', request.campaignId) });
    const { campaign, samples } = await read(context, call, (tx) => getCampaign(tx, campaignId));
    return { campaign: toProtoCampaign(campaign), samples: samples.map(toProtoSample) };
  },

  async planInspectionCampaign(request: PlanInspectionCampaignRequest, call: Call): Promise<PlanInspectionCampaignResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({ requestId: checks.requestId(request.requestId), campaignId: checks.id('campaign_id', request.campaignId) });
    };
    const codecs = { request: PlanInspectionCampaignRequest, response: PlanInspectionCampaignResponse };
    return mutation(context, call, 'PlanInspectionCampaign', codecs, request, check, async (work, { campaignId }) => {
      // Seed 0 asks the service to pick one; it is stored and returned, so the plan can be replayed.
      const seed = request.seed === 0 ? drawSeed(() => randomInt(0, 2 ** 32) / 2 ** 32) : request.seed;
      const { campaign, samples, plan } = await planCampaign(work, { campaignId, seed });
      return {
        campaign: toProtoCampaign(campaign),
        samples: samples.map(toProtoSample),
        candidateCount: plan.candidateCount,
        reasons: toProtoReasons(plan.reasons),
        policy: policyOf(plan.policy),
      };
    });
  },

  async recordLabResult(request: RecordLabResultRequest, call: Call): Promise<RecordLabResultResponse> {
    // Run again on a retry: a tested_at that was fine then may be refused now, and the retry gets the stored answer.
    const check = () => {
      const checks = new RequestChecks();
      const verdict = checks.enumValue('verdict', labVerdicts, request.verdict);
      const defects = checkedDefects(checks, request.defects);
      const rules: Checked<{ verdict: 'PASS' | 'FAIL'; defects: LabDefect[]; reportRef: string }> =
        isInvalid(verdict) || isInvalid(defects) ? INVALID : validated(checks, { verdict, defects, reportRef: request.reportRef }, validateLabResult);
      const { labResult, ...command } = checks.done({
        requestId: checks.requestId(request.requestId),
        sampleId: checks.optionalId('sample_id', request.sampleId),
        // Without a sample, the product is named directly.
        productId: request.sampleId === '' ? checks.id('product_id', request.productId) : checks.optionalId('product_id', request.productId),
        skuId: checks.optionalId('sku_id', request.skuId),
        labName: checks.optionalText('lab_name', request.labName, REQUEST_LIMITS_POLICY.idMaxChars),
        reportRef: checks.optionalId('report_ref', request.reportRef),
        testedAt: checks.timestamp('tested_at', request.testedAt, { now: context.deps.clock.now() }),
        // The domain's own rules of a lab result (report reference, FAIL with defects, PASS without serious ones).
        labResult: rules,
      });
      return { ...command, verdict: labResult.verdict, defects: labResult.defects, sampleId: command.sampleId ?? '', productId: command.productId ?? '', skuId: command.skuId ?? '', reportRef: command.reportRef ?? '' };
    };
    const codecs = { request: RecordLabResultRequest, response: RecordLabResultResponse };
    return mutation(context, call, 'RecordLabResult', codecs, request, check, async (work, command) => {
      const outcome = await recordLabResult(work, command);
      return {
        result: toProtoLabResult(outcome.result),
        bans: outcome.bans.map(toProtoBan),
        qualityScore: outcome.qualityScore ? toProtoQualityScore(outcome.qualityScore) : undefined,
        reasons: toProtoReasons(outcome.reasons),
        policy: toProtoPolicy(outcome.policy.name, outcome.policy.version),
      };
    });
  },

  async listLabResults(request: ListLabResultsRequest, call: Call): Promise<ListLabResultsResponse> {
    const checks = new RequestChecks();
    const query = checks.done({
      productId: checks.id('product_id', request.productId),
      pageSize: checks.pageSize(request.pageSize),
      before: checks.pageToken(timeIdPageToken, request.pageToken),
    });
    const page = await read(context, call, (tx) => listLabResults(tx, query));
    return { results: page.items.map(toProtoLabResult), nextPageToken: page.nextPageToken };
  },
});

import {
  CreateInspectionCampaignRequest,
  CreateInspectionCampaignResponse,
  type GetInspectionCampaignRequest,
  type GetInspectionCampaignResponse,
  PlanInspectionCampaignRequest,
  PlanInspectionCampaignResponse,
  RecordLabResultRequest,
  RecordLabResultResponse,
} from '@govern/contracts-product-quality';
import { checkCampaignSpec, type LabDefect, SAMPLING_INSPECTION_POLICY, validateLabResult } from '@govern/product-quality-domain';
import { randomInt } from 'node:crypto';
import { defectClasses, labVerdicts } from '../mapping/enums';
import { policyOf, toProtoPolicy, toProtoReasons } from '../mapping/json';
import { toProtoBan, toProtoCampaign, toProtoLabResult, toProtoQualityScore, toProtoSample } from '../mapping/resources';
import { createCampaign, drawSeed, getCampaign, planCampaign, recordLabResult } from '../use-cases/inspections';
import { type Call, checked, type HandlerKit, mergeValidation, mutate, read } from './handler-kit';
import { RequestChecks } from './request-validation';

export const inspectionHandlers = (kit: HandlerKit) => ({
  async createInspectionCampaign(request: CreateInspectionCampaignRequest, call: Call): Promise<CreateInspectionCampaignResponse> {
    const checks = new RequestChecks();
    const limits = SAMPLING_INSPECTION_POLICY.limits;
    checks.id('request_id', request.requestId);
    checks.text('name', request.name, limits.nameMaxChars);
    const seen = new Set<string>();
    request.categoryCosts.forEach((cost, i) => {
      if (checks.require(`category_costs[${i}].category_code`, cost.categoryCode)) {
        checks.maxLength(`category_costs[${i}].category_code`, cost.categoryCode, limits.categoryCodeMaxChars);
        checks.check(!seen.has(cost.categoryCode), `category_costs[${i}].category_code`, 'is listed twice', 'DUPLICATE');
        seen.add(cost.categoryCode);
      }
    });
    // The domain names a cost by its category; the contract's field path is by index.
    const indexOf = new Map(request.categoryCosts.map((c, i) => [c.categoryCode, i]));
    const spec = {
      budgetFen: request.budgetFen,
      categoryCostsFen: Object.fromEntries(request.categoryCosts.map((c) => [c.categoryCode, c.costFen])),
      defaultCostFen: request.defaultCostFen,
      categoryCodes: request.categoryCodes,
    };
    const specChecks = new RequestChecks();
    checkCampaignSpec(specChecks, spec);
    for (const v of specChecks.items) {
      const byCategory = /^category_costs\[(.*)\]\.cost_fen$/.exec(v.field);
      checks.add(byCategory ? `category_costs[${indexOf.get(byCategory[1] as string) ?? byCategory[1]}].cost_fen` : v.field, v.description, v.reason);
    }
    checks.throwIfAny();
    return mutate(kit, call, 'CreateInspectionCampaign', { request: CreateInspectionCampaignRequest, response: CreateInspectionCampaignResponse }, request, async (tx) => ({
      campaign: toProtoCampaign(
        await createCampaign(tx, kit.deps, {
          name: request.name,
          budgetFen: request.budgetFen,
          categoryCosts: request.categoryCosts,
          defaultCostFen: request.defaultCostFen,
          categoryCodes: request.categoryCodes,
        }),
      ),
    }));
  },

  async getInspectionCampaign(request: GetInspectionCampaignRequest, call: Call): Promise<GetInspectionCampaignResponse> {
    const checks = new RequestChecks();
    checks.id('campaign_id', request.campaignId);
    checks.throwIfAny();
    const { campaign, samples } = await read(kit, call, (tx) => getCampaign(tx, request.campaignId));
    return { campaign: toProtoCampaign(campaign), samples: samples.map(toProtoSample) };
  },

  async planInspectionCampaign(request: PlanInspectionCampaignRequest, call: Call): Promise<PlanInspectionCampaignResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('campaign_id', request.campaignId);
    checks.throwIfAny();
    return mutate(kit, call, 'PlanInspectionCampaign', { request: PlanInspectionCampaignRequest, response: PlanInspectionCampaignResponse }, request, async (tx) => {
      // Seed 0 asks the service to pick one; it is stored and returned, so the plan can be replayed.
      const seed = request.seed === 0 ? drawSeed(() => randomInt(0, 2 ** 32) / 2 ** 32) : request.seed;
      const { campaign, samples, plan } = await planCampaign(tx, kit.deps, { campaignId: request.campaignId, seed });
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
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.optionalId('sample_id', request.sampleId);
    if (request.sampleId === '') checks.id('product_id', request.productId);
    else checks.optionalId('product_id', request.productId);
    checks.optionalId('sku_id', request.skuId);
    const verdict = checks.enumValue('verdict', labVerdicts, request.verdict);
    const defects: LabDefect[] = [];
    if (checks.maxItems('defects', request.defects, checks.limits.maxDefects)) {
      request.defects.forEach((d, i) => {
        const defectClass = checks.enumValue(`defects[${i}].defect_class`, defectClasses, d.defectClass);
        checks.optionalId(`defects[${i}].code`, d.code);
        checks.optionalText(`defects[${i}].description`, d.description);
        if (defectClass) defects.push({ defectClass, code: d.code, description: d.description });
      });
    }
    checks.optionalText('lab_name', request.labName, checks.limits.idMaxChars);
    checks.optionalId('report_ref', request.reportRef);
    if (checks.check(request.testedAt !== undefined, 'tested_at', 'is required', 'REQUIRED')) checks.notInFuture('tested_at', request.testedAt, kit.deps.clock.now());
    // The domain's own rules of a lab result (report reference, FAIL with defects, PASS without serious ones).
    if (verdict && defects.length === request.defects.length) {
      mergeValidation(checks, () => validateLabResult({ verdict, defects, reportRef: request.reportRef }));
    }
    checks.throwIfAny();
    return mutate(kit, call, 'RecordLabResult', { request: RecordLabResultRequest, response: RecordLabResultResponse }, request, async (tx) => {
      const outcome = await recordLabResult(tx, kit.deps, {
        requestId: request.requestId,
        sampleId: request.sampleId,
        productId: request.productId,
        skuId: request.skuId,
        verdict: checked(verdict),
        defects,
        reportRef: request.reportRef,
        labName: request.labName,
        testedAt: checked(request.testedAt),
      });
      return {
        result: toProtoLabResult(outcome.result),
        bans: outcome.bans.map(toProtoBan),
        qualityScore: outcome.qualityScore ? toProtoQualityScore(outcome.qualityScore) : undefined,
        reasons: toProtoReasons(outcome.reasons),
        policy: toProtoPolicy(outcome.policy.name, outcome.policy.version),
      };
    });
  },
});

import {
  type ClassSamplingPlan,
  type GetLotSamplingPlanRequest,
  type GetLotSamplingPlanResponse,
  type ListLotInspectionsRequest,
  type ListLotInspectionsResponse,
  RecordLotInspectionRequest,
  RecordLotInspectionResponse,
  ResumeLotInspectionRequest,
  ResumeLotInspectionResponse,
} from '@govern/contracts-product-quality';
import {
  ACCEPTANCE_SAMPLING_POLICY,
  DEFECT_CLASSES,
  type DefectClass,
  type InspectionLevel,
  type LotSamplingPlan,
  STANDARD_AQLS,
  ZERO_ACCEPTANCE_AQL,
} from '@govern/product-quality-domain';
import { defectClasses, inspectionLevels, lotDispositions, samplingStages } from '../mapping/enums';
import { policyOf, toProtoReasons } from '../mapping/json';
import { toProtoLotInspection, toProtoSwitchingState } from '../mapping/resources';
import { listLotInspections, lotSamplingPlan, recordLotInspection, resumeLotInspection } from '../use-cases/lot-sampling';
import { type Call, type HandlerKit, mutate, read, timeKeyToken } from './handler-kit';
import { RequestChecks } from './request-validation';

const toProtoPlan = (defectClass: DefectClass, plan: LotSamplingPlan): ClassSamplingPlan => ({
  defectClass: defectClasses.toProto(defectClass),
  aqlPercent: plan.aql,
  codeLetter: plan.planCodeLetter,
  sampleSize: plan.sampleSize,
  acceptanceNumber: plan.acceptance,
  rejectionNumber: plan.rejection,
  hundredPercent: plan.fullInspection,
});

/** Lot size as a number the tables take: int64 on the wire, bounded by policy. */
const lotSize = (checks: RequestChecks, value: bigint): number => {
  checks.check(value >= 2n && value <= BigInt(ACCEPTANCE_SAMPLING_POLICY.maxLotSize), 'lot_size', `must be between 2 and ${ACCEPTANCE_SAMPLING_POLICY.maxLotSize}`, 'OUT_OF_RANGE');
  return Number(value);
};

/** UNSPECIFIED is general level II (contract). */
const level = (checks: RequestChecks, value: number): InspectionLevel | undefined => (value === 0 ? undefined : checks.enumValue('level', inspectionLevels, value));

export const lotHandlers = (kit: HandlerKit) => ({
  async getLotSamplingPlan(request: GetLotSamplingPlanRequest, call: Call): Promise<GetLotSamplingPlanResponse> {
    const checks = new RequestChecks();
    checks.id('merchant_id', request.merchantId);
    checks.id('sku_id', request.skuId);
    const size = lotSize(checks, request.lotSize);
    const inspectionLevel = level(checks, request.level);
    const overrides: Partial<Record<DefectClass, number>> = {};
    checks.maxItems('aql_overrides', request.aqlOverrides, DEFECT_CLASSES.length);
    request.aqlOverrides.slice(0, DEFECT_CLASSES.length).forEach((o, i) => {
      const defectClass = checks.enumValue(`aql_overrides[${i}].defect_class`, defectClasses, o.defectClass);
      checks.check(
        o.aqlPercent === ZERO_ACCEPTANCE_AQL || (STANDARD_AQLS as readonly number[]).includes(o.aqlPercent),
        `aql_overrides[${i}].aql_percent`,
        'must be 0 (zero acceptance) or a preferred AQL of ISO 2859-1',
        'UNKNOWN_VALUE',
      );
      if (defectClass) {
        checks.check(overrides[defectClass] === undefined, `aql_overrides[${i}].defect_class`, 'is overridden twice', 'DUPLICATE');
        overrides[defectClass] = o.aqlPercent;
      }
    });
    checks.throwIfAny();
    const { stored, plan, policy } = await read(kit, call, (tx) =>
      lotSamplingPlan(tx, { merchantId: request.merchantId, skuId: request.skuId, lotSize: size, level: inspectionLevel, aqlOverrides: overrides }),
    );
    return {
      codeLetter: plan ? plan.plans.MAJOR.codeLetter : '',
      severity: samplingStages.toProto(stored.state.stage),
      plans: plan ? DEFECT_CLASSES.map((c) => toProtoPlan(c, plan.plans[c])) : [],
      state: toProtoSwitchingState(request.merchantId, request.skuId, stored.state, stored.updatedAt),
      level: inspectionLevels.toProto(policy.inspectionLevel),
      lotSize: request.lotSize,
      policy: policyOf(policy),
    };
  },

  async recordLotInspection(request: RecordLotInspectionRequest, call: Call): Promise<RecordLotInspectionResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('lot_id', request.lotId);
    checks.id('merchant_id', request.merchantId);
    checks.id('sku_id', request.skuId);
    checks.id('product_id', request.productId);
    const size = lotSize(checks, request.lotSize);
    const inspectionLevel = level(checks, request.level);
    const sampleSize = request.sampleSizeInspected;
    checks.check(sampleSize >= 1 && BigInt(sampleSize) <= request.lotSize, 'sample_size_inspected', 'must be between 1 and the lot size', 'OUT_OF_RANGE');
    const defects: Record<DefectClass, number> = { CRITICAL: 0, MAJOR: 0, MINOR: 0 };
    const seen = new Set<DefectClass>();
    checks.maxItems('defects_found', request.defectsFound, DEFECT_CLASSES.length);
    request.defectsFound.slice(0, DEFECT_CLASSES.length).forEach((d, i) => {
      const defectClass = checks.enumValue(`defects_found[${i}].defect_class`, defectClasses, d.defectClass);
      checks.check(d.count >= 0 && d.count <= sampleSize, `defects_found[${i}].count`, 'must be between 0 and the sample size inspected', 'OUT_OF_RANGE');
      if (defectClass) {
        checks.check(!seen.has(defectClass), `defects_found[${i}].defect_class`, 'is listed twice', 'DUPLICATE');
        seen.add(defectClass);
        defects[defectClass] = d.count;
      }
    });
    checks.throwIfAny();
    return mutate(kit, call, 'RecordLotInspection', { request: RecordLotInspectionRequest, response: RecordLotInspectionResponse }, request, async (tx) => {
      const outcome = await recordLotInspection(tx, kit.deps, {
        lotId: request.lotId,
        merchantId: request.merchantId,
        skuId: request.skuId,
        productId: request.productId,
        lotSize: size,
        level: inspectionLevel,
        defects,
        sampleSizeInspected: sampleSize,
        productionIrregular: request.productionIrregular,
      });
      return {
        disposition: lotDispositions.toProto(outcome.accepted ? 'ACCEPTED' : 'REJECTED'),
        outcomes: (outcome.judgement?.classes ?? []).map((c) => ({
          plan: toProtoPlan(c.defectClass, c.plan),
          defectsFound: c.defectsFound,
          disposition: lotDispositions.toProto(c.accepted ? 'ACCEPTED' : 'REJECTED'),
        })),
        stateBefore: toProtoSwitchingState(request.merchantId, request.skuId, outcome.before, undefined),
        stateAfter: toProtoSwitchingState(request.merchantId, request.skuId, outcome.after, outcome.updatedAt),
        reasons: toProtoReasons(outcome.reasons),
        policy: outcome.policy,
      };
    });
  },

  async listLotInspections(request: ListLotInspectionsRequest, call: Call): Promise<ListLotInspectionsResponse> {
    const checks = new RequestChecks();
    const pageSize = checks.pageSize('page_size', request.pageSize);
    const before = timeKeyToken(checks, 'page_token', request.pageToken);
    checks.id('merchant_id', request.merchantId);
    checks.optionalId('sku_id', request.skuId);
    checks.throwIfAny();
    const page = await read(kit, call, (tx) => listLotInspections(tx, { pageSize, before, merchantId: request.merchantId, skuId: request.skuId }));
    return { inspections: page.items.map(toProtoLotInspection), nextPageToken: page.nextPageToken };
  },

  async resumeLotInspection(request: ResumeLotInspectionRequest, call: Call): Promise<ResumeLotInspectionResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    checks.id('merchant_id', request.merchantId);
    checks.id('sku_id', request.skuId);
    checks.id('reviewer_id', request.reviewerId);
    checks.optionalText('note', request.note);
    checks.throwIfAny();
    return mutate(kit, call, 'ResumeLotInspection', { request: ResumeLotInspectionRequest, response: ResumeLotInspectionResponse }, request, async (tx) => {
      const outcome = await resumeLotInspection(tx, kit.deps, request);
      return {
        state: toProtoSwitchingState(request.merchantId, request.skuId, outcome.state, outcome.updatedAt),
        reasons: toProtoReasons(outcome.reasons),
        policy: outcome.policy,
      };
    });
  },
});

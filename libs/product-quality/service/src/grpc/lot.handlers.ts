import {
  type ClassAql,
  type ClassDefectCount,
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
import { type Checked, INVALID, isInvalid, REASON, RequestChecks, timeIdPageToken } from '@govern/platform-grpc';
import { defectClasses, inspectionLevels, lotDispositions, samplingStages } from '../mapping/enums';
import { policyOf, toProtoReasons } from '../mapping/json';
import { toProtoLotInspection, toProtoSwitchingState } from '../mapping/resources';
import { listLotInspections, lotSamplingPlan, recordLotInspection, resumeLotInspection } from '../use-cases/lot-sampling';
import { type Call, type HandlerContext, mutation, read } from './handler-kit';

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
const lotSize = (checks: RequestChecks, value: bigint): Checked<number> => {
  const size = checks.int64('lot_size', value, { min: 2n, max: BigInt(ACCEPTANCE_SAMPLING_POLICY.maxLotSize) });
  return isInvalid(size) ? INVALID : Number(size);
};

/** UNSPECIFIED is general level II (contract): undefined, the policy's default. */
const level = (checks: RequestChecks, value: number): Checked<InspectionLevel | undefined> => checks.optionalEnum('level', inspectionLevels, value);

/** At most one override per defect class, each 0 (zero acceptance) or a preferred AQL of the standard. */
const aqlOverrides = (checks: RequestChecks, overrides: readonly ClassAql[]): Checked<Partial<Record<DefectClass, number>>> => {
  if (isInvalid(checks.bounded('aql_overrides', overrides, { maxItems: DEFECT_CLASSES.length }))) return INVALID;
  const before = checks.items.length;
  const byClass: Partial<Record<DefectClass, number>> = {};
  overrides.forEach((o, i) => {
    const defectClass = checks.enumValue(`aql_overrides[${i}].defect_class`, defectClasses, o.defectClass);
    checks.check(
      o.aqlPercent === ZERO_ACCEPTANCE_AQL || (STANDARD_AQLS as readonly number[]).includes(o.aqlPercent),
      `aql_overrides[${i}].aql_percent`,
      'must be 0 (zero acceptance) or a preferred AQL of ISO 2859-1',
      REASON.OUT_OF_RANGE,
    );
    if (isInvalid(defectClass)) return;
    checks.check(byClass[defectClass] === undefined, `aql_overrides[${i}].defect_class`, 'is overridden twice', REASON.DUPLICATE);
    byClass[defectClass] = o.aqlPercent;
  });
  return checks.items.length > before ? INVALID : byClass;
};

/** Items inspected: at least one, at most the lot. */
const sampleSizeInspected = (checks: RequestChecks, value: number, lot: bigint): Checked<number> => {
  const size = checks.int64('sample_size_inspected', BigInt(value), { min: 1n, max: lot > 1n ? lot : 1n });
  return isInvalid(size) ? INVALID : value;
};

/** Defects found per class, each class once, each count within the sample inspected. */
const defectsFound = (checks: RequestChecks, found: readonly ClassDefectCount[], sampleSize: number): Checked<Record<DefectClass, number>> => {
  if (isInvalid(checks.bounded('defects_found', found, { maxItems: DEFECT_CLASSES.length }))) return INVALID;
  const before = checks.items.length;
  const defects: Record<DefectClass, number> = { CRITICAL: 0, MAJOR: 0, MINOR: 0 };
  const seen = new Set<DefectClass>();
  found.forEach((d, i) => {
    const defectClass = checks.enumValue(`defects_found[${i}].defect_class`, defectClasses, d.defectClass);
    checks.check(d.count >= 0 && d.count <= sampleSize, `defects_found[${i}].count`, 'must be between 0 and the sample size inspected', REASON.OUT_OF_RANGE);
    if (isInvalid(defectClass)) return;
    checks.check(!seen.has(defectClass), `defects_found[${i}].defect_class`, 'is listed twice', REASON.DUPLICATE);
    seen.add(defectClass);
    defects[defectClass] = d.count;
  });
  return checks.items.length > before ? INVALID : defects;
};

export const lotHandlers = (context: HandlerContext) => ({
  async getLotSamplingPlan(request: GetLotSamplingPlanRequest, call: Call): Promise<GetLotSamplingPlanResponse> {
    const checks = new RequestChecks();
    const query = checks.done({
      merchantId: checks.id('merchant_id', request.merchantId),
      skuId: checks.id('sku_id', request.skuId),
      lotSize: lotSize(checks, request.lotSize),
      level: level(checks, request.level),
      aqlOverrides: aqlOverrides(checks, request.aqlOverrides),
    });
    const { stored, plan, policy } = await read(context, call, (tx) => lotSamplingPlan(tx, query));
    return {
      codeLetter: plan ? plan.plans.MAJOR.codeLetter : '',
      severity: samplingStages.toProto(stored.state.stage),
      plans: plan ? DEFECT_CLASSES.map((c) => toProtoPlan(c, plan.plans[c])) : [],
      state: toProtoSwitchingState(query.merchantId, query.skuId, stored.state, stored.updatedAt),
      level: inspectionLevels.toProto(policy.inspectionLevel),
      lotSize: request.lotSize,
      policy: policyOf(policy),
    };
  },

  async recordLotInspection(request: RecordLotInspectionRequest, call: Call): Promise<RecordLotInspectionResponse> {
    const check = () => {
      const checks = new RequestChecks();
      const sampleSize = request.sampleSizeInspected;
      return checks.done({
        requestId: checks.requestId(request.requestId),
        lotId: checks.id('lot_id', request.lotId),
        merchantId: checks.id('merchant_id', request.merchantId),
        skuId: checks.id('sku_id', request.skuId),
        productId: checks.id('product_id', request.productId),
        lotSize: lotSize(checks, request.lotSize),
        level: level(checks, request.level),
        sampleSizeInspected: sampleSizeInspected(checks, request.sampleSizeInspected, request.lotSize),
        defects: defectsFound(checks, request.defectsFound, sampleSize),
        productionIrregular: request.productionIrregular,
      });
    };
    const codecs = { request: RecordLotInspectionRequest, response: RecordLotInspectionResponse };
    return mutation(context, call, 'RecordLotInspection', codecs, request, check, async (work, command) => {
      const outcome = await recordLotInspection(work, command);
      return {
        disposition: lotDispositions.toProto(outcome.accepted ? 'ACCEPTED' : 'REJECTED'),
        outcomes: (outcome.judgement?.classes ?? []).map((c) => ({
          plan: toProtoPlan(c.defectClass, c.plan),
          defectsFound: c.defectsFound,
          disposition: lotDispositions.toProto(c.accepted ? 'ACCEPTED' : 'REJECTED'),
        })),
        stateBefore: toProtoSwitchingState(command.merchantId, command.skuId, outcome.before, undefined),
        stateAfter: toProtoSwitchingState(command.merchantId, command.skuId, outcome.after, outcome.updatedAt),
        reasons: toProtoReasons(outcome.reasons),
        policy: outcome.policy,
      };
    });
  },

  async listLotInspections(request: ListLotInspectionsRequest, call: Call): Promise<ListLotInspectionsResponse> {
    const checks = new RequestChecks();
    const query = checks.done({
      pageSize: checks.pageSize(request.pageSize),
      before: checks.pageToken(timeIdPageToken, request.pageToken),
      merchantId: checks.id('merchant_id', request.merchantId),
      skuId: checks.optionalId('sku_id', request.skuId),
    });
    const page = await read(context, call, (tx) => listLotInspections(tx, query));
    return { inspections: page.items.map(toProtoLotInspection), nextPageToken: page.nextPageToken };
  },

  async resumeLotInspection(request: ResumeLotInspectionRequest, call: Call): Promise<ResumeLotInspectionResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        requestId: checks.requestId(request.requestId),
        merchantId: checks.id('merchant_id', request.merchantId),
        skuId: checks.id('sku_id', request.skuId),
        reviewerId: checks.id('reviewer_id', request.reviewerId),
        note: checks.optionalText('note', request.note),
      });
    };
    const codecs = { request: ResumeLotInspectionRequest, response: ResumeLotInspectionResponse };
    return mutation(context, call, 'ResumeLotInspection', codecs, request, check, async (work, command) => {
      const outcome = await resumeLotInspection(work, command);
      return {
        state: toProtoSwitchingState(command.merchantId, command.skuId, outcome.state, outcome.updatedAt),
        reasons: toProtoReasons(outcome.reasons),
        policy: outcome.policy,
      };
    });
  },
});

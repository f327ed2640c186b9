import type { LotInspectionRow, ProductQualityTx } from '@govern/product-quality-data-access';
import {
  ACCEPTANCE_SAMPLING_POLICY,
  type AcceptanceSamplingPolicy,
  type DefectClass,
  type InspectionLevel,
  judgeLot,
  type LotInspectionPlan,
  nextSwitchingState,
  planLotInspection,
  type SwitchingState,
} from '@govern/product-quality-domain';
import { failedPrecondition, type PolicyRef, type Reason, reason } from '@govern/policy-core';
import { keysetPage, type KeysetPage, timeIdPageToken } from '@govern/platform-grpc';
import { lockSwitchingState, readSwitchingState, saveSwitchingState, type StoredSwitchingState } from '../adapters/lot-switching.repository';
import { reasonsJson } from '../mapping/json';
import type { Work } from './work';

/** The policy a lot is planned and judged under: the standard policy at the requested level and AQLs. */
export const lotPolicy = (level: InspectionLevel | undefined, aqlOverrides: Partial<Record<DefectClass, number>>): AcceptanceSamplingPolicy => ({
  ...ACCEPTANCE_SAMPLING_POLICY,
  inspectionLevel: level ?? ACCEPTANCE_SAMPLING_POLICY.inspectionLevel,
  aqlByDefectClass: { ...ACCEPTANCE_SAMPLING_POLICY.aqlByDefectClass, ...aqlOverrides },
});

export interface LotPlanOutcome {
  stored: StoredSwitchingState;
  /** Undefined while inspection is discontinued: no plan applies until the merchant corrects. */
  plan: LotInspectionPlan | undefined;
  policy: AcceptanceSamplingPolicy;
}

export const lotSamplingPlan = async (
  tx: ProductQualityTx,
  query: { merchantId: string; skuId: string; lotSize: number; level: InspectionLevel | undefined; aqlOverrides: Partial<Record<DefectClass, number>> },
): Promise<LotPlanOutcome> => {
  const stored = await readSwitchingState(tx, query.merchantId, query.skuId);
  const policy = lotPolicy(query.level, query.aqlOverrides);
  const plan = stored.state.stage === 'STOPPED' ? undefined : planLotInspection({ lotSize: query.lotSize, severity: stored.state.stage }, policy);
  return { stored, plan, policy };
};

export interface RecordLotCommand {
  lotId: string;
  merchantId: string;
  skuId: string;
  productId: string;
  lotSize: number;
  level: InspectionLevel | undefined;
  defects: Readonly<Record<DefectClass, number>>;
  sampleSizeInspected: number;
  productionIrregular: boolean;
}

export interface RecordLotOutcome {
  accepted: boolean;
  judgement: ReturnType<typeof judgeLot> | undefined;
  before: SwitchingState;
  after: SwitchingState;
  updatedAt: Date;
  reasons: Reason[];
  policy: PolicyRef;
}

/**
 * Judges an incoming lot on the merchant x SKU's current severity and moves the switching
 * state. A lot id seen before is a resubmission: judged, but not counted for switching. While
 * inspection is discontinued every lot is refused unjudged.
 */
export const recordLotInspection = async (work: Work, command: RecordLotCommand): Promise<RecordLotOutcome> => {
  const { tx, now } = work;
  const policy = lotPolicy(command.level, {});
  const before = await lockSwitchingState(tx, command.merchantId, command.skuId, now);
  const seen = await tx.lotInspection.count({ where: { merchantId: command.merchantId, skuId: command.skuId, lotId: command.lotId } });
  const policyRef = { name: policy.name, version: policy.version };

  let outcome: RecordLotOutcome;
  if (before.stage === 'STOPPED') {
    outcome = {
      accepted: false,
      judgement: undefined,
      before,
      after: before,
      updatedAt: now,
      reasons: [
        reason('SAMPLING.INSPECTION_DISCONTINUED', 'Acceptance inspection is discontinued until the merchant corrects the quality problem (ISO 2859-1 9.4): the lot is not accepted', {
          merchant_id: command.merchantId,
          sku_id: command.skuId,
        }),
      ],
      policy: policyRef,
    };
  } else {
    const judgement = judgeLot({ lotSize: command.lotSize, severity: before.stage, defects: command.defects }, policy);
    if (command.sampleSizeInspected < judgement.sampleSize) {
      throw failedPrecondition('SAMPLING.SAMPLE_TOO_SMALL', `The plan for this lot needs ${judgement.sampleSize} items inspected`, {
        sample_size: String(judgement.sampleSize),
        sample_size_inspected: String(command.sampleSizeInspected),
        severity: before.stage,
      });
    }
    const decision = nextSwitchingState(
      before,
      {
        kind: 'LOT_JUDGED',
        lot: judgement,
        originalInspection: seen === 0,
        productionSteady: !command.productionIrregular,
        reducedApprovedByAuthority: policy.responsibleAuthority.approvesReducedInspection,
      },
      policy,
    );
    outcome = {
      accepted: judgement.accepted,
      judgement,
      before,
      after: decision.state,
      updatedAt: now,
      reasons: [...judgement.reasons, ...decision.reasons],
      policy: policyRef,
    };
    await saveSwitchingState(tx, command.merchantId, command.skuId, decision.state, now);
  }

  await tx.lotInspection.create({
    data: {
      inspectionId: work.newId(),
      lotId: command.lotId,
      merchantId: command.merchantId,
      skuId: command.skuId,
      productId: command.productId,
      lotSize: BigInt(command.lotSize),
      inspectionLevel: policy.inspectionLevel,
      severity: before.stage,
      disposition: outcome.accepted ? 'ACCEPTED' : 'REJECTED',
      originalInspection: seen === 0,
      criticalFound: command.defects.CRITICAL,
      majorFound: command.defects.MAJOR,
      minorFound: command.defects.MINOR,
      sampleSizeInspected: command.sampleSizeInspected,
      outcomes: (outcome.judgement?.classes ?? []).map((c) => ({
        defect_class: c.defectClass,
        aql: c.plan.aql,
        code_letter: c.plan.planCodeLetter,
        sample_size: c.plan.sampleSize,
        acceptance: c.plan.acceptance,
        rejection: c.plan.rejection,
        full_inspection: c.plan.fullInspection,
        defects_found: c.defectsFound,
        accepted: c.accepted,
      })),
      stageBefore: before.stage,
      stageAfter: outcome.after.stage,
      reasons: reasonsJson(outcome.reasons),
      policyName: policyRef.name,
      policyVersion: policyRef.version,
      inspectedAt: now,
    },
  });
  return outcome;
};

export const listLotInspections = async (
  tx: ProductQualityTx,
  query: { pageSize: number; before: [Date, string] | undefined; merchantId: string; skuId: string | undefined },
): Promise<KeysetPage<LotInspectionRow>> => {
  const keyset = query.before ? { OR: [{ inspectedAt: { lt: query.before[0] } }, { inspectedAt: query.before[0], inspectionId: { lt: query.before[1] } }] } : {};
  const rows = await tx.lotInspection.findMany({
    where: { merchantId: query.merchantId, ...(query.skuId ? { skuId: query.skuId } : {}), ...keyset },
    orderBy: [{ inspectedAt: 'desc' }, { inspectionId: 'desc' }],
    take: query.pageSize + 1,
  });
  return keysetPage(rows, query.pageSize, timeIdPageToken, (r) => [r.inspectedAt, r.inspectionId]);
};

/** A reviewer verified the merchant's correction: inspection resumes on tightened (9.4). */
export const resumeLotInspection = async (
  work: Work,
  command: { merchantId: string; skuId: string; reviewerId: string; note: string },
): Promise<{ state: SwitchingState; updatedAt: Date; reasons: Reason[]; policy: PolicyRef }> => {
  const { tx, now } = work;
  const before = await lockSwitchingState(tx, command.merchantId, command.skuId, now);
  const decision = nextSwitchingState(before, { kind: 'SUPPLIER_IMPROVED' });
  await saveSwitchingState(tx, command.merchantId, command.skuId, decision.state, now);
  const reviewed = reason('SAMPLING.CORRECTION_VERIFIED', 'A reviewer verified the corrective action', {
    reviewer_id: command.reviewerId,
    ...(command.note ? { note: command.note } : {}),
  });
  return { state: decision.state, updatedAt: now, reasons: [...decision.reasons, reviewed], policy: decision.policy };
};

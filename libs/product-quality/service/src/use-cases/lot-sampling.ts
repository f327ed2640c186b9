import type { LotInspectionRow, LotSwitchingStateRow, ProductQualityTx } from '@govern/product-quality-data-access';
import {
  ACCEPTANCE_SAMPLING_POLICY,
  type AcceptanceSamplingPolicy,
  type DefectClass,
  type InspectionLevel,
  initialSwitchingState,
  judgeLot,
  type LotInspectionPlan,
  nextSwitchingState,
  planLotInspection,
  type SwitchingState,
} from '@govern/product-quality-domain';
import { failedPrecondition, type PolicyRef, type Reason, reason } from '@govern/policy-core';
import { reasonsJson } from '../mapping/json';
import type { UseCaseDeps } from './deps';
import { type Page, pageOf } from './queries';

/** The policy a lot is planned and judged under: the standard policy at the requested level and AQLs. */
export const lotPolicy = (level: InspectionLevel | undefined, aqlOverrides: Partial<Record<DefectClass, number>>): AcceptanceSamplingPolicy => ({
  ...ACCEPTANCE_SAMPLING_POLICY,
  inspectionLevel: level ?? ACCEPTANCE_SAMPLING_POLICY.inspectionLevel,
  aqlByDefectClass: { ...ACCEPTANCE_SAMPLING_POLICY.aqlByDefectClass, ...aqlOverrides },
});

const stateFromRow = (row: LotSwitchingStateRow | null): SwitchingState =>
  row
    ? {
        stage: row.stage as SwitchingState['stage'],
        normalRecent: Array.isArray(row.normalRecent) ? (row.normalRecent as boolean[]) : [],
        switchingScore: row.switchingScore,
        tightenedConsecutiveAccepted: row.tightenedConsecutiveAccepted,
        tightenedRejected: row.tightenedRejected,
      }
    : initialSwitchingState();

export interface StoredSwitchingState {
  state: SwitchingState;
  updatedAt: Date | undefined;
}

export const readSwitchingState = async (tx: ProductQualityTx, merchantId: string, skuId: string): Promise<StoredSwitchingState> => {
  const row = await tx.lotSwitchingState.findUnique({ where: { merchantId_skuId: { merchantId, skuId } } });
  return { state: stateFromRow(row), updatedAt: row?.updatedAt };
};

/** Locks the merchant x SKU's state for a transition (created at normal on first use). */
const lockSwitchingState = async (tx: ProductQualityTx, merchantId: string, skuId: string, now: Date): Promise<SwitchingState> => {
  const initial = initialSwitchingState();
  await tx.$executeRawUnsafe(
    `INSERT INTO lot_switching_states (merchant_id, sku_id, stage, normal_recent, switching_score, tightened_consecutive_accepted, tightened_rejected, updated_at)
     VALUES ($1, $2, $3, '[]', 0, 0, 0, $4) ON CONFLICT DO NOTHING`,
    merchantId,
    skuId,
    initial.stage,
    now,
  );
  await tx.$queryRawUnsafe(`SELECT 1 FROM lot_switching_states WHERE merchant_id = $1 AND sku_id = $2 FOR UPDATE`, merchantId, skuId);
  return stateFromRow(await tx.lotSwitchingState.findUnique({ where: { merchantId_skuId: { merchantId, skuId } } }));
};

const saveSwitchingState = async (tx: ProductQualityTx, merchantId: string, skuId: string, state: SwitchingState, now: Date): Promise<void> => {
  await tx.lotSwitchingState.update({
    where: { merchantId_skuId: { merchantId, skuId } },
    data: {
      stage: state.stage,
      normalRecent: [...state.normalRecent],
      switchingScore: state.switchingScore,
      tightenedConsecutiveAccepted: state.tightenedConsecutiveAccepted,
      tightenedRejected: state.tightenedRejected,
      updatedAt: now,
    },
  });
};

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
export const recordLotInspection = async (tx: ProductQualityTx, deps: UseCaseDeps, command: RecordLotCommand): Promise<RecordLotOutcome> => {
  const now = deps.clock.now();
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
      inspectionId: deps.ids.next(),
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
  query: { pageSize: number; before: [string, string] | undefined; merchantId: string; skuId: string },
): Promise<Page<LotInspectionRow>> => {
  const keyset = query.before
    ? { OR: [{ inspectedAt: { lt: new Date(query.before[0]) } }, { inspectedAt: new Date(query.before[0]), inspectionId: { lt: query.before[1] } }] }
    : {};
  const rows = await tx.lotInspection.findMany({
    where: { merchantId: query.merchantId, ...(query.skuId ? { skuId: query.skuId } : {}), ...keyset },
    orderBy: [{ inspectedAt: 'desc' }, { inspectionId: 'desc' }],
    take: query.pageSize + 1,
  });
  return pageOf(rows, query.pageSize, (r) => [r.inspectedAt.toISOString(), r.inspectionId]);
};

/** A reviewer verified the merchant's correction: inspection resumes on tightened (9.4). */
export const resumeLotInspection = async (
  tx: ProductQualityTx,
  deps: UseCaseDeps,
  command: { merchantId: string; skuId: string; reviewerId: string; note: string },
): Promise<{ state: SwitchingState; updatedAt: Date; reasons: Reason[]; policy: PolicyRef }> => {
  const now = deps.clock.now();
  const before = await lockSwitchingState(tx, command.merchantId, command.skuId, now);
  const decision = nextSwitchingState(before, { kind: 'SUPPLIER_IMPROVED' });
  await saveSwitchingState(tx, command.merchantId, command.skuId, decision.state, now);
  const reviewed = reason('SAMPLING.CORRECTION_VERIFIED', 'A reviewer verified the corrective action', {
    reviewer_id: command.reviewerId,
    ...(command.note ? { note: command.note } : {}),
  });
  return { state: decision.state, updatedAt: now, reasons: [...decision.reasons, reviewed], policy: decision.policy };
};

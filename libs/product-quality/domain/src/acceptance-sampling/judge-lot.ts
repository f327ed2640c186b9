import { type PolicyRef, type Reason, Violations, reason } from '@govern/policy-core';
import { ACCEPTANCE_SAMPLING_POLICY, type AcceptanceSamplingPolicy, policyRefOf } from './acceptance-sampling.policy';
import { checkLotSizeAndLevel } from './code-letters.table';
import { type LotSamplingPlan, acceptanceOneStepTighter, checkAql, samplingPlan } from './sampling-plan';
import { DEFECT_CLASSES, type DefectClass, type InspectionSeverity } from './sampling.types';

/** A lot's inspection under the policy: one plan per defect class. */
export interface LotInspectionPlan {
  severity: InspectionSeverity;
  lotSize: number;
  plans: Readonly<Record<DefectClass, LotSamplingPlan>>;
  /**
   * Items to draw: the largest class sample. Each class is judged on its own sample size
   * (the first n items drawn), as each AQL has its own plan.
   */
  sampleSize: number;
  policy: PolicyRef;
}

/** Effect of a lot on the switching score (ISO 2859-1:1999 9.3.3.2); only on normal inspection. */
export type ScoreCredit = { readonly kind: 'ADD'; readonly points: number } | { readonly kind: 'RESET' };

export interface ClassJudgement {
  defectClass: DefectClass;
  plan: LotSamplingPlan;
  defectsFound: number;
  accepted: boolean;
  /** Set on normal inspection only. */
  scoreCredit: ScoreCredit | null;
}

export interface LotJudgement {
  severity: InspectionSeverity;
  /** Accepted only when every class is accepted. */
  accepted: boolean;
  classes: ClassJudgement[];
  sampleSize: number;
  /**
   * The lot's effect on the switching score, on normal inspection only: it adds points when
   * every class earns them (the smallest class credit), and resets when any class resets.
   */
  scoreCredit: ScoreCredit | null;
  reasons: Reason[];
  policy: PolicyRef;
}

export interface LotInspectionResult {
  lotSize: number;
  severity: InspectionSeverity;
  /** Nonconformities of each class found in that class's sample. */
  defects: Readonly<Record<DefectClass, number>>;
}

/** Plans for every defect class of a lot at the policy's inspection level and AQLs. */
export const planLotInspection = (
  lot: { lotSize: number; severity: InspectionSeverity },
  policy: AcceptanceSamplingPolicy = ACCEPTANCE_SAMPLING_POLICY,
): LotInspectionPlan => {
  const v = new Violations();
  checkLotSizeAndLevel(v, lot.lotSize, policy.inspectionLevel);
  for (const c of DEFECT_CLASSES) checkAql(v, `policy.aql_by_defect_class.${c}`, policy.aqlByDefectClass[c]);
  v.throwIfAny('SAMPLING.INVALID_LOT');
  const plan = (c: DefectClass) =>
    samplingPlan({ lotSize: lot.lotSize, level: policy.inspectionLevel, aql: policy.aqlByDefectClass[c], severity: lot.severity });
  const plans = { CRITICAL: plan('CRITICAL'), MAJOR: plan('MAJOR'), MINOR: plan('MINOR') };
  return {
    severity: lot.severity,
    lotSize: lot.lotSize,
    plans,
    sampleSize: Math.max(...DEFECT_CLASSES.map((c) => plans[c].sampleSize)),
    policy: policyRefOf(policy),
  };
};

const classCredit = (plan: LotSamplingPlan, defectsFound: number, accepted: boolean, policy: AcceptanceSamplingPolicy): ScoreCredit => {
  const rules = policy.switching;
  if (!accepted) return { kind: 'RESET' };
  if (plan.acceptance < rules.acceptanceForTighterAqlRule) return { kind: 'ADD', points: rules.pointsWhenAcceptedAtSmallAc };
  const tighter = acceptanceOneStepTighter(plan);
  // Accepted at the AQL but not one step tighter: the standard resets the score.
  return tighter !== undefined && defectsFound <= tighter ? { kind: 'ADD', points: rules.pointsWhenAcceptedAtTighterAql } : { kind: 'RESET' };
};

const lotCredit = (credits: readonly ScoreCredit[]): ScoreCredit => {
  let points = Number.POSITIVE_INFINITY;
  for (const credit of credits) {
    if (credit.kind === 'RESET') return credit;
    points = Math.min(points, credit.points);
  }
  return { kind: 'ADD', points };
};

const evidenceOf = (j: ClassJudgement): Record<string, string> => ({
  defect_class: j.defectClass,
  aql: String(j.plan.aql),
  severity: j.plan.severity,
  table: j.plan.table,
  code_letter: j.plan.codeLetter,
  plan_code_letter: j.plan.planCodeLetter,
  sample_size: String(j.plan.sampleSize),
  full_inspection: String(j.plan.fullInspection),
  acceptance: String(j.plan.acceptance),
  rejection: String(j.plan.rejection),
  defects_found: String(j.defectsFound),
});

/**
 * Accept or reject a lot from the nonconformities found per class: each class is accepted when
 * its count is at most its plan's Ac and rejected at Re or more; the lot is rejected when any
 * class is rejected.
 */
export const judgeLot = (result: LotInspectionResult, policy: AcceptanceSamplingPolicy = ACCEPTANCE_SAMPLING_POLICY): LotJudgement => {
  const v = new Violations();
  for (const c of DEFECT_CLASSES) {
    const n = result.defects[c];
    v.check(Number.isSafeInteger(n) && n >= 0, `defects.${c}`, 'must be a whole number, 0 or more', 'OUT_OF_RANGE');
  }
  v.throwIfAny('SAMPLING.INVALID_LOT_RESULT');
  const inspection = planLotInspection(result, policy);
  const normal = result.severity === 'NORMAL';

  const classes: ClassJudgement[] = DEFECT_CLASSES.map((defectClass) => {
    const plan = inspection.plans[defectClass];
    const defectsFound = result.defects[defectClass];
    const accepted = defectsFound <= plan.acceptance;
    return { defectClass, plan, defectsFound, accepted, scoreCredit: normal ? classCredit(plan, defectsFound, accepted, policy) : null };
  });
  const accepted = classes.every((c) => c.accepted);
  const rejectedClasses = classes.filter((c) => !c.accepted).map((c) => c.defectClass);

  const reasons: Reason[] = classes.map((j) =>
    j.accepted
      ? reason('SAMPLING.CLASS_ACCEPTED', `${j.defectClass}: ${j.defectsFound} found, at most ${j.plan.acceptance} accepted in ${j.plan.sampleSize} items`, evidenceOf(j))
      : reason('SAMPLING.CLASS_REJECTED', `${j.defectClass}: ${j.defectsFound} found, ${j.plan.rejection} or more reject in ${j.plan.sampleSize} items`, evidenceOf(j)),
  );
  reasons.push(
    accepted
      ? reason('SAMPLING.LOT_ACCEPTED', 'Every defect class is within its acceptance number', { severity: result.severity, lot_size: String(result.lotSize) })
      : reason('SAMPLING.LOT_REJECTED', `Rejected on ${rejectedClasses.join(', ')}`, {
          severity: result.severity,
          lot_size: String(result.lotSize),
          rejected_classes: rejectedClasses.join(','),
        }),
  );

  return {
    severity: result.severity,
    accepted,
    classes,
    sampleSize: inspection.sampleSize,
    scoreCredit: normal ? lotCredit(classes.map((c) => c.scoreCredit as ScoreCredit)) : null,
    reasons,
    policy: inspection.policy,
  };
};

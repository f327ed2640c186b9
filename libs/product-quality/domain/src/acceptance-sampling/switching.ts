import { type PolicyRef, type Reason, failedPrecondition, reason } from '@govern/policy-core';
import { ACCEPTANCE_SAMPLING_POLICY, type AcceptanceSamplingPolicy, policyRefOf } from './acceptance-sampling.policy';
import type { ScoreCredit } from './judge-lot';
import type { InspectionSeverity } from './sampling.types';

/** Where a merchant x SKU stands in the switching scheme; STOPPED = inspection discontinued (9.4). */
export type SwitchingStage = InspectionSeverity | 'STOPPED';

/**
 * Switching state of one merchant x SKU (ISO 2859-1:1999 clause 9). One scheme per merchant x
 * SKU, driven by the lot decision (a lot is rejected when any defect class is): the standard
 * lets each class switch on its own (9.1); one scheme is the stricter and simpler reading, since
 * a lot is accepted or rejected as a whole.
 */
export interface SwitchingState {
  stage: SwitchingStage;
  /** Accepted (true) / rejected (false) for the latest lots since normal inspection began, oldest first. */
  normalRecent: readonly boolean[];
  /** Switching score (9.3.3.2), counted from the start of normal inspection. */
  switchingScore: number;
  /** Consecutive accepted lots on tightened inspection. */
  tightenedConsecutiveAccepted: number;
  /** Lots not accepted since tightened inspection began (9.4 counts them cumulatively). */
  tightenedRejected: number;
}

/** Inspection starts at normal (9.2). */
export const initialSwitchingState = (): SwitchingState => ({
  stage: 'NORMAL',
  normalRecent: [],
  switchingScore: 0,
  tightenedConsecutiveAccepted: 0,
  tightenedRejected: 0,
});

/** The outcome of a lot on original inspection; a LotJudgement fits. */
export interface LotOutcome {
  severity: InspectionSeverity;
  accepted: boolean;
  /** Switching score effect on normal inspection (see judgeLot). */
  scoreCredit: ScoreCredit | null;
}

export type SwitchingEvent =
  | {
      kind: 'LOT_JUDGED';
      lot: LotOutcome;
      /** False for a resubmitted lot: only original inspection counts for switching. */
      originalInspection?: boolean;
      /** 9.3.3 b) / 9.3.4 b): production at a steady rate (false = irregular or delayed). */
      productionSteady: boolean;
      /** 9.3.3 c) / 9.3.4 c): the responsible authority approves (keeps approving) reduced inspection. */
      reducedApprovedByAuthority: boolean;
    }
  /** 9.4: the supplier has improved quality after inspection was discontinued. */
  | { kind: 'SUPPLIER_IMPROVED' };

export interface SwitchingDecision {
  state: SwitchingState;
  /** Stage before the event. */
  from: SwitchingStage;
  changed: boolean;
  reasons: Reason[];
  policy: PolicyRef;
}

const freshNormal = (): SwitchingState => initialSwitchingState();

const freshTightened = (): SwitchingState => ({ ...initialSwitchingState(), stage: 'TIGHTENED' });

const freshReduced = (): SwitchingState => ({ ...initialSwitchingState(), stage: 'REDUCED' });

/** The severity to plan the next lot with; refuses while inspection is discontinued. */
export const inspectionSeverityOf = (state: SwitchingState): InspectionSeverity => {
  if (state.stage === 'STOPPED') {
    throw failedPrecondition('SAMPLING.INSPECTION_DISCONTINUED', 'Acceptance inspection is discontinued until the supplier improves quality (ISO 2859-1 9.4)');
  }
  return state.stage;
};

const onNormal = (state: SwitchingState, event: Extract<SwitchingEvent, { kind: 'LOT_JUDGED' }>, policy: AcceptanceSamplingPolicy) => {
  const rules = policy.switching;
  const recent = [...state.normalRecent, event.lot.accepted].slice(-rules.tightenWithinLots);
  const rejected = recent.filter((accepted) => !accepted).length;
  if (rejected >= rules.tightenAfterRejectedLots) {
    return {
      state: freshTightened(),
      reasons: [
        reason('SAMPLING.NORMAL_TO_TIGHTENED', `${rejected} of the last ${recent.length} lots were not accepted on normal inspection`, {
          rejected_lots: String(rejected),
          within_lots: String(recent.length),
        }),
      ],
    };
  }
  const credit = event.lot.scoreCredit ?? { kind: 'RESET' };
  const switchingScore = credit.kind === 'ADD' ? state.switchingScore + credit.points : 0;
  const scoreReason = reason(
    'SAMPLING.SWITCHING_SCORE',
    credit.kind === 'ADD' ? `Switching score +${credit.points} to ${switchingScore}` : 'Switching score reset to 0',
    { switching_score: String(switchingScore), previous_score: String(state.switchingScore) },
  );
  const next: SwitchingState = { ...state, normalRecent: recent, switchingScore };
  if (switchingScore < rules.reducedAtSwitchingScore) return { state: next, reasons: [scoreReason] };

  const evidence = {
    switching_score: String(switchingScore),
    production_steady: String(event.productionSteady),
    approved_by_authority: String(event.reducedApprovedByAuthority),
  };
  if (event.productionSteady && event.reducedApprovedByAuthority) {
    return {
      state: freshReduced(),
      reasons: [scoreReason, reason('SAMPLING.NORMAL_TO_REDUCED', `Switching score ${switchingScore} reached ${rules.reducedAtSwitchingScore} with steady production and approval`, evidence)],
    };
  }
  const missing = [!event.productionSteady && 'steady production', !event.reducedApprovedByAuthority && 'approval by the responsible authority'].filter(Boolean);
  return {
    state: next,
    reasons: [scoreReason, reason('SAMPLING.REDUCED_WITHHELD', `Switching score reached ${rules.reducedAtSwitchingScore} but reduced inspection needs ${missing.join(' and ')}`, evidence)],
  };
};

const onTightened = (state: SwitchingState, event: Extract<SwitchingEvent, { kind: 'LOT_JUDGED' }>, policy: AcceptanceSamplingPolicy) => {
  const rules = policy.switching;
  if (event.lot.accepted) {
    const consecutive = state.tightenedConsecutiveAccepted + 1;
    if (consecutive >= rules.normalAfterConsecutiveAccepted) {
      return {
        state: freshNormal(),
        reasons: [reason('SAMPLING.TIGHTENED_TO_NORMAL', `${consecutive} consecutive lots accepted on tightened inspection`, { consecutive_accepted: String(consecutive) })],
      };
    }
    return { state: { ...state, tightenedConsecutiveAccepted: consecutive }, reasons: [] };
  }
  const rejected = state.tightenedRejected + 1;
  if (rejected >= rules.discontinueAfterRejectedOnTightened) {
    return {
      state: { ...freshTightened(), stage: 'STOPPED' as const, tightenedRejected: rejected },
      reasons: [
        reason('SAMPLING.INSPECTION_DISCONTINUED', `${rejected} lots not accepted on tightened inspection: acceptance inspection stops until the supplier improves quality`, {
          rejected_on_tightened: String(rejected),
        }),
      ],
    };
  }
  return {
    state: { ...state, tightenedConsecutiveAccepted: 0, tightenedRejected: rejected },
    reasons: [reason('SAMPLING.TIGHTENED_LOT_REJECTED', `${rejected} lots not accepted since tightened inspection began`, { rejected_on_tightened: String(rejected) })],
  };
};

const onReduced = (state: SwitchingState, event: Extract<SwitchingEvent, { kind: 'LOT_JUDGED' }>) => {
  const causes = [
    !event.lot.accepted && 'a lot was not accepted',
    !event.productionSteady && 'production is irregular or delayed',
    !event.reducedApprovedByAuthority && 'the responsible authority reinstated normal inspection',
  ].filter((c): c is string => typeof c === 'string');
  if (causes.length === 0) return { state, reasons: [] };
  return {
    state: freshNormal(),
    reasons: [
      reason('SAMPLING.REDUCED_TO_NORMAL', `Back to normal inspection: ${causes.join('; ')}`, {
        lot_accepted: String(event.lot.accepted),
        production_steady: String(event.productionSteady),
        approved_by_authority: String(event.reducedApprovedByAuthority),
      }),
    ],
  };
};

/**
 * ISO 2859-1:1999 switching rules as a pure transition: normal -> tightened when 2 of 5 or fewer
 * consecutive lots are not accepted (9.3.1); tightened -> normal after 5 consecutive accepted
 * lots (9.3.2); normal -> reduced when the switching score reaches 30, production is steady and
 * the authority approves (9.3.3); reduced -> normal on a lot not accepted, irregular production
 * or the authority's decision (9.3.4); 5 lots not accepted on tightened discontinue inspection
 * until the supplier improves, then tightened resumes (9.4).
 */
export const nextSwitchingState = (
  state: SwitchingState,
  event: SwitchingEvent,
  policy: AcceptanceSamplingPolicy = ACCEPTANCE_SAMPLING_POLICY,
): SwitchingDecision => {
  const decide = (next: { state: SwitchingState; reasons: Reason[] }): SwitchingDecision => ({
    state: next.state,
    from: state.stage,
    changed: next.state.stage !== state.stage,
    reasons: next.reasons,
    policy: policyRefOf(policy),
  });

  if (event.kind === 'SUPPLIER_IMPROVED') {
    if (state.stage !== 'STOPPED') {
      throw failedPrecondition('SAMPLING.NOT_DISCONTINUED', `Inspection is ${state.stage.toLowerCase()}, not discontinued`, { stage: state.stage });
    }
    return decide({
      state: freshTightened(),
      reasons: [reason('SAMPLING.RESUMED_ON_TIGHTENED', 'Supplier improved quality: inspection resumes on tightened inspection', {})],
    });
  }

  const severity = inspectionSeverityOf(state);
  if (event.lot.severity !== severity) {
    throw failedPrecondition('SAMPLING.SEVERITY_MISMATCH', `Lot was judged on ${event.lot.severity.toLowerCase()} inspection but the scheme is on ${severity.toLowerCase()}`, {
      lot_severity: event.lot.severity,
      stage: severity,
    });
  }
  if (event.originalInspection === false) {
    return decide({ state, reasons: [reason('SAMPLING.RESUBMISSION_IGNORED', 'A resubmitted lot does not count for switching', {})] });
  }
  if (severity === 'NORMAL') return decide(onNormal(state, event, policy));
  if (severity === 'TIGHTENED') return decide(onTightened(state, event, policy));
  return decide(onReduced(state, event));
};

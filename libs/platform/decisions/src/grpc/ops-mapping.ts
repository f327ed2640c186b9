import {
  BacktestBaseline as BacktestBaselineProto,
  ReasonSide,
  ReplayVerdict as ReplayVerdictProto,
  type DecisionKind as DecisionKindProto,
  type DecisionRecord,
  type Money,
  type Reason as ReasonProto,
  type ReplayResult as ReplayResultProto,
  type RunBacktestResponse,
  type ShadowKindReport,
  type ShadowPolicy,
  type ValueDifference,
} from '@govern/contracts-common';
import type { Reason } from '@govern/policy-core';
import type { BacktestReport, OutcomeTally } from '../backtest';
import { encodeDecisionJson } from '../codec/decision-json';
import type { Difference } from '../codec/first-difference';
import type { AnyDecisionKind } from '../kinds/decision-kind';
import type { ReplayResult } from '../replay';
import type { StoredDecision } from '../store/decision-store';
import type { ShadowReport } from '../store/shadow-report.store';
import type { ShadowSetting } from '../store/shadow-settings.store';

/** From the lib's values to the govern.ops.v1 messages. */

const money = (fen: bigint | undefined): Money | undefined => (fen === undefined ? undefined : { amountFen: fen, currencyCode: 'CNY' });

const reasonOf = (reason: Reason): ReasonProto => ({
  code: reason.code,
  message: reason.message,
  evidence: { ...reason.evidence },
  weight: Number.isInteger(reason.weight) ? reason.weight : Math.round(reason.weight),
});

export const decisionRecordOf = (decision: StoredDecision): DecisionRecord => ({
  decisionId: decision.decisionId,
  kind: decision.kind,
  subjects: decision.subjects,
  decideTime: decision.decidedAt,
  policy: decision.policy,
  inputJson: decision.inputJson,
  outcome: decision.outcome,
  reasons: decision.reasons.map(reasonOf),
  outcomeJson: decision.outcomeJson,
  moneyAtStake: money(decision.moneyAtStakeFen),
  actor: decision.actor,
  requestId: decision.requestId ?? '',
  correlationId: decision.correlationId ?? '',
  shadow: decision.shadow && {
    candidateVersion: decision.shadow.candidateVersion,
    outcome: decision.shadow.outcome,
    reasonCodes: decision.shadow.reasonCodes,
    agrees: decision.shadow.agrees,
    outcomeJson: decision.shadow.outcomeJson,
    error: decision.shadow.error,
  },
});

export const shadowPolicyOf = (setting: ShadowSetting): ShadowPolicy => ({
  kind: setting.kind,
  candidateVersion: setting.candidateVersion ?? '',
  enabled: setting.enabled,
  changedBy: setting.changedBy,
  changeTime: setting.changedAt,
  note: setting.note,
});

export const decisionKindOf = (kind: AnyDecisionKind, setting: ShadowSetting | undefined): DecisionKindProto => ({
  kind: kind.kind,
  policyName: kind.policyName,
  activeVersion: kind.active,
  versions: Object.keys(kind.versions),
  shadowPolicy: setting && shadowPolicyOf(setting),
  movesMoney: kind.moneyAtStake !== undefined,
  acceptsParameters: kind.withParameters !== undefined,
});

/** Values in a response are bounded: an outcome can be large. */
export const MAX_VALUE_CHARS = 4096;

const valueJson = (value: unknown): { text: string; truncated: boolean } => {
  if (value === undefined) return { text: '', truncated: false };
  let text: string;
  try {
    text = encodeDecisionJson(value);
  } catch {
    text = JSON.stringify(String(value));
  }
  return text.length > MAX_VALUE_CHARS ? { text: text.slice(0, MAX_VALUE_CHARS), truncated: true } : { text, truncated: false };
};

export const differenceOf = (difference: Difference): ValueDifference => {
  const recorded = valueJson(difference.recorded);
  const recomputed = valueJson(difference.recomputed);
  return { path: difference.path, recordedJson: recorded.text, recomputedJson: recomputed.text, truncated: recorded.truncated || recomputed.truncated };
};

const VERDICTS = {
  IDENTICAL: ReplayVerdictProto.REPLAY_VERDICT_IDENTICAL,
  DIFFERENT: ReplayVerdictProto.REPLAY_VERDICT_DIFFERENT,
  NOT_REPLAYABLE: ReplayVerdictProto.REPLAY_VERDICT_NOT_REPLAYABLE,
} as const;

export const replayResultOf = (result: ReplayResult): ReplayResultProto => ({
  decisionId: result.decisionId,
  kind: result.kind,
  verdict: VERDICTS[result.verdict],
  policy: result.policy,
  firstDifference: result.difference && differenceOf(result.difference),
  detail: result.detail ?? '',
});

export const shadowKindReportOf = (report: ShadowReport): ShadowKindReport => ({
  kind: report.kind,
  candidateVersion: report.candidateVersion,
  evaluated: BigInt(report.evaluated),
  agreed: BigInt(report.agreed),
  agreementRate: report.agreementRate,
  failed: BigInt(report.failed),
  divergingOutcomes: report.divergingOutcomes.map((d) => ({ ...d, count: BigInt(d.count) })),
  divergingReasons: report.divergingReasons.map((d) => ({
    reasonCode: d.reasonCode,
    side: d.side === 'ACTIVE_ONLY' ? ReasonSide.REASON_SIDE_ACTIVE_ONLY : ReasonSide.REASON_SIDE_CANDIDATE_ONLY,
    count: BigInt(d.count),
    exampleDecisionIds: d.exampleDecisionIds,
  })),
});

const tallyOf = (tally: OutcomeTally) => ({
  outcomes: tally.outcomes.map((c) => ({ code: c.code, count: BigInt(c.count) })),
  reasons: tally.reasons.map((c) => ({ code: c.code, count: BigInt(c.count) })),
  moneyAtStake: money(tally.moneyAtStakeFen),
});

export const backtestResponseOf = (report: BacktestReport): RunBacktestResponse => ({
  kind: report.kind,
  candidate: report.candidate,
  baseline: report.baseline === 'RECORDED' ? BacktestBaselineProto.BACKTEST_BASELINE_RECORDED : BacktestBaselineProto.BACKTEST_BASELINE_ACTIVE_VERSION,
  evaluated: BigInt(report.evaluated),
  outcomeChanged: BigInt(report.outcomeChanged),
  reasonsChanged: BigInt(report.reasonsChanged),
  failed: BigInt(report.failed),
  firstFailure: report.firstFailure,
  truncated: report.truncated,
  baselineTally: tallyOf(report.baselineTally),
  candidateTally: tallyOf(report.candidateTally),
  changes: report.changes.map((change) => ({
    baselineOutcome: change.baselineOutcome,
    candidateOutcome: change.candidateOutcome,
    count: BigInt(change.count),
    baselineMoneyAtStake: money(change.baselineMoneyFen),
    candidateMoneyAtStake: money(change.candidateMoneyFen),
    examples: change.examples.map((example) => ({
      decisionId: example.decisionId,
      subjects: example.subjects,
      decideTime: example.decidedAt,
      baselineReasonCodes: example.baselineReasonCodes,
      candidateReasonCodes: example.candidateReasonCodes,
      baselineMoneyAtStake: money(example.baselineMoneyFen),
      candidateMoneyAtStake: money(example.candidateMoneyFen),
    })),
  })),
});

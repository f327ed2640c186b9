export { decodeDecisionJson, DecisionJsonError, encodeDecisionJson } from './codec/decision-json';
export { firstDifference, type Difference } from './codec/first-difference';
export {
  decisionKindOfPolicies,
  defineDecisionKind,
  parametersVersion,
  type AnyDecisionKind,
  type DecisionKind,
  type DecisionKindSpec,
  type DecisionSummary,
  type PolicyFunction,
  type ResourceRef,
  type SomeDecisionKind,
} from './kinds/decision-kind';
export {
  createDecisionLog,
  type BacktestRequest,
  type BulkReplayReport,
  type DecisionLog,
  type DecisionLogOptions,
  type DecisionToRecord,
  type Evaluation,
  type ReadOptions,
  type ShadowPolicyChange,
  type SomeDecisionToRecord, type UnitDecisionToRecord,
} from './decision-log';
export { recordUnitDecisions } from './unit-decisions';
export { replayStored, type ReplayResult, type ReplayVerdict } from './replay';
export type { BacktestBaseline, BacktestExample, BacktestReport, CodeCount, OutcomeChange, OutcomeTally } from './backtest';
export type { DecisionFilter, DecisionKey, ShadowEvaluationRecord, StoredDecision, TimeWindow } from './store/decision-store';
export type { ShadowReport, ShadowReportQuery } from './store/shadow-report.store';
export type { ShadowSetting } from './store/shadow-settings.store';
export { callerActor, governanceOpsHandlers, type GovernanceOpsOptions } from './grpc/governance-ops.handlers';
export { GOVERNANCE_OPS_POLICY } from './grpc/governance-ops.policy';
export { shadowPoliciesSetting } from './shadow-policies.setting';

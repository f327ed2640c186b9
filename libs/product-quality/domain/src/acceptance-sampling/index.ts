export { ACCEPTANCE_SAMPLING_POLICY, type AcceptanceSamplingPolicy } from './acceptance-sampling.policy';
export { codeLetter } from './code-letters.table';
export {
  type ClassJudgement,
  type LotInspectionPlan,
  type LotInspectionResult,
  type LotJudgement,
  type ScoreCredit,
  judgeLot,
  planLotInspection,
} from './judge-lot';
export { type LotSamplingPlan, type LotSamplingPlanRequest, acceptanceOneStepTighter, samplingPlan } from './sampling-plan';
export * from './sampling.types';
export { type PlanCell, type SingleSamplingTable, SINGLE_SAMPLING_TABLES, TABLE_2A, TABLE_2B, TABLE_2C } from './single-sampling.tables';
export {
  type LotOutcome,
  type SwitchingDecision,
  type SwitchingEvent,
  type SwitchingStage,
  type SwitchingState,
  initialSwitchingState,
  inspectionSeverityOf,
  nextSwitchingState,
} from './switching';

import type { DecisionLog } from '@govern/platform-decisions';
import type { Clock, IdGenerator } from '@govern/policy-core';

/**
 * What the service's use cases get besides their unit of work: time and ids through ports (tests
 * fix them), and the decision log the listing gate evaluates through (its policy versions carry
 * the compiled claims lexicon, so the scan on the hot path is the one a replay repeats).
 */
export interface ProductQualityDeps {
  clock: Clock;
  ids: IdGenerator;
  decisions: DecisionLog;
}

import type { ClaimScanner, ContentPolicy } from '@govern/content-domain';
import type { DecisionLog } from '@govern/platform-decisions';
import type { Clock, IdGenerator, PolicyRef } from '@govern/policy-core';
import type { ContentDecisionKinds } from './decisions/decision-kinds';

/** What every use case of the service works with: time, ids, the compiled claims lexicon, the policy. */
export interface ContentDeps {
  clock: Clock;
  ids: IdGenerator;
  /** Compiled once at start (`compileClaimScanner`); shared by assessments and livestreams. */
  scanner: ClaimScanner;
  policy: ContentPolicy;
  /** The claims lexicon the scanner was compiled from, named in every recorded decision's input. */
  lexicon: PolicyRef;
  /** The decision log over `kinds` (content-assessment, livestream-action): evaluate with shadow, record in the unit. */
  decisions: DecisionLog;
  kinds: ContentDecisionKinds;
}

import type { ClaimScanner, ContentPolicy } from '@govern/content-domain';
import type { Clock, IdGenerator } from '@govern/policy-core';

/** What every use case of the service works with: time, ids, the compiled claims lexicon, the policy. */
export interface ContentDeps {
  clock: Clock;
  ids: IdGenerator;
  /** Compiled once at start (`compileClaimScanner`); shared by assessments and livestreams. */
  scanner: ClaimScanner;
  policy: ContentPolicy;
}

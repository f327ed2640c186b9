import type { ClaimScanner } from '@govern/product-quality-domain';
import type { Clock, IdGenerator } from '@govern/policy-core';

/** What the service's use cases get besides their unit of work: time and ids through ports (tests fix them), the compiled lexicon. */
export interface ProductQualityDeps {
  clock: Clock;
  ids: IdGenerator;
  /** Compiled once at start; scanning is the hot path of the listing gate. */
  claimScanner: ClaimScanner;
}

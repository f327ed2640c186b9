import type { ClaimScanner } from '@govern/product-quality-domain';
import type { Clock, IdGenerator } from '@govern/policy-core';

/** What every use case gets: time and ids through ports (tests fix them), the compiled lexicon. */
export interface UseCaseDeps {
  clock: Clock;
  ids: IdGenerator;
  /** Compiled once at start; scanning is the hot path of the listing gate. */
  claimScanner: ClaimScanner;
}

import type { ContentTx } from '@govern/content-data-access';
import { recordUnitDecisions, type UnitDecisionToRecord } from '@govern/platform-decisions';
import { UnitOfWork, type UnitOfWorkInit } from '@govern/platform-runtime';
import type { ContentDeps } from '../deps';

/**
 * content's unit of work: the platform's (one transaction; events, durable jobs and a mutation's
 * stored answer written in one statement before COMMIT, the time it runs at, what caused it) with
 * the service's dependencies at hand — the compiled claims lexicon and the content policy — so a
 * use case takes one argument for everything it works with.
 */
export class Work extends UnitOfWork<ContentTx> {
  constructor(
    init: UnitOfWorkInit<ContentTx>,
    readonly deps: ContentDeps,
  ) {
    super(init);
  }

  get policy(): ContentDeps['policy'] {
    return this.deps.policy;
  }

  /** Records decisions in this unit's transaction, committed with it (see recordUnitDecisions). */
  recordDecisions(records: readonly UnitDecisionToRecord[]): Promise<void> {
    return recordUnitDecisions(this.deps.decisions, this, records);
  }
}

/** The unit factory the service's units of work use. */
export const createWork =
  (deps: ContentDeps) =>
  (init: UnitOfWorkInit<ContentTx>): Work =>
    new Work(init, deps);

import type { ContentTx } from '@govern/content-data-access';
import { pipelinedWrites } from '@govern/platform-db';
import type { UnitDecisionToRecord } from '@govern/platform-decisions';
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

  /**
   * Records decisions in this unit's transaction, one INSERT sent with the unit's other writes:
   * they commit with what they decided or not at all, and an idempotent repeat (which gets the
   * stored answer without running the unit) records nothing. The request id is the unit's cause
   * (the request_id of a mutation, the event, job or livestream signal of other units).
   */
  async recordDecisions(records: readonly UnitDecisionToRecord[]): Promise<void> {
    if (records.length === 0) return;
    const cause = { requestId: this.cause.causationId, correlationId: this.cause.correlationId || this.cause.causationId, actor: this.actor };
    await this.deps.decisions.recordDecisions(
      pipelinedWrites(this.sql),
      records.map((record) => ({ ...cause, ...record })),
    );
  }
}

/** The unit factory the service's units of work use. */
export const createWork =
  (deps: ContentDeps) =>
  (init: UnitOfWorkInit<ContentTx>): Work =>
    new Work(init, deps);

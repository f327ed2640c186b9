import { pipelinedWrites } from '@govern/platform-db';
import type { UnitOfWork } from '@govern/platform-runtime';
import type { DecisionLog, UnitDecisionToRecord } from './decision-log';

/**
 * Records decisions in a unit of work's transaction, one INSERT sent with the unit's other writes:
 * they commit with what they decided or not at all, and an idempotent repeat (which gets the
 * stored answer without running the unit) records nothing. The request id is the unit's cause
 * (the request_id of a mutation; the event, job or livestream signal of other units), the
 * correlation its flow's, the actor the unit's.
 */
export const recordUnitDecisions = async (
  log: Pick<DecisionLog, 'recordDecisions'>,
  unit: Pick<UnitOfWork, 'sql' | 'cause' | 'actor'>,
  records: readonly UnitDecisionToRecord[],
): Promise<void> => {
  if (records.length === 0) return;
  const cause = { requestId: unit.cause.causationId, correlationId: unit.cause.correlationId || unit.cause.causationId, actor: unit.actor };
  await log.recordDecisions(
    pipelinedWrites(unit.sql),
    records.map((record) => ({ ...cause, ...record })),
  );
};

import { pipelinedWrites } from '@govern/platform-db';
import { createDecisionLog, type DecisionLog, type DecisionToRecord, type SomeDecisionKind } from '@govern/platform-decisions';
import type { ServiceMetrics } from '@govern/platform-observability';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import type { Clock, IdGenerator } from '@govern/policy-core';
import type { Logger } from 'pino';
import type { Work } from '../deps';
import { onboardingDecisions } from './onboarding.decision-kind';
import { storeScoreDecisions } from './store-score.decision-kind';
import { violationPointsDecisions } from './violation-points.decision-kind';

/** The decision kinds merchant-access records (issue 16): onboarding, violation points, store score. */
export const MERCHANT_ACCESS_DECISION_KINDS: readonly SomeDecisionKind[] = [onboardingDecisions, violationPointsDecisions, storeScoreDecisions];

export const createMerchantAccessDecisionLog = (options: { db: PrismaClient; clock: Clock; ids?: IdGenerator; log: Pick<Logger, 'warn'>; metrics?: Pick<ServiceMetrics, 'decision'> }): DecisionLog =>
  createDecisionLog({ db: options.db, kinds: MERCHANT_ACCESS_DECISION_KINDS, clock: options.clock, ids: options.ids, log: options.log, ...(options.metrics ? { metrics: options.metrics } : {}) });

/**
 * Records one decision in the unit's transaction, sent with its other writes, under the unit's
 * flow (its correlation id, else its cause) and actor. With `withEffects`, its row goes out inside
 * the unit's effects statement (`sendWithEffects`): for a unit that never reads its record back.
 */
export const recordWorkDecision = <I, O>(
  decisions: Pick<DecisionLog, 'recordDecision'>,
  work: Work,
  record: Omit<DecisionToRecord<I, O>, 'correlationId' | 'actor'>,
  options: { withEffects?: boolean } = {},
): Promise<string> =>
  decisions.recordDecision(pipelinedWrites(options.withEffects ? work.withEffectsSql : work.sql), {
    ...record,
    correlationId: work.cause.correlationId ?? work.cause.causationId,
    actor: work.actor,
  });

import { createDecisionLog, type DecisionLog, type SomeDecisionKind } from '@govern/platform-decisions';
import type { ServiceMetrics } from '@govern/platform-observability';
import type { PrismaClient } from '@govern/product-quality-data-access';
import type { Clock, IdGenerator } from '@govern/policy-core';
import type { Logger } from 'pino';
import { listingGateDecisions } from './listing-gate.decision-kind';

/** The decision kinds product-quality records (issue 16): the listing gate. */
export const PRODUCT_QUALITY_DECISION_KINDS: readonly SomeDecisionKind[] = [listingGateDecisions];

export const createProductQualityDecisionLog = (options: { db: PrismaClient; clock: Clock; ids?: IdGenerator; log: Pick<Logger, 'warn'>; metrics?: Pick<ServiceMetrics, 'decision'> }): DecisionLog =>
  createDecisionLog({ db: options.db, kinds: PRODUCT_QUALITY_DECISION_KINDS, clock: options.clock, ids: options.ids, log: options.log, ...(options.metrics ? { metrics: options.metrics } : {}) });

import type { MetricsPolicy } from '@govern/consumer-experience-domain';
import type { DecisionLog } from '@govern/platform-decisions';
import type { Clock, IdGenerator } from '@govern/policy-core';

/** What consumer-experience's use cases, consumers and jobs are given (same role and name in every service: `<Service>Deps`). */
export interface ConsumerExperienceDeps {
  clock: Clock;
  ids: IdGenerator;
  /** The decision log over the service's kinds (fast-refund, compensation): evaluate with shadow, record in the unit. */
  decisions: DecisionLog;
  /** The metrics policy (METRICS_POLICY unless staging shortens the report period). */
  metricsPolicy?: MetricsPolicy;
  /** Orders per cascade transaction (DEFAULT_CASCADE_CHUNK_SIZE unless a test wants small chunks). */
  cascadeChunkSize?: number;
}

/** Orders handled per transaction in a cascade; the rest continue in durable jobs. */
export const DEFAULT_CASCADE_CHUNK_SIZE = 2_000;

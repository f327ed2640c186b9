import type pg from 'pg';
import type { Logger } from 'pino';
import { startPeriodicTask, type PeriodicTask } from '@govern/platform-db';
import type { Clock } from '@govern/policy-core';
import { writeQualityTierCheckpoints } from '../adapters/quality-tier-counts.queries';

/**
 * Writes the daily checkpoints of the tier counts every `intervalMs` (see writeQualityTierCheckpoints):
 * the report's tier counts read the checkpoint before their time and the moves since, so a checkpoint
 * missed only makes that read longer, never different. A timer rather than a durable job for that
 * reason; each replica runs one, and two writing the same day keep the same row.
 */
export const startQualityTierCheckpoints = (options: { pool: Pick<pg.Pool, 'query'>; clock: Clock; log: Logger; intervalMs: number }): PeriodicTask =>
  startPeriodicTask({
    intervalMs: options.intervalMs,
    run: async () => {
      const written = await writeQualityTierCheckpoints(options.pool, options.clock.now());
      if (written > 0) options.log.info({ written }, 'quality tier checkpoints written');
    },
    onError: (error) => options.log.warn({ err: error }, 'writing the quality tier checkpoints failed; the next run writes them'),
  });

import pino, { type Logger } from 'pino';
import { traceLoggerOptions } from '@govern/platform-observability';

export type { Logger } from 'pino';

/**
 * The one structured logger of a process (JSON lines). Identity numbers and secrets
 * never reach it: the redact paths are a safety net, not the rule (the rule is to not
 * log request bodies at all). A line written inside a gRPC call, a consumed event or a job
 * carries that span's `trace_id` and `span_id` (traceLoggerOptions' mixin).
 *
 * Lines go to stdout asynchronously: pino's default writes each line with its own blocking
 * `write(2)`, which was 5% of a decision read's CPU; asynchronously, the lines that arrive while
 * a write is under way leave together in the next one. pino flushes what is pending when the
 * process exits (also on `process.exit` after a fatal error), so only a SIGKILL can lose lines.
 */
export const createLogger = (options: { service: string; level?: string }): Logger =>
  pino(
    {
      name: options.service,
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      // It censors identity fields and credentials at any of the first three levels.
      ...traceLoggerOptions,
    },
    pino.destination({ dest: 1, sync: false }),
  );

import pino, { type Logger } from 'pino';
import { traceLoggerOptions } from '@govern/platform-observability';

export type { Logger } from 'pino';

/**
 * The one structured logger of a process (JSON lines). Identity numbers and secrets
 * never reach it: the redact paths are a safety net, not the rule (the rule is to not
 * log request bodies at all). A line written inside a gRPC call, a consumed event or a job
 * carries that span's `trace_id` and `span_id` (traceLoggerOptions' mixin).
 */
export const createLogger = (options: { service: string; level?: string }): Logger =>
  pino({
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Its redact paths cover identity fields and credentials at any of the first three levels.
    ...traceLoggerOptions,
  });

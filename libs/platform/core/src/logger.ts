import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * The one structured logger of a process (JSON lines). Identity numbers and secrets
 * never reach it: the redact paths are a safety net, not the rule (the rule is to not
 * log request bodies at all).
 */
export const createLogger = (options: { service: string; level?: string }): Logger =>
  pino({
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['*.licenceCode', '*.bankAccount', '*.legalRepIdNumber', '*.phone', '*.password', '*.secret'],
      censor: '[redacted]',
    },
  });

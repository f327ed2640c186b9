import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { LoggerOptions } from 'pino';

/**
 * pino `mixin`: every line written while a span is current (a gRPC call, a consumed event, a
 * job) carries `trace_id` and `span_id`, the OTel log data model's names, so a log search
 * and a trace view lead to each other. Child loggers inherit it. It reads the current
 * context at write time (AsyncLocalStorage), which costs about as much as one property read.
 * It returns a new object every time: pino merges the line's fields into what a mixin returns.
 */
export const traceLogMixin = (): Record<string, string> => {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
};

/**
 * pino `redact` paths of fields that hold identity numbers or secrets wherever they appear
 * (top level, and one or two objects deep, e.g. `{ application: { bankAccount: … } }` or
 * `{ request: { legalRepresentative: { idNumber } } }`). A safety net: the rule is still to
 * log no request or event bodies at all; the scanner (findSensitiveData) is the test of it.
 */
export const SENSITIVE_LOG_KEYS = [
  // merchant-access application fields
  'businessLicenceCode',
  'licenceCode',
  'creditCode',
  'idNumber',
  'legalRepIdNumber',
  'accountNumber',
  'bankAccount',
  'contactPhone',
  'phone',
  // credentials
  'password',
  'secret',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
  'privateKey',
  'identityHashKey',
] as const;

const pathsFor = (key: string): string[] => [key, `*.${key}`, `*.*.${key}`];

export const logRedaction: NonNullable<LoggerOptions['redact']> = {
  paths: [
    ...SENSITIVE_LOG_KEYS.flatMap(pathsFor),
    // gRPC metadata and HTTP headers, if a caller ever logs them
    'metadata.authorization',
    'headers.authorization',
    'headers.cookie',
    '*.headers.authorization',
  ],
  censor: '[redacted]',
};

/** What platform-core's `createLogger` adds to its pino options (see README, wiring plan). */
export const traceLoggerOptions: Pick<LoggerOptions, 'mixin' | 'redact'> = { mixin: traceLogMixin, redact: logRedaction };

import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type LoggerOptions } from 'pino';

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
 * Keys whose values hold identity numbers or secrets wherever they appear in a log line: at the
 * top level and one or two objects deep (e.g. `{ application: { bankAccount: … } }` or
 * `{ request: { legalRepresentative: { idNumber } } }`). A safety net: the rule is still to log
 * no request or event bodies at all; the scanner (findSensitiveData) is the test of it.
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

const SENSITIVE = new Set<string>(SENSITIVE_LOG_KEYS);
const CENSOR = '[redacted]';
/** Levels of keys looked into: the top level and two objects (or arrays) below it. */
const REDACT_DEPTH = 3;

/**
 * `value` with the value of every sensitive key censored, down to `levels` levels of keys. It
 * returns `value` itself when there is nothing to censor, which is nearly always, so an ordinary
 * line costs one look-up per key; otherwise a copy (same prototype, so an Error keeps its message
 * and stack): the caller's object is never changed.
 */
const copyOf = (source: Record<string, unknown>): Record<string, unknown> =>
  Array.isArray(source) ? ([...source] as unknown as Record<string, unknown>) : (Object.create(Object.getPrototypeOf(source), Object.getOwnPropertyDescriptors(source)) as Record<string, unknown>);

const censored = (value: unknown, levels: number): unknown => {
  if (levels === 0 || typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  let copy: Record<string, unknown> | undefined;
  const source = value as Record<string, unknown>;
  for (const key in source) {
    if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
    const inner = source[key];
    const next = SENSITIVE.has(key) && inner !== undefined ? CENSOR : censored(inner, levels - 1);
    if (next === inner) continue;
    copy ??= copyOf(source);
    copy[key] = next;
  }
  return copy ?? value;
};

/** A log line's fields (or a logger's base bindings) with sensitive values censored; see `censored`. */
export const redactSensitive = <T extends object>(fields: T): T => censored(fields, REDACT_DEPTH) as T;

const censor = (): string => CENSOR;

/**
 * pino options that censor sensitive keys, in place of pino's `redact`. Its wildcard paths
 * (`*.key`, `*.*.key` for every key) put a path-matching function on every field of every line,
 * which cost more than all the rest of writing an `rpc finished` line; one walk over the line's
 * few fields checking each key against a set does the same job. `formatters.log` sees every
 * line's fields (the mixin's included), `formatters.bindings` the root logger's base; pino does
 * not pass a child's bindings through either, so the serializers censor a sensitive key at a
 * child binding's top level (child bindings are ids the code chooses, never request bodies).
 */
export const logRedaction: Pick<LoggerOptions, 'formatters' | 'serializers'> = {
  formatters: { log: redactSensitive, bindings: redactSensitive },
  serializers: { err: pino.stdSerializers.err, ...Object.fromEntries(SENSITIVE_LOG_KEYS.map((key) => [key, censor])) },
};

/** What platform-core's `createLogger` adds to its pino options (see README, wiring plan). */
export const traceLoggerOptions: Pick<LoggerOptions, 'mixin' | 'formatters' | 'serializers'> = { mixin: traceLogMixin, ...logRedaction };

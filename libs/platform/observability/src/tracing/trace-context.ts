import { context as contextApi, createContextKey, ROOT_CONTEXT, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * The W3C trace context as it crosses Govern's boundaries: gRPC metadata, outbox rows,
 * NATS headers and scheduled jobs. Only `traceparent`/`tracestate` travel (no W3C baggage:
 * it would carry whatever an outside caller put in it into every event of a cascade), plus
 * the start of the cascade, so a consumer can tell how long the cascade has been settling.
 */
export const propagator = new W3CTraceContextPropagator();

/** NATS header with the time (ISO 8601) the cascade an event belongs to started. */
export const CASCADE_STARTED_AT_HEADER = 'Govern-Cascade-Started-At';

const CASCADE_STARTED_AT = createContextKey('govern.cascade_started_at');

/** A stored context longer than this is not ours (traceparent 55 chars, tracestate at most 512). */
const MAX_STORED_LENGTH = 1_024;
/** Clocks disagree a little; a cascade "starting" further in the future than this is a bad value. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** The start of the cascade the active context belongs to, if known. */
export const cascadeStartedAt = (ctx: Context = contextApi.active()): Date | undefined => ctx.getValue(CASCADE_STARTED_AT) as Date | undefined;

export const withCascadeStart = (ctx: Context, startedAt: Date | undefined): Context => (startedAt ? ctx.setValue(CASCADE_STARTED_AT, startedAt) : ctx);

/** A cascade start read from a header or a stored context: a valid time, not in the future. */
export const parseCascadeStart = (value: unknown, now: number = Date.now()): Date | undefined => {
  if (typeof value !== 'string' || value.length > 40) return undefined;
  const at = new Date(value);
  const ms = at.getTime();
  return Number.isNaN(ms) || ms > now + MAX_CLOCK_SKEW_MS ? undefined : at;
};

/** Record carriers (NATS headers, parsed stored contexts): keys are matched case-insensitively. */
const recordGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const direct = carrier[key];
    if (direct !== undefined) return direct;
    const wanted = key.toLowerCase();
    for (const [name, value] of Object.entries(carrier)) if (name.toLowerCase() === wanted) return value;
    return undefined;
  },
};

const recordSetter: TextMapSetter<Record<string, string>> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/** `traceparent`/`tracestate` of a context; empty when it holds no valid span context. */
export const traceHeadersOf = (ctx: Context = contextApi.active()): Record<string, string> => {
  const carrier: Record<string, string> = {};
  propagator.inject(ctx, carrier, recordSetter);
  return carrier;
};

/** The remote span context (and cascade start) carried by headers, on top of `base`. */
export const contextFromHeaders = (headers: Record<string, string>, base: Context = ROOT_CONTEXT): Context => {
  const extracted = propagator.extract(base, headers, recordGetter);
  return withCascadeStart(extracted, parseCascadeStart(recordGetter.get(headers, CASCADE_STARTED_AT_HEADER)));
};

interface StoredShape {
  traceparent?: string;
  tracestate?: string;
  cascade_started_at?: string;
}

/**
 * Serialises the active context for an outbox row (`outbox_events.trace_context`, text): the
 * span that wrote the row (the gRPC call, the consumed event or the job) and the cascade's
 * start — the active cascade's if there is one, else `occurredAt` (this event starts one).
 * Compute it once per unit of work and store it on each of its rows. Null when there is
 * nothing to store (no span and no time).
 */
export const traceContextForOutbox = (options: { occurredAt?: Date } = {}): string | null => {
  const ctx = contextApi.active();
  const stored: StoredShape = traceHeadersOf(ctx);
  const startedAt = cascadeStartedAt(ctx) ?? options.occurredAt;
  if (startedAt) stored.cascade_started_at = startedAt.toISOString();
  return Object.keys(stored).length === 0 ? null : JSON.stringify(stored);
};

/**
 * Serialises the active context for a durable job (`scheduled_jobs.trace_context`, text), so
 * the job's span can link to (or continue) the call or event that scheduled it.
 */
export const traceContextForJob = (): string | null => traceContextForOutbox();

/** Reads a stored context back; anything malformed (or not ours) is ignored, never thrown. */
export const parseStoredTraceContext = (stored: string | null | undefined): Record<string, string> => {
  if (!stored || stored.length > MAX_STORED_LENGTH) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const shape = parsed as Record<string, unknown>;
  const headers: Record<string, string> = {};
  if (typeof shape['traceparent'] === 'string') headers['traceparent'] = shape['traceparent'];
  if (typeof shape['tracestate'] === 'string') headers['tracestate'] = shape['tracestate'];
  if (typeof shape['cascade_started_at'] === 'string') headers[CASCADE_STARTED_AT_HEADER] = shape['cascade_started_at'];
  return headers;
};

/**
 * The NATS headers the relay adds to an outbox row's message: `traceparent`, `tracestate`,
 * `Govern-Cascade-Started-At` — each only when stored and well-formed (the W3C propagator
 * re-validates them, so a corrupted row cannot put junk on the wire).
 */
export const natsHeadersFrom = (stored: string | null | undefined): Record<string, string> => {
  const carried = parseStoredTraceContext(stored);
  const ctx = contextFromHeaders(carried);
  const headers = trace.getSpanContext(ctx) ? traceHeadersOf(ctx) : {};
  const startedAt = cascadeStartedAt(ctx);
  if (startedAt) headers[CASCADE_STARTED_AT_HEADER] = startedAt.toISOString();
  return headers;
};

/** The context a stored trace context describes (for jobs and tests). */
export const contextFromStored = (stored: string | null | undefined, base: Context = ROOT_CONTEXT): Context =>
  contextFromHeaders(parseStoredTraceContext(stored), base);

import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { startTelemetry } from '../telemetry/telemetry';
import {
  CASCADE_STARTED_AT_HEADER,
  cascadeStartedAt,
  contextFromHeaders,
  natsHeadersFrom,
  parseCascadeStart,
  parseStoredTraceContext,
  traceContextForOutbox,
} from './trace-context';

const exporter = new InMemorySpanExporter();
const telemetry = startTelemetry({ serviceName: 'trace-context-spec', exporter });
afterAll(() => telemetry.shutdown());

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

describe('traceContextForOutbox', () => {
  it('stores the span that wrote the row and starts the cascade at the event time', () => {
    const span = telemetry.tracer.startSpan('mutation');
    const occurredAt = new Date('2026-03-01T10:00:00.000Z');
    const stored = context.with(trace.setSpan(context.active(), span), () => traceContextForOutbox({ occurredAt }));
    span.end();
    const parsed = JSON.parse(stored as string) as Record<string, string>;
    expect(parsed['traceparent']).toMatch(TRACEPARENT);
    expect(parsed['traceparent']).toContain(span.spanContext().traceId);
    expect(parsed['traceparent']).toContain(span.spanContext().spanId);
    expect(parsed['cascade_started_at']).toBe('2026-03-01T10:00:00.000Z');
  });

  it('keeps the start of a cascade already under way rather than the new event time', () => {
    const started = new Date('2026-03-01T09:00:00.000Z');
    const ctx = contextFromHeaders({ [CASCADE_STARTED_AT_HEADER]: started.toISOString() });
    const stored = context.with(ctx, () => traceContextForOutbox({ occurredAt: new Date('2026-03-01T09:05:00.000Z') }));
    expect(JSON.parse(stored as string)).toEqual({ cascade_started_at: '2026-03-01T09:00:00.000Z' });
  });

  it('stores nothing without a span or a time', () => {
    expect(context.with(ROOT_CONTEXT, () => traceContextForOutbox())).toBeNull();
  });
});

describe('natsHeadersFrom', () => {
  it('puts the stored context on the message, and the consumer side reads the same trace back', () => {
    const span = telemetry.tracer.startSpan('mutation');
    const stored = context.with(trace.setSpan(context.active(), span), () => traceContextForOutbox({ occurredAt: new Date('2026-03-01T10:00:00.000Z') }));
    span.end();
    const headers = natsHeadersFrom(stored);
    expect(Object.keys(headers).sort()).toEqual([CASCADE_STARTED_AT_HEADER, 'traceparent']);
    const remote = trace.getSpanContext(contextFromHeaders(headers));
    expect(remote).toMatchObject({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, isRemote: true });
    expect(cascadeStartedAt(contextFromHeaders(headers))?.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('reads header names in any case (NATS keeps what the publisher wrote)', () => {
    const span = telemetry.tracer.startSpan('x');
    const headers = { TraceParent: `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01` };
    span.end();
    expect(trace.getSpanContext(contextFromHeaders(headers))?.traceId).toBe(span.spanContext().traceId);
  });

  it.each([
    ['null', null],
    ['not JSON', 'traceparent=00-abc'],
    ['a JSON array', '["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"]'],
    ['a malformed traceparent', '{"traceparent":"00-zz-yy-01"}'],
    ['an all-zero trace id', '{"traceparent":"00-00000000000000000000000000000000-b7ad6b7169203331-01"}'],
    ['a header-splitting attempt', '{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\\r\\nX-Evil: 1"}'],
    ['an oversized value', JSON.stringify({ traceparent: 'x'.repeat(5_000) })],
  ])('puts no trace header on the wire for %s', (_name, stored) => {
    expect(natsHeadersFrom(stored)).toEqual({});
  });

  it('drops a cascade start that is not a time or lies in the future', () => {
    expect(natsHeadersFrom('{"cascade_started_at":"yesterday"}')).toEqual({});
    expect(natsHeadersFrom(JSON.stringify({ cascade_started_at: new Date(Date.now() + 3_600_000).toISOString() }))).toEqual({});
    expect(parseCascadeStart('2026-03-01T10:00:00.000Z', Date.parse('2026-03-01T10:00:00.000Z'))?.toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });
});

describe('parseStoredTraceContext', () => {
  it('keeps only the fields it knows', () => {
    expect(parseStoredTraceContext('{"traceparent":"a","tracestate":"b","cascade_started_at":"c","other":"d","n":1}')).toEqual({
      traceparent: 'a',
      tracestate: 'b',
      [CASCADE_STARTED_AT_HEADER]: 'c',
    });
  });
});

import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startTelemetry, inSpan } from '../telemetry/telemetry';
import { collectedSpanOf } from '../testing/otlp-collector-stub';
import { withConsumerSpan, withJobSpan } from './event-spans';
import { cascadeStartedAt, natsHeadersFrom, traceContextForJob, traceContextForOutbox } from './trace-context';

const exporter = new InMemorySpanExporter();
const telemetry = startTelemetry({ serviceName: 'event-spans-spec', exporter });
afterAll(() => telemetry.shutdown());
beforeEach(() => exporter.reset());

const spans = () => exporter.getFinishedSpans().map(collectedSpanOf);
const message = (headers: Record<string, string>) => ({
  headers,
  subject: 'govern.product_quality.inspection.failed',
  consumer: 'consumer_experience_inspections',
  eventId: 'e-1',
  eventType: 'govern.product_quality.v1.InspectionFailed',
  deliveryCount: 2,
});

/** A stored context written inside a fresh span of a "mutation", as a unit of work would. */
const scheduledIn = async (write: () => string | null): Promise<{ stored: string | null; traceId: string; spanId: string }> =>
  inSpan(telemetry.tracer, 'mutation', {}, async (span) => ({ stored: write(), ...span.spanContext() }));

describe('withConsumerSpan', () => {
  it('starts a trace of its own when the message carries none, and fails the span with the handler', async () => {
    await expect(withConsumerSpan(telemetry, message({}), async () => Promise.reject(new RangeError('bad')))).rejects.toThrow(RangeError);
    const [span] = spans();
    expect(span).toMatchObject({ kind: 'CONSUMER', statusCode: 2, attributes: { 'error.type': 'RangeError', 'govern.event.delivery_count': 2 } });
    expect(span?.parentSpanId).toBeUndefined();
  });

  it('carries the cascade start into what the handler writes, so the next event keeps it', async () => {
    const first = await scheduledIn(() => traceContextForOutbox({ occurredAt: new Date('2026-03-01T10:00:00.000Z') }));
    const next = await withConsumerSpan(telemetry, message(natsHeadersFrom(first.stored)), async () =>
      traceContextForOutbox({ occurredAt: new Date('2026-03-01T10:00:07.000Z') }),
    );
    const parsed = JSON.parse(next as string) as Record<string, string>;
    expect(parsed['cascade_started_at']).toBe('2026-03-01T10:00:00.000Z');
    expect(parsed['traceparent']).toContain(first.traceId);
  });
});

describe('withJobSpan', () => {
  it('links a timer to the call that scheduled it, in a trace of its own', async () => {
    const scheduling = await scheduledIn(() => traceContextForJob());
    exporter.reset();
    await withJobSpan(telemetry, { kind: 'DISPATCH_DEADLINE', key: 'order-1', dueAt: new Date(Date.now() - 1_500), traceContext: scheduling.stored, attempts: 0 }, async () => {
      // A linked job starts no cascade of the scheduling call.
      expect(cascadeStartedAt()).toBeUndefined();
    });
    const [job] = spans();
    expect(job?.traceId).not.toBe(scheduling.traceId);
    expect(job?.parentSpanId).toBeUndefined();
    expect(job?.links).toEqual([{ traceId: scheduling.traceId, spanId: scheduling.spanId }]);
    expect(job?.name).toBe('job DISPATCH_DEADLINE');
    expect(Number(job?.attributes['govern.job.lateness_ms'])).toBeGreaterThanOrEqual(1_500);
    expect(job?.attributes['govern.job.attempt']).toBe(1);
  });

  it('continues the trace and the cascade for a continuation chunk', async () => {
    const scheduling = await inSpan(telemetry.tracer, 'consume', {}, async (span) => {
      const stored = traceContextForOutbox({ occurredAt: new Date('2026-03-01T10:00:00.000Z') });
      return { stored, ...span.spanContext() };
    });
    exporter.reset();
    const startInJob = await withJobSpan(
      telemetry,
      { kind: 'INSPECTION_COMPENSATION_CHUNK', key: 'lot-1#2', dueAt: new Date(), traceContext: scheduling.stored },
      async () => cascadeStartedAt()?.toISOString(),
      { relation: 'child' },
    );
    const [job] = spans();
    expect(job).toMatchObject({ traceId: scheduling.traceId, parentSpanId: scheduling.spanId, links: [] });
    expect(startInJob).toBe('2026-03-01T10:00:00.000Z');
  });

  it('runs a job scheduled before trace contexts were stored as a root span', async () => {
    await withJobSpan(telemetry, { kind: 'OLD', key: 'k', dueAt: new Date(), traceContext: null }, async () => {
      expect(trace.getSpan(context.active())?.isRecording()).toBe(true);
    });
    expect(spans()[0]).toMatchObject({ links: [], name: 'job OLD' });
    expect(spans()[0]?.parentSpanId).toBeUndefined();
  });
});

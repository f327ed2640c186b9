import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startOtlpCollectorStub, type OtlpCollectorStub } from '../testing/otlp-collector-stub';
import { withConsumerSpan, withJobSpan } from '../tracing/event-spans';
import { natsHeadersFrom, traceContextForJob, traceContextForOutbox } from '../tracing/trace-context';
import { telemetrySettings } from './settings';
import { inSpan, startTelemetry } from './telemetry';

/**
 * OTLP/HTTP protobuf export as a deployment configures it (OTEL_EXPORTER_OTLP_ENDPOINT and
 * friends), received by the collector stub the cross-process tests use.
 */
let collector: OtlpCollectorStub;
beforeAll(async () => {
  collector = await startOtlpCollectorStub();
});
afterAll(() => collector.close());

describe('startTelemetry with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('exports spans of two services with their resource, parents, links and status; shutdown flushes', async () => {
    const settings = z.object(telemetrySettings).parse({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20collector-token,x-tenant=govern',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
    });
    const producer = startTelemetry({ serviceName: 'merchant-access', settings });
    const consumer = startTelemetry({ serviceName: 'consumer-experience', settings });
    expect(producer.exporting).toBe('otlp');

    const { stored, forJob } = await inSpan(producer.tracer, 'govern.merchant_access.v1.MerchantAccessService/RecordViolation', { kind: SpanKind.SERVER }, async () => ({
      stored: traceContextForOutbox({ occurredAt: new Date() }),
      forJob: traceContextForJob(),
    }));
    const headers = natsHeadersFrom(stored);
    await withConsumerSpan(consumer, { headers, subject: 'govern.merchant_access.merchant.removed', consumer: 'ce_merchants', eventId: 'e-9', eventType: 'x', deliveryCount: 1 }, async () => undefined);
    await withJobSpan(producer, { kind: 'SANCTION_END', key: 'm-1', dueAt: new Date(), traceContext: forJob }, async () => {
      throw new Error('job failed');
    }).catch(() => undefined);
    // Batched: nothing needs to have arrived yet; shutdown must deliver it all.
    await Promise.all([producer.shutdown(), consumer.shutdown()]);

    const spans = await collector.waitFor((received) => received.length >= 3);
    const server = spans.find((s) => s.kind === 'SERVER');
    const processed = spans.find((s) => s.kind === 'CONSUMER');
    const job = spans.find((s) => s.name === 'job SANCTION_END');
    expect(server).toMatchObject({ service: 'merchant-access', name: 'govern.merchant_access.v1.MerchantAccessService/RecordViolation', statusCode: 0 });
    expect(processed).toMatchObject({ service: 'consumer-experience', traceId: server?.traceId, parentSpanId: server?.spanId });
    expect(processed?.attributes['messaging.destination.name']).toBe('govern.merchant_access.merchant.removed');
    expect(job).toMatchObject({ statusCode: 2, links: [{ traceId: server?.traceId, spanId: server?.spanId }] });
    expect(job?.traceId).not.toBe(server?.traceId);
    expect(collector.requestHeaders[0]).toMatchObject({ authorization: 'Bearer collector-token', 'x-tenant': 'govern', 'content-type': 'application/x-protobuf' });
  });

  it('exports on its own within OTEL_BSP_SCHEDULE_DELAY, with the process still running', async () => {
    const settings = z.object(telemetrySettings).parse({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_BSP_SCHEDULE_DELAY: '50' });
    const telemetry = startTelemetry({ serviceName: 'prompt', settings });
    await inSpan(telemetry.tracer, 'quick', {}, async () => undefined);
    await collector.waitFor((spans) => spans.some((s) => s.service === 'prompt'), 5_000);
    await telemetry.shutdown();
  });
});

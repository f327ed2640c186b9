import { TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contextFromHeaders, traceHeadersOf } from '../tracing/trace-context';
import { telemetrySettings, tracesEndpointOf } from './settings';
import { inSpan, startTelemetry } from './telemetry';

const schema = z.object(telemetrySettings);

describe('telemetrySettings', () => {
  it('defaults to exporting nothing and no metrics endpoint', () => {
    const settings = schema.parse({});
    expect(tracesEndpointOf(settings)).toBeUndefined();
    expect(settings.METRICS_PORT).toBeUndefined();
    expect(settings.OTEL_TRACES_SAMPLER).toBe('parentbased_always_on');
  });

  it('sends spans to <endpoint>/v1/traces, or to the traces endpoint as given', () => {
    expect(tracesEndpointOf(schema.parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }))).toBe('http://collector:4318/v1/traces');
    expect(
      tracesEndpointOf(schema.parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp' })),
    ).toBe('https://traces.example/otlp');
    expect(tracesEndpointOf(schema.parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }))).toBeUndefined();
    expect(tracesEndpointOf(schema.parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }))).toBeUndefined();
  });

  it('names what is wrong', () => {
    const result = schema.safeParse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', METRICS_PORT: 'x', OTEL_TRACES_SAMPLER_ARG: '2' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'METRICS_PORT',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'OTEL_TRACES_SAMPLER_ARG',
    ]);
  });
});

describe('startTelemetry', () => {
  it('without an endpoint, records nothing but still gives spans ids and passes the trace on', async () => {
    const telemetry = startTelemetry({ serviceName: 'quiet', settings: schema.parse({}) });
    expect(telemetry.exporting).toBe('none');
    const headers = await inSpan(telemetry.tracer, 'root', {}, async (span) => {
      expect(span.isRecording()).toBe(false);
      expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(span.spanContext().traceId).not.toBe('0'.repeat(32));
      return traceHeadersOf();
    });
    // Not sampled here: a downstream service that exports does not collect half a trace.
    expect(headers['traceparent']).toMatch(/-00$/);
    await telemetry.shutdown();
  });

  it('without an endpoint, keeps an upstream sampling decision (children of a sampled parent are sampled)', async () => {
    const telemetry = startTelemetry({ serviceName: 'middle', settings: schema.parse({}) });
    const upstream = contextFromHeaders({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    const child = telemetry.tracer.startSpan('handle', {}, upstream);
    expect(child.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(child.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(TraceFlags.SAMPLED);
    child.end();
    await telemetry.shutdown();
  });

  it('with OTEL_SDK_DISABLED, makes no spans of its own: the incoming context passes through unchanged', async () => {
    const telemetry = startTelemetry({ serviceName: 'off', settings: schema.parse({ OTEL_SDK_DISABLED: 'true' }) });
    expect(telemetry.exporting).toBe('disabled');
    const upstream = contextFromHeaders({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    const span = telemetry.tracer.startSpan('handle', {}, upstream);
    expect(span.spanContext().spanId).toBe('b7ad6b7169203331');
    expect(span.isRecording()).toBe(false);
  });

  it('with a test exporter, records every span with the service name and marks failures without their message', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = startTelemetry({ serviceName: 'recorded', exporter });
    await expect(
      inSpan(telemetry.tracer, 'work', {}, async () => {
        throw new TypeError('the ID 110101199003077777 is bad');
      }),
    ).rejects.toThrow(TypeError);
    const [span] = exporter.getFinishedSpans();
    expect(span?.resource.attributes['service.name']).toBe('recorded');
    expect(span?.status).toEqual({ code: 2 });
    expect(span?.attributes['error.type']).toBe('TypeError');
    expect(JSON.stringify(span?.attributes)).not.toContain('110101199003077777');
    await telemetry.shutdown();
  });
});

import { commonDescriptorSet } from '@govern/contracts-common';
import { createServiceMetrics, parseExposition, sampleValue, startTelemetry, traceLoggerOptions } from '@govern/platform-observability';
import { notFound } from '@govern/policy-core';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrpcServer } from './grpc-server';
import { closeServiceClient, createServiceClient } from './service-client';
import { openPolicyOf, PLAINTEXT, TestServiceDefinition, type LogLine } from './test-service.fixture';

/** The kit with telemetry and metrics, as the runtime wires it: spans, metrics and log lines of real calls. */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const start = async () => {
  const exporter = new InMemorySpanExporter();
  const serverTelemetry = startTelemetry({ serviceName: 'test', exporter });
  const callerTelemetry = startTelemetry({ serviceName: 'caller', exporter });
  const serverMetrics = createServiceMetrics({ serviceName: 'test', processMetrics: false });
  const callerMetrics = createServiceMetrics({ serviceName: 'caller', processMetrics: false });
  // The logger's options as platform-core's createLogger sets them (the trace mixin).
  const lines: LogLine[] = [];
  const memory = { lines, logger: pino({ level: 'debug', ...traceLoggerOptions }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) }) };
  const server = createGrpcServer({ serviceName: 'test', logger: memory.logger, descriptorSets: [commonDescriptorSet], telemetry: serverTelemetry, metrics: serverMetrics, transport: PLAINTEXT });
  server.add(TestServiceDefinition, {
    async echo(request) {
      memory.logger.info('inside the handler');
      return request;
    },
    async fail() {
      throw notFound('MERCHANT.NOT_FOUND', 'merchant m-1 does not exist', { merchant_id: 'm-1' });
    },
  }, openPolicyOf(TestServiceDefinition));
  const port = await server.listen('127.0.0.1:0');
  const client = createServiceClient(TestServiceDefinition, `127.0.0.1:${port}`, { defaultDeadlineMs: 5_000, telemetry: callerTelemetry, metrics: callerMetrics });
  cleanups.push(() => server.shutdown(), () => closeServiceClient(client));
  return { exporter, client, lines: memory.lines, serverMetrics, callerMetrics };
};

describe('a call through the kit with telemetry and metrics', () => {
  it('is one CLIENT and one SERVER span of one trace, and the server lines inside it carry trace_id and span_id', async () => {
    const { exporter, client, lines } = await start();
    await client.echo({ requestId: 'r-1', servingData: '' });

    const spans = exporter.getFinishedSpans();
    const serverSpan = spans.find((s) => s.kind === SpanKind.SERVER);
    const clientSpan = spans.find((s) => s.kind === SpanKind.CLIENT);
    expect(spans).toHaveLength(2);
    expect(serverSpan?.name).toBe('govern.test.v1.TestService/Echo');
    expect(serverSpan?.spanContext().traceId).toBe(clientSpan?.spanContext().traceId);
    expect(serverSpan?.parentSpanContext?.spanId).toBe(clientSpan?.spanContext().spanId);
    expect(serverSpan?.attributes['rpc.grpc.status_code']).toBe(0);

    const ids = { trace_id: serverSpan?.spanContext().traceId, span_id: serverSpan?.spanContext().spanId };
    expect(lines.find((l) => l.msg === 'inside the handler')).toMatchObject(ids);
    expect(lines.find((l) => l.msg === 'rpc finished')).toMatchObject(ids);
  });

  it('ends the server span with the mapped code and reason, and counts that code on both sides', async () => {
    const { exporter, client, serverMetrics, callerMetrics } = await start();
    await expect(client.fail({ reason: 'NOT_FOUND', domain: '', metadata: {} })).rejects.toMatchObject({ code: 5 });

    const serverSpan = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(serverSpan?.attributes['rpc.grpc.status_code']).toBe(5);
    expect(serverSpan?.attributes['govern.error.reason']).toBe('MERCHANT.NOT_FOUND');

    const labels = { grpc_service: 'govern.test.v1.TestService', grpc_method: 'Fail', grpc_code: 'NOT_FOUND' };
    expect(sampleValue(parseExposition(await serverMetrics.text()), 'grpc_server_handled_total', labels)).toBe(1);
    expect(sampleValue(parseExposition(await callerMetrics.text()), 'grpc_client_handled_total', labels)).toBe(1);
  });
});

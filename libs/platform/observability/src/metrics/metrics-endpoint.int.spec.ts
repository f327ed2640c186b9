import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { createChannel, createClient, createServer, ServerError, Status, type Channel, type Server } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverMetricsMiddleware, serverTracingMiddleware } from '../grpc/grpc-server-observation';
import { startTelemetry } from '../telemetry/telemetry';
import { LedgerDefinition, type Note } from '../testing/json-service.fixture';
import { parseExposition, samplesOf, sampleValue } from './exposition-parser';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { summarizeMetrics } from './metrics-summary';
import { createServiceMetrics } from './service-metrics';

/**
 * A service's /metrics as Prometheus sees it: a real gRPC server with the tracing and metric
 * middlewares, the endpoint over HTTP, each scrape parsed by parse-prometheus-text-format
 * (the npm parser: it must accept the text and agree on counters and gauges) and by the
 * lib's own strict reader (which keeps labelled histograms apart).
 */
const metrics = createServiceMetrics({ serviceName: 'ledger' });
const telemetry = startTelemetry({ serviceName: 'ledger' });
let outboxReads = 0;
let backlog = 4;
metrics.observeOutbox(async () => {
  outboxReads++;
  return { backlog, oldestAgeSeconds: backlog > 0 ? 12.5 : 0 };
});
metrics.observeConsumers(async () => [{ consumer: 'ledger_orders', stream: 'GOVERN_ORDERS', pending: 2, lag: 3, up: true, deadLetters: 1 }]);

let server: Server;
let channel: Channel;
let endpoint: MetricsServer;

beforeAll(async () => {
  server = createServer().use(serverTracingMiddleware(telemetry)).use(serverMetricsMiddleware(metrics));
  server.add(LedgerDefinition, {
    async record(request: Note): Promise<Note> {
      return request;
    },
    async fail(request: Note): Promise<Note> {
      throw new ServerError(request.text === 'missing' ? Status.NOT_FOUND : Status.INTERNAL, 'no');
    },
    async *ticks() {
      yield { text: '0' };
    },
  });
  channel = createChannel(`127.0.0.1:${await server.listen('127.0.0.1:0')}`);
  endpoint = await startMetricsServer({ metrics, host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  channel.close();
  await server.shutdown();
  await endpoint.close();
  await telemetry.shutdown();
});

const scrape = async (): Promise<string> => {
  const response = await fetch(endpoint.url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
};

describe('GET /metrics', () => {
  it('shows calls by method and code, latency histograms, and what the sources report, moving as calls flow', async () => {
    const client = createClient(LedgerDefinition, channel);
    expect(outboxReads).toBe(0);
    const before = parseExposition(await scrape());
    expect(outboxReads).toBe(1);
    expect(samplesOf(before, 'grpc_server_handled_total', { grpc_method: 'Record' })).toEqual([]);

    for (let i = 0; i < 3; i++) await client.record({ text: `n${i}` });
    await expect(client.fail({ text: 'missing' })).rejects.toMatchObject({ code: Status.NOT_FOUND });
    await expect(client.fail({ text: 'boom' })).rejects.toMatchObject({ code: Status.INTERNAL });
    backlog = 0;

    const text = await scrape();
    expect(outboxReads).toBe(2);
    const after = parseExposition(text);
    const ok = { grpc_service: 'govern.test.v1.Ledger', grpc_method: 'Record', grpc_code: 'OK', grpc_type: 'unary', service: 'ledger' };
    expect(sampleValue(after, 'grpc_server_handled_total', ok)).toBe(3);
    expect(sampleValue(after, 'grpc_server_handled_total', { grpc_method: 'Fail', grpc_code: 'NOT_FOUND' })).toBe(1);
    expect(sampleValue(after, 'grpc_server_handled_total', { grpc_method: 'Fail', grpc_code: 'INTERNAL' })).toBe(1);
    expect(sampleValue(after, 'grpc_server_handling_seconds_count', ok)).toBe(3);
    expect(sampleValue(after, 'grpc_server_handling_seconds_bucket', { ...ok, le: '+Inf' })).toBe(3);
    expect(sampleValue(after, 'grpc_server_handling_seconds_count', { grpc_method: 'Fail', grpc_code: 'INTERNAL' })).toBe(1);
    expect(sampleValue(after, 'govern_outbox_backlog')).toBe(0);
    expect(sampleValue(after, 'govern_consumer_lag_messages', { consumer: 'ledger_orders', stream: 'GOVERN_ORDERS' })).toBe(3);
    // prom-client's process metrics come along.
    expect(after.has('process_cpu_seconds_total')).toBe(true);
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);

    // The npm parser reads the same text and agrees where it can (it folds labelled histograms).
    const npm = new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));
    const npmOk = npm.get('grpc_server_handled_total')?.metrics.find((m) => m.labels?.['grpc_method'] === 'Record');
    expect(npmOk?.value).toBe('3');
    expect(npm.get('govern_consumer_pending_messages')?.metrics[0]).toMatchObject({ value: '2', labels: { consumer: 'ledger_orders' } });
    expect(npm.get('grpc_server_handling_seconds')?.type).toBe('HISTOGRAM');

    expect(summarizeMetrics(text)).toEqual({
      consumers: [{ consumer: 'ledger_orders', stream: 'GOVERN_ORDERS', up: true, pending: 2, lag: 3, deadLetters: 1 }],
      outbox: { backlog: 0, oldestAgeSeconds: 0 },
      rpc: { calls: 5, serverErrors: 1 },
      jobs: { due: 0, overdue: 0 },
    });
  });

  it('answers only GET and HEAD on /metrics', async () => {
    expect((await fetch(endpoint.url.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(endpoint.url, { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await fetch(endpoint.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

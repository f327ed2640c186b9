/**
 * Test-only entry point (not exported): a process that serves one gRPC call through the
 * tracing and metric middlewares, exports its spans with OTLP to the endpoint given as the
 * first argument, scrapes its own /metrics and prints one JSON line. The runtime test runs it
 * under `node --import tsx` (as services run in development) and bundled by esbuild (as they
 * are deployed), to show the OpenTelemetry SDK and prom-client work the same in both.
 */
import { createChannel, createClientFactory, createServer } from 'nice-grpc';
import { z } from 'zod';
import { serverMetricsMiddleware, serverTracingMiddleware } from '../grpc/grpc-server-observation';
import { clientTracingMiddleware } from '../grpc/grpc-tracing';
import { parseExposition, sampleValue } from '../metrics/exposition-parser';
import { startMetricsServer } from '../metrics/metrics-server';
import { createServiceMetrics } from '../metrics/service-metrics';
import { telemetrySettings } from '../telemetry/settings';
import { startTelemetry } from '../telemetry/telemetry';
import { LedgerDefinition, echoLedger } from './json-service.fixture';

const [endpoint = ''] = process.argv.slice(2);
const telemetry = startTelemetry({ serviceName: 'runtime-probe', settings: z.object(telemetrySettings).parse({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }) });
const metrics = createServiceMetrics({ serviceName: 'runtime-probe' });
const server = createServer().use(serverTracingMiddleware(telemetry)).use(serverMetricsMiddleware(metrics));
server.add(LedgerDefinition, echoLedger);
const channel = createChannel(`127.0.0.1:${await server.listen('127.0.0.1:0')}`);
const client = createClientFactory().use(clientTracingMiddleware(telemetry)).create(LedgerDefinition, channel);
const reply = await client.record({ text: 'probe' });
const endpointServer = await startMetricsServer({ metrics, host: '127.0.0.1', port: 0 });
const scraped = parseExposition(await (await fetch(endpointServer.url)).text());
channel.close();
await server.shutdown();
await endpointServer.close();
await telemetry.shutdown();
console.log(JSON.stringify({ reply: reply.text, exporting: telemetry.exporting, handled: sampleValue(scraped, 'grpc_server_handled_total', { grpc_method: 'Record', grpc_code: 'OK' }) }));

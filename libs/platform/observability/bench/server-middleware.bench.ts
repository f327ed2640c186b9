/**
 * Per-call cost of the server middlewares (`npx tsx libs/platform/observability/bench/server-middleware.bench.ts`).
 * 1. In process, no network: the middleware chain around a handler that returns at once, so
 *    the difference to "no middleware" is the middlewares' own cost per call. It counts CPU
 *    time (process.cpuUsage), not wall time: on a shared machine, time spent waiting for a core
 *    is not the middleware's. Configurations are interleaved over rounds; the best round counts.
 * 2. Over gRPC on 127.0.0.1: unary calls with and without the middlewares.
 * Prints figures; asserts nothing.
 */
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { composeServerMiddleware, Metadata, type CallContext, type ServerMiddleware } from 'nice-grpc-common';
import { createChannel, createClient, createServer } from 'nice-grpc';
import { createServiceMetrics, serverMetricsMiddleware, serverTracingMiddleware, startTelemetry, traceLogMixin } from '../src/index';
import { LedgerDefinition, type Note, echoLedger } from '../src/testing/json-service.fixture';

/** Production batches spans to OTLP; here the batch goes nowhere, so only the SDK's own work is timed. */
let exported = 0;
const discard: SpanExporter = {
  export(spans: ReadableSpan[], done) {
    exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  },
  shutdown: async () => undefined,
};
const quiet = startTelemetry({ serviceName: 'bench-quiet' });
const recording = startTelemetry({ serviceName: 'bench-recording', exporter: discard, batchExporter: true });
const metrics = createServiceMetrics({ serviceName: 'bench', processMetrics: false });

const method = { path: '/govern.test.v1.Ledger/Record', requestStream: false, responseStream: false, options: {} } as const;
// eslint-disable-next-line require-yield -- what nice-grpc makes of a unary handler: a generator that only returns
const handler = async function* (): AsyncGenerator<never, Note, undefined> {
  return { text: 'ok' };
};
const contextWith = (traceparent?: string): CallContext => {
  const metadata = Metadata();
  if (traceparent) metadata.set('traceparent', traceparent);
  return { metadata, peer: '127.0.0.1:50000', header: Metadata(), trailer: Metadata(), signal: new AbortController().signal } as CallContext;
};
const drain = async (middleware: ServerMiddleware | undefined, context: CallContext): Promise<void> => {
  const call = { method, requestStream: false as const, request: { text: 'x' }, responseStream: false as const, next: handler };
  const generator = middleware ? middleware(call as never, context) : handler();
  for (;;) if ((await generator.next()).done) return;
};

/** What any nice-grpc middleware layer costs by itself (the kit already chains four). */
const passThrough: ServerMiddleware = async function* passThrough(call, context) {
  return yield* call.next(call.request, context);
};

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const configs: { name: string; middleware?: ServerMiddleware; traceparent?: string }[] = [
  { name: 'no middleware' },
  { name: 'an empty pass-through middleware', middleware: passThrough },
  { name: 'tracing, not exporting', middleware: serverTracingMiddleware(quiet) },
  { name: 'tracing, not exporting, sampled traceparent in', middleware: serverTracingMiddleware(quiet), traceparent: PARENT },
  { name: 'tracing, exporting (batched)', middleware: serverTracingMiddleware(recording) },
  { name: 'metrics (counter + histogram)', middleware: serverMetricsMiddleware(metrics) },
  { name: 'tracing (not exporting) + metrics', middleware: composeServerMiddleware(serverTracingMiddleware(quiet), serverMetricsMiddleware(metrics)) },
  { name: 'tracing (exporting) + metrics', middleware: composeServerMiddleware(serverTracingMiddleware(recording), serverMetricsMiddleware(metrics)) },
];

const ROUNDS = 7;
const CALLS = 20_000;
const best = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  for (const config of configs) {
    const context = contextWith(config.traceparent);
    const started = process.cpuUsage();
    for (let i = 0; i < CALLS; i++) await drain(config.middleware, context);
    const used = process.cpuUsage(started);
    const ns = ((used.user + used.system) * 1_000) / CALLS;
    best.set(config.name, Math.min(best.get(config.name) ?? Infinity, ns));
  }
}
const base = best.get('no middleware') ?? 0;
console.log(`1. middleware chain around an empty handler, in process: CPU time per call (best of ${ROUNDS} rounds x ${CALLS} calls)`);
for (const config of configs) {
  const ns = best.get(config.name) ?? 0;
  console.log(`  ${config.name.padEnd(48)} ${(ns / 1_000).toFixed(2).padStart(7)} µs/call   overhead ${((ns - base) / 1_000).toFixed(2).padStart(6)} µs`);
}
{
  const n = 1_000_000;
  const started = process.cpuUsage();
  for (let i = 0; i < n; i++) traceLogMixin();
  const used = process.cpuUsage(started);
  console.log(`  trace log mixin (per log line, outside a span): ${(((used.user + used.system) * 1_000) / n).toFixed(0)} ns`);
}

console.log('2. unary calls over gRPC on 127.0.0.1 (3 rounds x 2 000 sequential calls per configuration, interleaved)');
const servers = await Promise.all(
  [
    ['no middleware', []],
    ['tracing (not exporting) + metrics', [serverTracingMiddleware(quiet), serverMetricsMiddleware(metrics)]],
    ['tracing (exporting) + metrics', [serverTracingMiddleware(recording), serverMetricsMiddleware(metrics)]],
  ].map(async ([name, middlewares]) => {
    let server = createServer();
    for (const m of middlewares as ServerMiddleware[]) server = server.use(m);
    server.add(LedgerDefinition, echoLedger);
    const channel = createChannel(`127.0.0.1:${await server.listen('127.0.0.1:0')}`);
    return { name: name as string, server, channel, client: createClient(LedgerDefinition, channel), times: [] as number[] };
  }),
);
for (const s of servers) for (let i = 0; i < 300; i++) await s.client.record({ text: 'warm' });
for (let round = 0; round < 3; round++) {
  for (const s of servers) {
    for (let i = 0; i < 2_000; i++) {
      const started = performance.now();
      await s.client.record({ text: 'x' });
      s.times.push(performance.now() - started);
    }
  }
}
for (const s of servers) {
  s.times.sort((a, b) => a - b);
  const at = (q: number): string => `${((s.times[Math.floor(q * (s.times.length - 1))] ?? 0) * 1_000).toFixed(0)} µs`;
  console.log(`  ${s.name.padEnd(40)} p50 ${at(0.5).padStart(8)}  p90 ${at(0.9).padStart(8)}`);
  s.channel.close();
  await s.server.shutdown();
}
await Promise.all([quiet.shutdown(), recording.shutdown()]);
console.log(`(spans handed to the discarding exporter: ${exported}; load average now ${(await import('node:os')).loadavg()[0]?.toFixed(1)} on ${(await import('node:os')).cpus().length} cores)`);

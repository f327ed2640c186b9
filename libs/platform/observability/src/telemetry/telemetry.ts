import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import {
  context,
  diag,
  DiagLogLevel,
  ProxyTracerProvider,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import { ATTR } from '../semconv';
import { describeEndpoint, parseKeyValueList, tracesEndpointOf, type TelemetrySettings } from './settings';

/**
 * Tracing of one Govern service. Spans are made explicitly by the gRPC middlewares and the
 * event/job helpers of this lib through `telemetry.tracer` — not by OpenTelemetry's
 * monkey-patching instrumentation of @grpc/grpc-js: that needs the module hooked before it is
 * first imported, which under ESM takes a loader hook (`--import` of a register script) and
 * breaks silently once esbuild bundles grpc-js into dist/apps/<service>/main.js. Middlewares
 * work the same under tsx, in the bundle and in tests, and know what the patch cannot (the
 * mapped status, the method as the service names it).
 *
 * Each service gets its own TracerProvider (own `service.name`), so the dev platform can run
 * the four in one process; only the context manager (AsyncLocalStorage) is process-global.
 */
export type TelemetryExport = 'otlp' | 'memory' | 'none' | 'disabled';

export interface TelemetryOptions {
  /** `service.name` of the spans (OTEL_SERVICE_NAME overrides it). */
  serviceName: string;
  serviceVersion?: string;
  /** Parsed `telemetrySettings`; without them nothing is exported. */
  settings?: Partial<TelemetrySettings>;
  /** Tests: every ended span goes (synchronously) to this exporter, whatever the settings say. */
  exporter?: SpanExporter;
  /** Batch spans for `exporter` as the OTLP path does, instead of exporting each at once (benchmarks). */
  batchExporter?: boolean;
  /** Says once where spans go; OTel's own export errors are reported here (rate-limited). */
  log?: Logger;
}

export interface Telemetry {
  readonly serviceName: string;
  readonly tracer: Tracer;
  readonly exporting: TelemetryExport;
  /** Exports every ended span now (tests call it before asserting on an OTLP collector). */
  forceFlush(): Promise<void>;
  /** Flushes and stops exporting; idempotent. Run it after the gRPC drain, before exit. */
  shutdown(): Promise<void>;
}

export const TRACER_NAME = '@govern/platform-observability';

let contextManagerInstalled = false;

/** AsyncLocalStorage context for `context.with`/`context.active()`; once per process. */
export const installContextManager = (): void => {
  if (contextManagerInstalled) return;
  contextManagerInstalled = true;
  // False when something else (a test harness, an APM agent) registered one first: keep theirs.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
};

const samplerOf = (settings: Partial<TelemetrySettings>, exporting: boolean): Sampler => {
  // Not exporting: make ids (logs carry them, downstream services continue the trace) but
  // record nothing of our own; a sampled parent still yields sampled children, so a service
  // in the middle does not cut an upstream trace that is being collected.
  if (!exporting) return new ParentBasedSampler({ root: new AlwaysOffSampler() });
  const ratio = settings.OTEL_TRACES_SAMPLER_ARG ?? 1;
  switch (settings.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on') {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
};

let diagInstalled = false;

/** OTel reports export failures through `diag`; one line per distinct message per minute. */
const installDiagLogger = (log: Logger): void => {
  if (diagInstalled) return;
  diagInstalled = true;
  const lastSeen = new Map<string, number>();
  const report = (level: 'warn' | 'error') => (message: string, ...args: unknown[]) => {
    const now = Date.now();
    if ((lastSeen.get(message) ?? -Infinity) > now - 60_000) return;
    lastSeen.set(message, now);
    const detail = args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : String(arg))).join(' ');
    log[level]({ component: 'opentelemetry', detail: detail.slice(0, 500) }, message.slice(0, 200));
  };
  const ignore = (): void => undefined;
  diag.setLogger({ error: report('error'), warn: report('warn'), info: ignore, debug: ignore, verbose: ignore }, DiagLogLevel.WARN);
};

/**
 * Starts tracing for a service: OTLP over http/protobuf when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT
 * is set, to `options.exporter` in tests, and otherwise nothing is exported (spans still get
 * ids, cheaply, so logs name the trace and `traceparent` flows on). OTEL_SDK_DISABLED=true
 * makes every span a no-op.
 */
export const startTelemetry = (options: TelemetryOptions): Telemetry => {
  const settings = options.settings ?? {};
  const serviceName = settings.OTEL_SERVICE_NAME ?? options.serviceName;
  installContextManager();
  if (options.log) installDiagLogger(options.log);

  if (settings.OTEL_SDK_DISABLED && !options.exporter) {
    options.log?.info({ service: serviceName }, 'tracing disabled (OTEL_SDK_DISABLED)');
    return {
      serviceName,
      // No provider behind the proxy: the API's no-op tracer (spans carry their parent's context).
      tracer: new ProxyTracerProvider().getTracer(TRACER_NAME),
      exporting: 'disabled',
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
  }

  const endpoint = tracesEndpointOf(settings);
  const processors: SpanProcessor[] = [];
  let exporting: TelemetryExport = 'none';
  if (options.exporter) {
    processors.push(options.batchExporter ? new BatchSpanProcessor({ exporter: options.exporter }) : new SimpleSpanProcessor({ exporter: options.exporter }));
    exporting = 'memory';
  } else if (endpoint) {
    const headers = { ...parseKeyValueList(settings.OTEL_EXPORTER_OTLP_HEADERS), ...parseKeyValueList(settings.OTEL_EXPORTER_OTLP_TRACES_HEADERS) };
    processors.push(
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: endpoint, headers }),
        // @opentelemetry/sdk-trace reads no environment: the OTEL_BSP_* settings are passed in.
        ...(settings.OTEL_BSP_SCHEDULE_DELAY ? { scheduledDelayMillis: settings.OTEL_BSP_SCHEDULE_DELAY } : {}),
        ...(settings.OTEL_BSP_EXPORT_TIMEOUT ? { exportTimeoutMillis: settings.OTEL_BSP_EXPORT_TIMEOUT } : {}),
        ...(settings.OTEL_BSP_MAX_QUEUE_SIZE ? { maxQueueSize: settings.OTEL_BSP_MAX_QUEUE_SIZE } : {}),
        ...(settings.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ? { maxExportBatchSize: settings.OTEL_BSP_MAX_EXPORT_BATCH_SIZE } : {}),
      }),
    );
    exporting = 'otlp';
  }

  const resource = defaultResource().merge(
    resourceFromAttributes({
      'service.namespace': 'govern',
      'service.instance.id': randomUUID(),
      'host.name': hostname(),
      'process.pid': process.pid,
      ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}),
      ...parseKeyValueList(settings.OTEL_RESOURCE_ATTRIBUTES),
      'service.name': serviceName,
    }),
  );
  const provider = new TracerProvider({ resource, sampler: samplerOf(settings, exporting !== 'none'), spanProcessors: processors });
  if (exporting === 'otlp' && endpoint) options.log?.info({ service: serviceName, endpoint: describeEndpoint(endpoint) }, 'tracing: exporting spans with OTLP');
  else if (exporting === 'none') options.log?.debug({ service: serviceName }, 'tracing: no OTLP endpoint set; spans are not exported');

  let stopping: Promise<void> | undefined;
  return {
    serviceName,
    tracer: provider.getTracer(TRACER_NAME),
    exporting,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => (stopping ??= provider.shutdown()),
  };
};

/**
 * Runs `fn` in a new span made current (its context is what log lines, outgoing calls and
 * stored trace contexts see); the span ends when `fn` settles, with ERROR status and the
 * error's type (never its message: messages may carry input) if it throws.
 */
export const inSpan = async <T>(tracer: Tracer, name: string, options: SpanOptions & { parent?: Context }, fn: (span: Span) => Promise<T>): Promise<T> => {
  const { parent: given, ...spanOptions } = options;
  const parent = given ?? context.active();
  const span = tracer.startSpan(name, spanOptions, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    markSpanFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
};

/** ERROR status with the error's type as `error.type`; no message, no stack (they may hold input). */
export const markSpanFailed = (span: Span, error: unknown, attributes: Attributes = {}): void => {
  const type = error instanceof Error ? error.name : typeof error;
  span.setAttributes({ [ATTR.ERROR_TYPE]: type.slice(0, 100), ...attributes });
  span.setStatus({ code: SpanStatusCode.ERROR });
};

export { telemetrySettings, tracesEndpointOf, describeEndpoint, type TelemetrySettings } from './telemetry/settings';
export { startTelemetry, inSpan, markSpanFailed, installContextManager, TRACER_NAME, type Telemetry, type TelemetryExport, type TelemetryOptions } from './telemetry/telemetry';
export { ATTR } from './semconv';
export {
  CASCADE_STARTED_AT_HEADER,
  cascadeStartedAt,
  contextFromHeaders,
  contextFromStored,
  natsHeadersFrom,
  parseCascadeStart,
  parseStoredTraceContext,
  traceContextForJob,
  traceContextForOutbox,
  traceHeadersOf,
} from './tracing/trace-context';
export { withConsumerSpan, withJobSpan, type ClaimedJob, type ConsumedMessage, type JobSpanOptions } from './tracing/event-spans';
export { grpcMethodOf, grpcStatusOf, withContextGenerator, type GrpcMethodName, type GrpcType } from './grpc/grpc-call';
export { annotateCaller, clientTracingMiddleware, type ClientTracingOptions } from './grpc/grpc-tracing';
export { clientMetricsMiddleware } from './grpc/grpc-metrics';
export { serverMetricsMiddleware, serverObservationMiddleware, serverTracingMiddleware, type ServerObservationOptions } from './grpc/grpc-server-observation';
export { METRICS, exposedSeriesNames, type MetricKey, type MetricSpec, type MetricType } from './metrics/catalogue';
export {
  createServiceMetrics,
  type ConsumerOutcome,
  type ConsumerSnapshot,
  type JobKindSnapshot,
  type JobOutcome,
  type OutboxSnapshot,
  type PoolLike,
  type RpcObservation,
  type ServiceMetrics,
  type ServiceMetricsOptions,
} from './metrics/service-metrics';
export { DEFAULT_METRICS_BASE_PORT, startMetricsServer, type MetricsServer } from './metrics/metrics-server';
export { listenHttp } from './http/listen';
export { jobsSnapshotFrom, outboxSnapshotFrom, OUTBOX_BACKLOG_COUNT_LIMIT, type Queryable } from './metrics/platform-table-snapshots';
export { summarizeMetrics, type ConsumerHealth, type MetricsHealthSummary } from './metrics/metrics-summary';
export { ExpositionError, parseExposition, samplesOf, sampleValue, type ExpositionFamily, type ExpositionSample, type ExpositionType } from './metrics/exposition-parser';
export { logRedaction, SENSITIVE_LOG_KEYS, traceLogMixin, traceLoggerOptions } from './logs/log-correlation';
export { findSensitiveData, formatFindings, isCreditCode, isResidentId, type ScanOptions, type SensitiveFinding, type SensitiveKind } from './logs/sensitive-scanner';
export { collectedSpanOf, decodeExportTraceRequest, startOtlpCollectorStub, type CollectedSpan, type OtlpCollectorStub } from './testing/otlp-collector-stub';

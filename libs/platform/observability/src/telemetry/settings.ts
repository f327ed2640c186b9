import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { z } from 'zod';

/**
 * The standard OpenTelemetry settings (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/)
 * a Govern service honours, plus its Prometheus endpoint. Spread into an app's zod schema
 * (`serviceSettings(port).extend(telemetrySettings)`), so a bad value stops the service with
 * exit code 2 naming the setting, and nothing else reads the environment.
 */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const keyValueList = z
  .string()
  .optional()
  .refine((value) => value === undefined || value.split(',').every((pair) => pair.trim() === '' || /^[^=]+=.*$/.test(pair)), 'must be key=value pairs separated by commas');

export const telemetrySettings = {
  /** `true` turns tracing off entirely (no ids in logs, no propagation); metrics stay. */
  OTEL_SDK_DISABLED: flag(false),
  /** Overrides the service name in exported spans (default: the service's own name). */
  OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
  /** Extra resource attributes, `key=value,key2=value2` (e.g. `deployment.environment.name=staging`). */
  OTEL_RESOURCE_ATTRIBUTES: keyValueList,
  /** Collector base URL: spans go to `<endpoint>/v1/traces`. Unset (and no traces endpoint): nothing is exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  /** Full URL for spans, used as given (wins over OTEL_EXPORTER_OTLP_ENDPOINT). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  /** Headers sent to the collector (`authorization=Bearer%20…`); a secret, never logged. */
  OTEL_EXPORTER_OTLP_HEADERS: keyValueList,
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: keyValueList,
  /** Only `http/protobuf` is built in (grpc would pull a second gRPC stack into every service). */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.literal('http/protobuf', { error: 'only http/protobuf is supported' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.literal('http/protobuf', { error: 'only http/protobuf is supported' }).optional(),
  /** `otlp` (default when an endpoint is set) or `none`. */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none']).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'])
    .default('parentbased_always_on'),
  /** Ratio for the `*traceidratio` samplers, 0..1 (default 1). */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  /** Batching of exported spans (the SDK's defaults: 5 s, 30 s, 2048, 512). Tests shorten the delay. */
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).optional(),
  OTEL_BSP_EXPORT_TIMEOUT: z.coerce.number().int().min(1).optional(),
  OTEL_BSP_MAX_QUEUE_SIZE: z.coerce.number().int().min(1).optional(),
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: z.coerce.number().int().min(1).optional(),
  /**
   * Port of the Prometheus endpoint (`GET /metrics`). Unset: no endpoint (tests); `0` picks a
   * free port (printed at start). Deployments set one (9464 is the conventional exporter port).
   */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** Interface of the metrics endpoint; `0.0.0.0` in a container so Prometheus can reach it. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
};

export type TelemetrySettings = z.infer<z.ZodObject<typeof telemetrySettings>>;

/** `k=v,k2=v2` with percent-encoded values (the OTel format) as a record. */
export const parseKeyValueList = (value: string | undefined): Record<string, string> =>
  value ? parseKeyPairsIntoRecord(value) : {};

/** Where spans go, or undefined when nothing is exported. */
export const tracesEndpointOf = (settings: Partial<TelemetrySettings>): string | undefined => {
  if (settings.OTEL_SDK_DISABLED || settings.OTEL_TRACES_EXPORTER === 'none') return undefined;
  if (settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return settings.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (settings.OTEL_EXPORTER_OTLP_ENDPOINT) return `${settings.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
};

/** An endpoint fit for a log line: no credentials, no query string. */
export const describeEndpoint = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
};

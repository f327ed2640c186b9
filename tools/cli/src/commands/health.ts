import { HealthCheckResponse_ServingStatus, HealthDefinition, SERVICE_NAMES } from '@govern/contracts-common';
import { closeServiceClient, createServiceClient, describeServerViaReflection } from '@govern/platform-grpc';
import type { ClientTransport } from '@govern/platform-auth';
import type { PlatformAddresses } from '@govern/platform-clients';
import { DEFAULT_METRICS_BASE_PORT, summarizeMetrics, type MetricsHealthSummary } from '@govern/platform-observability';
import { UsageError } from '../usage-error';

/** grpcurl-style check of every service: health status and the methods reflection lists (both open: no token). */
export const checkPlatformHealth = async (addresses: PlatformAddresses, transport: ClientTransport = { mode: 'plaintext' }): Promise<{ service: string; address: string; status: string; methods: number }[]> =>
  Promise.all(
    Object.entries(addresses).map(async ([service, address]) => {
      const health = createServiceClient(HealthDefinition, address, { defaultDeadlineMs: 3_000, transport });
      try {
        const { status } = await health.check({ service: '' });
        const services = await describeServerViaReflection(address, transport);
        const methods = services.filter((s) => s.name.startsWith('govern.')).reduce((sum, s) => sum + s.methods.length, 0);
        return { service, address, status: HealthCheckResponse_ServingStatus[status] ?? String(status), methods };
      } catch (error) {
        return { service, address, status: `UNREACHABLE (${(error as Error).message})`, methods: 0 };
      } finally {
        closeServiceClient(health);
      }
    }),
  );

/** Where `npm start` serves each service's metrics: DEFAULT_METRICS_BASE_PORT + its registry index. */
export const DEFAULT_METRICS_ADDRESSES: Readonly<Record<string, string>> = Object.fromEntries(
  SERVICE_NAMES.map((name, index) => [name, `127.0.0.1:${DEFAULT_METRICS_BASE_PORT + index}`]),
);

/** `--metrics content=host:port,product-quality=host:port`: overrides the defaults per service; `off` skips metrics. */
export const parseMetricsOption = (value: string | undefined): Record<string, string> | undefined => {
  if (value === 'off') return undefined;
  const endpoints: Record<string, string> = { ...DEFAULT_METRICS_ADDRESSES };
  for (const pair of (value ?? '').split(',').filter((p) => p.trim() !== '')) {
    const match = /^\s*([a-z][a-z-]*)=([^\s=,]+:\d{1,5})\s*$/.exec(pair);
    if (!match?.[1] || !match[2]) throw new UsageError(`--metrics: expected service=host:port pairs separated by commas, got "${pair.slice(0, 80)}"`);
    if (!(SERVICE_NAMES as readonly string[]).includes(match[1])) throw new UsageError(`--metrics: unknown service "${match[1]}" (services: ${SERVICE_NAMES.join(', ')})`);
    endpoints[match[1]] = match[2];
  }
  return endpoints;
};

export type MetricsHealth = { service: string; endpoint: string } & ({ summary: MetricsHealthSummary } | { unreachable: string });

/** Each service's consumers, lag, dead letters, outbox age, calls and jobs, from its Prometheus endpoint (3 s per scrape). */
export const checkPlatformMetrics = async (endpoints: Record<string, string>, timeoutMs = 3_000): Promise<MetricsHealth[]> =>
  Promise.all(
    Object.entries(endpoints).map(async ([service, endpoint]): Promise<MetricsHealth> => {
      try {
        const response = await fetch(`http://${endpoint}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) return { service, endpoint, unreachable: `HTTP ${response.status}` };
        return { service, endpoint, summary: summarizeMetrics(await response.text()) };
      } catch (error) {
        // fetch says "fetch failed"; what happened is in its cause (ECONNREFUSED, a timeout, a bad port).
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        return { service, endpoint, unreachable: cause?.code ?? cause?.message ?? (error as Error).name };
      }
    }),
  );

const count = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '?' : String(value));

const age = (seconds: number): string => (seconds < 120 ? `${seconds.toFixed(1)} s` : seconds < 7_200 ? `${(seconds / 60).toFixed(1)} min` : `${(seconds / 3_600).toFixed(1)} h`);

/** The lines `govern health` prints per service under its health line. */
export const renderMetricsHealth = (health: MetricsHealth): string[] => {
  if ('unreachable' in health) return [`  metrics: unreachable at http://${health.endpoint}/metrics (${health.unreachable})`];
  const { summary } = health;
  const lines = [
    `  outbox: ${summary.outbox ? `${summary.outbox.backlog} waiting, oldest ${age(summary.outbox.oldestAgeSeconds)}` : 'unreadable'}` +
      `   calls: ${summary.rpc.calls} (${summary.rpc.serverErrors} server errors)   jobs: ${summary.jobs.due} due, ${summary.jobs.overdue} overdue`,
  ];
  for (const c of summary.consumers) {
    lines.push(`  consumer ${c.consumer.padEnd(40)} ${c.up ? 'up  ' : 'DOWN'}  pending ${count(c.pending)}  lag ${count(c.lag)}  dead letters ${count(c.deadLetters)}`);
  }
  if (summary.consumers.length === 0) lines.push('  consumers: none');
  return lines;
};

/** A service whose metrics say something is wrong: a consumer down or a dead letter waiting. */
export const metricsTrouble = (health: MetricsHealth): boolean =>
  'summary' in health && health.summary.consumers.some((c) => !c.up || (c.deadLetters ?? 0) > 0);

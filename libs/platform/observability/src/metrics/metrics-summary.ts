// The package ships no types. A reference (not an import) brings its declaration into every
// program that compiles this file, including projects that import this lib through its index.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./parse-prometheus-text-format.d.ts" />
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import { METRICS } from './catalogue';

/** A scrape parsed into families by name (the Prometheus text format, via parse-prometheus-text-format). */
export const parseMetricsText = (text: string): Map<string, ParsedFamily> => new Map(parsePrometheusTextFormat(text).map((family) => [family.name, family]));

/** The value of one sample whose labels include `labels` (undefined when absent). */
export const sampleValue = (families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number | undefined => {
  const sample = families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample?.value === undefined ? undefined : Number(sample.value);
};

export interface ConsumerHealth {
  consumer: string;
  stream: string;
  up: boolean;
  pending?: number;
  lag?: number;
  deadLetters?: number;
}

export interface MetricsHealthSummary {
  consumers: ConsumerHealth[];
  outbox?: { backlog: number; oldestAgeSeconds: number };
  /** Calls served and how many ended in a server-side failure (UNKNOWN, INTERNAL, UNAVAILABLE, DEADLINE_EXCEEDED, DATA_LOSS). */
  rpc: { calls: number; serverErrors: number };
  jobs: { due: number; overdue: number };
}

const SERVER_FAILURES = new Set(['UNKNOWN', 'INTERNAL', 'UNAVAILABLE', 'DEADLINE_EXCEEDED', 'DATA_LOSS']);

/** What `govern health` shows of a service from its /metrics: consumers with lag and DLQ, outbox age, calls, jobs. */
export const summarizeMetrics = (text: string): MetricsHealthSummary => {
  const families = parseMetricsText(text);
  const samples = (name: string) => families.get(name)?.metrics ?? [];
  const consumers = new Map<string, ConsumerHealth>();
  const consumerOf = (labels: Record<string, string> | undefined): ConsumerHealth | undefined => {
    if (!labels?.['consumer']) return undefined;
    const key = `${labels['stream']}/${labels['consumer']}`;
    let found = consumers.get(key);
    if (!found) consumers.set(key, (found = { consumer: labels['consumer'], stream: labels['stream'] ?? '', up: false }));
    return found;
  };
  for (const sample of samples(METRICS.consumerUp.name)) {
    const consumer = consumerOf(sample.labels);
    if (consumer) consumer.up = Number(sample.value) === 1;
  }
  const fill = (name: string, set: (consumer: ConsumerHealth, value: number) => void): void => {
    for (const sample of samples(name)) {
      const consumer = consumerOf(sample.labels);
      if (consumer) set(consumer, Number(sample.value));
    }
  };
  fill(METRICS.consumerPending.name, (c, v) => (c.pending = v));
  fill(METRICS.consumerLag.name, (c, v) => (c.lag = v));
  fill(METRICS.deadLetters.name, (c, v) => (c.deadLetters = v));

  const backlog = sampleValue(families, METRICS.outboxBacklog.name);
  const oldest = sampleValue(families, METRICS.outboxOldestAge.name);
  let calls = 0;
  let serverErrors = 0;
  for (const sample of samples(METRICS.grpcServerHandled.name)) {
    const value = Number(sample.value);
    calls += value;
    if (SERVER_FAILURES.has(sample.labels?.['grpc_code'] ?? '')) serverErrors += value;
  }
  const sum = (name: string): number => samples(name).reduce((total, sample) => total + Number(sample.value), 0);
  return {
    consumers: [...consumers.values()].sort((a, b) => a.consumer.localeCompare(b.consumer)),
    ...(backlog !== undefined ? { outbox: { backlog, oldestAgeSeconds: oldest ?? 0 } } : {}),
    rpc: { calls, serverErrors },
    jobs: { due: sum(METRICS.jobsDue.name), overdue: sum(METRICS.jobsOverdue.name) },
  };
};

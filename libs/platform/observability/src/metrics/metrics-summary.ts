import { METRICS } from './catalogue';
import { parseExposition, samplesOf, sampleValue } from './exposition-parser';

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
  const families = parseExposition(text);
  const samples = (name: string) => samplesOf(families, name);
  const consumers = new Map<string, ConsumerHealth>();
  const consumerOf = (labels: Record<string, string>): ConsumerHealth | undefined => {
    if (!labels['consumer']) return undefined;
    const key = `${labels['stream']}/${labels['consumer']}`;
    let found = consumers.get(key);
    if (!found) consumers.set(key, (found = { consumer: labels['consumer'], stream: labels['stream'] ?? '', up: false }));
    return found;
  };
  for (const sample of samples(METRICS.consumerUp.name)) {
    const consumer = consumerOf(sample.labels);
    if (consumer) consumer.up = sample.value === 1;
  }
  const fill = (name: string, set: (consumer: ConsumerHealth, value: number) => void): void => {
    for (const sample of samples(name)) {
      const consumer = consumerOf(sample.labels);
      if (consumer) set(consumer, sample.value);
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
    calls += sample.value;
    if (SERVER_FAILURES.has(sample.labels['grpc_code'] ?? '')) serverErrors += sample.value;
  }
  const sum = (name: string): number => samples(name).reduce((total, sample) => total + sample.value, 0);
  return {
    consumers: [...consumers.values()].sort((a, b) => a.consumer.localeCompare(b.consumer)),
    // NaN: the service could not read its outbox at this scrape.
    ...(backlog !== undefined && !Number.isNaN(backlog) ? { outbox: { backlog, oldestAgeSeconds: oldest ?? 0 } } : {}),
    rpc: { calls, serverErrors },
    jobs: { due: sum(METRICS.jobsDue.name), overdue: sum(METRICS.jobsOverdue.name) },
  };
};

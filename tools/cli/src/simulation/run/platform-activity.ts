/**
 * Whether the platform has work in flight, from each service's Prometheus endpoint (the one
 * `govern health` reads): a settle check that ends as soon as the platform is drained, instead
 * of waiting for its figures to stay unchanged for a quiet window.
 */
import { METRICS, parseExposition, samplesOf, type ExpositionSample } from '@govern/platform-observability';

/** One scrape of every service. */
export interface PlatformActivity {
  /** What is still in flight (an outbox row not yet published, a message not yet acknowledged, a job due), or undefined when nothing is. */
  busy: string | undefined;
  /** Every counter that moves when a piece of work finishes: equal in two scrapes, nothing finished between them. */
  progress: string;
}

export type ReadPlatformActivity = () => Promise<PlatformActivity>;

/**
 * Work in flight is always visible in one of these gauges, at the service that holds it: a
 * committed event is an outbox row until the relay has put it on the bus (and marks it published
 * only after), a message on the bus is pending or unacknowledged at its consumer until the
 * consumer's transaction (with the outbox rows it adds) has committed, and a due job stays due
 * until the transaction that runs it (with its outbox rows) has committed.
 */
const IN_FLIGHT_GAUGES = [METRICS.outboxBacklog.name, METRICS.consumerLag.name, METRICS.consumerPending.name, METRICS.jobsDue.name];

/**
 * The counters that move when those gauges go down: events published, deliveries finished
 * (whatever the outcome), jobs run, and calls between services. The scrapes of one round are
 * not one instant; two rounds with nothing in flight and these counters unchanged at every
 * service mean nothing was in flight between them either (any work then would have had to finish,
 * so move a counter, before the second round saw its service idle).
 */
const PROGRESS_COUNTERS = [METRICS.outboxPublished.name, METRICS.consumerMessages.name, METRICS.jobRuns.name, METRICS.grpcClientHandled.name];

const labelsOf = (sample: ExpositionSample): string =>
  Object.entries(sample.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`)
    .join(',');

/** What one service's exposition says (exported for its test). */
export const activityOf = (service: string, exposition: string): PlatformActivity => {
  const families = parseExposition(exposition);
  let busy: string | undefined;
  for (const name of IN_FLIGHT_GAUGES) {
    const samples = samplesOf(families, name);
    // The outbox gauge is read from the database at each scrape: missing or NaN, it could not be read, so it proves nothing.
    if (name === METRICS.outboxBacklog.name && samples.length === 0) busy ??= `${service}: outbox unreadable`;
    for (const sample of samples) {
      if (sample.value !== 0) busy ??= `${service}: ${name}{${labelsOf(sample)}} ${sample.value}`;
    }
  }
  const progress = PROGRESS_COUNTERS.flatMap((name) => samplesOf(families, name).map((sample) => `${name}{${labelsOf(sample)}} ${sample.value}`))
    .sort()
    .join('\n');
  return { busy, progress: `${service}\n${progress}` };
};

/**
 * Reads every service's /metrics (one scrape each, at once). Throws when one cannot be read:
 * the caller then settles the other way.
 */
export const platformActivityFromMetrics =
  (endpoints: Readonly<Record<string, string>>, timeoutMs = 3_000): ReadPlatformActivity =>
  async () => {
    const services = await Promise.all(
      Object.entries(endpoints).map(async ([service, endpoint]) => {
        const response = await fetch(`http://${endpoint}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`metrics of ${service} at http://${endpoint}/metrics: HTTP ${response.status}`);
        return activityOf(service, await response.text());
      }),
    );
    return { busy: services.find((s) => s.busy !== undefined)?.busy, progress: services.map((s) => s.progress).join('\n') };
  };

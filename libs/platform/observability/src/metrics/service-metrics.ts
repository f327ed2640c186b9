import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { createLabelBound } from './bounded-labels';
import { METRICS, type MetricKey, type MetricSpec } from './catalogue';

/** What the outbox looks like at a scrape (see `outboxSnapshotFrom`). */
export interface OutboxSnapshot {
  backlog: number;
  /** 0 when nothing is waiting. */
  oldestAgeSeconds: number;
}

/** One durable consumer at a scrape, as the bus sees it (JetStream consumer info, or the in-process bus). */
export interface ConsumerSnapshot {
  consumer: string;
  /** Logical stream name. */
  stream: string;
  /** Not yet delivered (JetStream `num_pending`). */
  pending: number;
  /** Not yet acknowledged: pending + delivered and unacked (`num_pending + num_ack_pending`). */
  lag: number;
  /** Pulling now (false once stopped, or when its loop failed). */
  up: boolean;
  /** Dead letters of this consumer waiting in GOVERN_DLQ; absent when they could not be counted. */
  deadLetters?: number;
}

/** Durable jobs of one kind at a scrape (see `jobsSnapshotFrom`). */
export interface JobKindSnapshot {
  kind: string;
  due: number;
  overdue: number;
  oldestDueAgeSeconds: number;
}

/** What `pg.Pool` exposes about itself. */
export interface PoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number | undefined };
}

export type ConsumerOutcome = 'handled' | 'duplicate' | 'failed' | 'dead_lettered';
export type JobOutcome = 'completed' | 'failed' | 'given_up';

export interface RpcObservation {
  type: string;
  service: string;
  method: string;
  /** Status name, e.g. `OK`, `INVALID_ARGUMENT`. */
  code: string;
}

export interface ServiceMetricsOptions {
  /** Every series carries `service="<name>"`. */
  serviceName: string;
  /** prom-client's process_* / nodejs_* series (CPU, memory, event-loop lag, GC). Default true. */
  processMetrics?: boolean;
  /** A scrape-time source slower than this is left out of the scrape. Default 5 s. */
  sourceTimeoutMs?: number;
  /** Distinct values kept per label before `other`. Default 200. */
  labelLimit?: number;
  log?: Logger;
}

export interface ServiceMetrics {
  readonly serviceName: string;
  readonly registry: Registry;
  /** The exposition text (what GET /metrics answers). */
  text(): Promise<string>;
  readonly contentType: string;

  rpcServer(call: RpcObservation, seconds: number): void;
  rpcClient(call: RpcObservation, seconds: number): void;

  /** The relay published these rows; `delaysSeconds` = publish time - occurred_at of each. */
  outboxPublished(count: number, delaysSeconds?: readonly number[]): void;
  outboxPublishFailed(count: number): void;

  /** One delivery finished. Ages are known once the event is decoded (occurred_at) and from the cascade header. */
  consumerDelivery(delivery: {
    consumer: string;
    outcome: ConsumerOutcome;
    deliveryCount: number;
    seconds: number;
    eventAgeSeconds?: number | undefined;
    cascadeAgeSeconds?: number | undefined;
  }): void;

  jobRun(run: { kind: string; outcome: JobOutcome; latenessSeconds?: number | undefined }): void;

  /** A governance decision with its reasons (counted once per reason code in govern_decision_reasons_total). */
  decision(decision: { decisionType: string; outcome: string; band?: string | undefined; policyVersion: string; reasonCodes?: readonly string[] }): void;
  enforcement(action: string, count?: number): void;
  compensationPaid(kind: string, fen: number | bigint): void;

  /** Sources read at scrape time only; each replaces an earlier one of the same kind. */
  observeOutbox(source: () => Promise<OutboxSnapshot>): void;
  observeConsumers(source: () => Promise<readonly ConsumerSnapshot[]>): void;
  observeJobs(source: () => Promise<readonly JobKindSnapshot[]>): void;
  observeDbPool(name: string, pool: PoolLike): void;
}

/**
 * A scrape reads several gauges from one source: prom-client starts every metric's collect()
 * in the same tick, so they share the one call in flight; the next scrape calls again. A
 * source that fails or is slower than the timeout is left out of that scrape.
 */
const scrapeShared = <T>(name: string, timeoutMs: number, onFailure: (name: string, error: unknown) => void) => {
  let source: (() => Promise<T>) | undefined;
  let inFlight: Promise<T | undefined> | undefined;
  return {
    set(next: () => Promise<T>) {
      source = next;
    },
    configured: () => source !== undefined,
    read(): Promise<T | undefined> {
      const read = source;
      if (!read) return Promise.resolve(undefined);
      inFlight ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${name} source took longer than ${timeoutMs} ms`)), timeoutMs);
          });
          return await Promise.race([read(), timeout]);
        } catch (error) {
          onFailure(name, error);
          return undefined;
        } finally {
          clearTimeout(timer);
          inFlight = undefined;
        }
      })();
      return inFlight;
    },
  };
};

export const createServiceMetrics = (options: ServiceMetricsOptions): ServiceMetrics => {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.serviceName });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const log = options.log?.child({ component: 'metrics' });
  const bound = createLabelBound(options.labelLimit ?? 200, (metric, label) =>
    log?.warn({ metric, label }, 'too many distinct label values; further ones are recorded as "other"'),
  );

  const counter = (key: MetricKey) => {
    const spec: MetricSpec = METRICS[key];
    return new Counter({ name: spec.name, help: spec.help, labelNames: spec.labelNames, registers: [registry] });
  };
  const histogram = (key: MetricKey) => {
    const spec: MetricSpec = METRICS[key];
    return new Histogram({ name: spec.name, help: spec.help, labelNames: spec.labelNames, buckets: [...(spec.buckets ?? [])], registers: [registry] });
  };
  const collectedGauge = (key: MetricKey, collect: (gauge: Gauge) => Promise<void> | void) => {
    const spec: MetricSpec = METRICS[key];
    return new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: spec.labelNames,
      registers: [registry],
      async collect() {
        // Series of consumers, kinds or pools that went away must not linger.
        this.reset();
        await collect(this);
      },
    });
  };

  const failures = counter('collectorFailures');
  const onSourceFailure = (name: string, error: unknown): void => {
    failures.inc({ collector: name });
    log?.warn({ collector: name, err: error instanceof Error ? error.message : String(error) }, 'metrics source failed; its series are left out of this scrape');
  };
  const timeoutMs = options.sourceTimeoutMs ?? 5_000;
  const outbox = scrapeShared<OutboxSnapshot>('outbox', timeoutMs, onSourceFailure);
  const consumers = scrapeShared<readonly ConsumerSnapshot[]>('consumers', timeoutMs, onSourceFailure);
  const jobs = scrapeShared<readonly JobKindSnapshot[]>('jobs', timeoutMs, onSourceFailure);
  const pools = new Map<string, PoolLike>();

  const grpcServerHandled = counter('grpcServerHandled');
  const grpcServerHandling = histogram('grpcServerHandling');
  const grpcClientHandled = counter('grpcClientHandled');
  const grpcClientHandling = histogram('grpcClientHandling');
  const outboxPublished = counter('outboxPublished');
  const outboxPublishFailures = counter('outboxPublishFailures');
  const outboxRelayDelay = histogram('outboxRelayDelay');
  const consumerMessages = counter('consumerMessages');
  const consumerRedeliveries = counter('consumerRedeliveries');
  const consumerHandling = histogram('consumerHandling');
  const consumerEventAge = histogram('consumerEventAge');
  const cascadeSettle = histogram('cascadeSettle');
  const jobRuns = counter('jobRuns');
  const jobLateness = histogram('jobLateness');
  const decisions = counter('decisions');
  const decisionReasons = counter('decisionReasons');
  const enforcementActions = counter('enforcementActions');
  const compensationPaid = counter('compensationPaid');

  // Pool gauges first: prom-client collects in registration order, so the pool is read before
  // this scrape's own queries (outbox, jobs) take connections from it.
  const perPool = (key: MetricKey, value: (pool: PoolLike) => number | undefined) =>
    collectedGauge(key, (gauge) => {
      for (const [name, pool] of pools) {
        const v = value(pool);
        if (v !== undefined) gauge.set({ pool: name }, v);
      }
    });
  perPool('dbPoolInUse', (p) => p.totalCount - p.idleCount);
  perPool('dbPoolIdle', (p) => p.idleCount);
  perPool('dbPoolWaiting', (p) => p.waitingCount);
  perPool('dbPoolMax', (p) => p.options?.max);

  // An unlabelled gauge always shows a sample; NaN (not a made-up 0) says the outbox could not be read.
  const outboxGauge = (key: MetricKey, value: (snapshot: OutboxSnapshot) => number) =>
    collectedGauge(key, async (gauge) => {
      const snapshot = await outbox.read();
      if (snapshot) gauge.set(value(snapshot));
      else if (outbox.configured()) gauge.set(NaN);
    });
  outboxGauge('outboxBacklog', (s) => s.backlog);
  outboxGauge('outboxOldestAge', (s) => s.oldestAgeSeconds);
  const perConsumer = (key: MetricKey, value: (snapshot: ConsumerSnapshot) => number | undefined) =>
    collectedGauge(key, async (gauge) => {
      for (const snapshot of (await consumers.read()) ?? []) {
        const v = value(snapshot);
        if (v !== undefined) gauge.set({ consumer: snapshot.consumer, stream: snapshot.stream }, v);
      }
    });
  perConsumer('consumerPending', (s) => s.pending);
  perConsumer('consumerLag', (s) => s.lag);
  perConsumer('consumerUp', (s) => (s.up ? 1 : 0));
  perConsumer('deadLetters', (s) => s.deadLetters);
  const perKind = (key: MetricKey, value: (snapshot: JobKindSnapshot) => number) =>
    collectedGauge(key, async (gauge) => {
      for (const snapshot of (await jobs.read()) ?? []) gauge.set({ kind: bound(METRICS.jobsDue.name, 'kind', snapshot.kind) }, value(snapshot));
    });
  perKind('jobsDue', (s) => s.due);
  perKind('jobsOverdue', (s) => s.overdue);
  perKind('jobsOldestDueAge', (s) => s.oldestDueAgeSeconds);
  /**
   * The hot path (every call): prom-client hashes a label set on each observe, so each distinct
   * (type, service, method, code) keeps its bound children. Paths are bounded by the services a
   * server registers (a client's by the definitions it was made with), and `bound` caps them anyway.
   */
  type RpcChildren = { handled: { inc(): void }; handling: { observe(value: number): void } };
  const rpcChildren = (counterMetric: Counter, histogramMetric: Histogram, metric: string) => {
    const cache = new Map<string, RpcChildren>();
    return (call: RpcObservation): RpcChildren => {
      const key = `${call.type}|${call.service}|${call.method}|${call.code}`;
      let children = cache.get(key);
      if (!children) {
        const labels = {
          grpc_type: call.type,
          grpc_service: bound(metric, 'grpc_service', call.service),
          grpc_method: bound(metric, 'grpc_method', call.method),
          grpc_code: call.code,
        };
        children = { handled: counterMetric.labels(labels), handling: histogramMetric.labels(labels) };
        if (cache.size < 2_000) cache.set(key, children);
      }
      return children;
    };
  };
  const serverChildren = rpcChildren(grpcServerHandled, grpcServerHandling, METRICS.grpcServerHandled.name);
  const clientChildren = rpcChildren(grpcClientHandled, grpcClientHandling, METRICS.grpcClientHandled.name);

  return {
    serviceName: options.serviceName,
    registry,
    text: () => registry.metrics(),
    contentType: registry.contentType,

    rpcServer(call, seconds) {
      const children = serverChildren(call);
      children.handled.inc();
      children.handling.observe(seconds);
    },
    rpcClient(call, seconds) {
      const children = clientChildren(call);
      children.handled.inc();
      children.handling.observe(seconds);
    },

    outboxPublished(count, delaysSeconds = []) {
      if (count > 0) outboxPublished.inc(count);
      for (const delay of delaysSeconds) outboxRelayDelay.observe(Math.max(0, delay));
    },
    outboxPublishFailed(count) {
      if (count > 0) outboxPublishFailures.inc(count);
    },

    consumerDelivery(delivery) {
      const consumer = bound(METRICS.consumerMessages.name, 'consumer', delivery.consumer);
      consumerMessages.inc({ consumer, outcome: delivery.outcome });
      if (delivery.deliveryCount > 1) consumerRedeliveries.inc({ consumer });
      consumerHandling.observe({ consumer }, delivery.seconds);
      // Ages describe when an effect happened, so only deliveries that had one count.
      if (delivery.outcome === 'handled') {
        if (delivery.eventAgeSeconds !== undefined) consumerEventAge.observe({ consumer }, Math.max(0, delivery.eventAgeSeconds));
        if (delivery.cascadeAgeSeconds !== undefined) cascadeSettle.observe({ consumer }, Math.max(0, delivery.cascadeAgeSeconds));
      }
    },

    jobRun(run) {
      const kind = bound(METRICS.jobRuns.name, 'kind', run.kind);
      jobRuns.inc({ kind, outcome: run.outcome });
      if (run.latenessSeconds !== undefined) jobLateness.observe({ kind }, Math.max(0, run.latenessSeconds));
    },

    decision(decision) {
      const metric = METRICS.decisions.name;
      const decisionType = bound(metric, 'decision_type', decision.decisionType);
      const policyVersion = bound(metric, 'policy_version', decision.policyVersion);
      decisions.inc({ decision_type: decisionType, outcome: bound(metric, 'outcome', decision.outcome), band: bound(metric, 'band', decision.band ?? ''), policy_version: policyVersion });
      for (const reason of decision.reasonCodes ?? []) {
        decisionReasons.inc({ decision_type: decisionType, reason_code: bound(METRICS.decisionReasons.name, 'reason_code', reason), policy_version: policyVersion });
      }
    },
    enforcement(action, count = 1) {
      if (count > 0) enforcementActions.inc({ action: bound(METRICS.enforcementActions.name, 'action', action) }, count);
    },
    compensationPaid(kind, fen) {
      const amount = Number(fen);
      if (amount > 0) compensationPaid.inc({ kind: bound(METRICS.compensationPaid.name, 'kind', kind) }, amount);
    },

    observeOutbox: (source) => outbox.set(source),
    observeConsumers: (source) => consumers.set(source),
    observeJobs: (source) => jobs.set(source),
    observeDbPool(name, pool) {
      pools.set(name, pool);
    },
  };
};

/**
 * Every Prometheus series a Govern service exposes (besides prom-client's process_* and
 * nodejs_* defaults), in one place: name, help, labels, buckets and where it is recorded.
 * Dashboards and alert rules under deploy/observability/ may only use names from here (a
 * test checks). Label values are bounded by the recorders (see bounded-labels.ts).
 *
 * gRPC series keep the names of go-grpc-prometheus / grpc-ecosystem, which existing
 * dashboards and alerts already speak; everything else is `govern_*`.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  name: string;
  type: MetricType;
  help: string;
  labelNames: readonly string[];
  buckets?: readonly number[];
  /** Gauges read at scrape time from a source the service provides (nothing is done between scrapes). */
  collected?: true;
}

/** Seconds, from a sub-millisecond cache hit to a call that hit its 10 s deadline. */
const RPC_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds an event or a job waits: from the relay's next tick to an outage. */
const WAIT_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const HANDLER_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15];

const GRPC_LABELS = ['grpc_type', 'grpc_service', 'grpc_method', 'grpc_code'] as const;

export const METRICS = {
  // --- gRPC (serverMetricsMiddleware / clientMetricsMiddleware) ---
  grpcServerHandled: { name: 'grpc_server_handled_total', type: 'counter', help: 'RPCs completed on the server, by method and status code.', labelNames: GRPC_LABELS },
  grpcServerHandling: {
    name: 'grpc_server_handling_seconds',
    type: 'histogram',
    help: 'Time from the call arriving to its status being sent, by method and status code.',
    labelNames: GRPC_LABELS,
    buckets: RPC_SECONDS,
  },
  grpcClientHandled: { name: 'grpc_client_handled_total', type: 'counter', help: 'RPCs this service made to others, by method and status code.', labelNames: GRPC_LABELS },
  grpcClientHandling: {
    name: 'grpc_client_handling_seconds',
    type: 'histogram',
    help: 'Duration of calls this service made to others, retries included, by method and status code.',
    labelNames: GRPC_LABELS,
    buckets: RPC_SECONDS,
  },

  // --- Outbox and relay ---
  outboxBacklog: { name: 'govern_outbox_backlog', type: 'gauge', help: 'Outbox rows not yet published to NATS.', labelNames: [], collected: true },
  outboxOldestAge: {
    name: 'govern_outbox_oldest_unpublished_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest unpublished outbox row (0 when the outbox is empty).',
    labelNames: [],
    collected: true,
  },
  outboxPublished: { name: 'govern_outbox_published_total', type: 'counter', help: 'Outbox rows the relay published (stored or deduplicated by JetStream).', labelNames: [] },
  outboxPublishFailures: { name: 'govern_outbox_publish_failures_total', type: 'counter', help: 'Outbox rows whose publish failed (retried with backoff).', labelNames: [] },
  outboxRelayDelay: {
    name: 'govern_outbox_relay_delay_seconds',
    type: 'histogram',
    help: 'Time from an event occurring to the relay publishing it.',
    labelNames: [],
    buckets: WAIT_SECONDS,
  },

  // --- Consumers ---
  consumerMessages: {
    name: 'govern_consumer_messages_total',
    type: 'counter',
    help: 'Deliveries a consumer finished, by outcome: handled, duplicate (already in the inbox), failed (will be redelivered), dead_lettered.',
    labelNames: ['consumer', 'outcome'],
  },
  consumerRedeliveries: { name: 'govern_consumer_redeliveries_total', type: 'counter', help: 'Deliveries that were not the first of their message.', labelNames: ['consumer'] },
  consumerHandling: {
    name: 'govern_consumer_handling_seconds',
    type: 'histogram',
    help: 'Time a consumer took to handle one delivery (its transaction included).',
    labelNames: ['consumer'],
    buckets: HANDLER_SECONDS,
  },
  consumerEventAge: {
    name: 'govern_consumer_event_age_seconds',
    type: 'histogram',
    help: 'Age of an event when its consumer handled it: handled time - meta.occurred_at.',
    labelNames: ['consumer'],
    buckets: WAIT_SECONDS,
  },
  cascadeSettle: {
    name: 'govern_cascade_settle_seconds',
    type: 'histogram',
    help: 'Time since the start of the cascade (meta.occurred_at of its first event) when a consumer handled one of its events; the largest per cascade is its settle time.',
    labelNames: ['consumer'],
    buckets: WAIT_SECONDS,
  },
  consumerPending: {
    name: 'govern_consumer_pending_messages',
    type: 'gauge',
    help: 'Messages on the stream for this consumer not yet delivered to it.',
    labelNames: ['consumer', 'stream'],
    collected: true,
  },
  consumerLag: {
    name: 'govern_consumer_lag_messages',
    type: 'gauge',
    help: 'Messages for this consumer not yet acknowledged (pending plus delivered and in hand or awaiting redelivery).',
    labelNames: ['consumer', 'stream'],
    collected: true,
  },
  consumerUp: { name: 'govern_consumer_up', type: 'gauge', help: '1 while the consumer is pulling, 0 when it stopped or failed.', labelNames: ['consumer', 'stream'], collected: true },
  deadLetters: {
    name: 'govern_dlq_messages',
    type: 'gauge',
    help: 'Messages in the dead-letter stream for this consumer, waiting for someone to look.',
    labelNames: ['consumer', 'stream'],
    collected: true,
  },

  // --- Durable jobs ---
  jobsDue: { name: 'govern_jobs_due', type: 'gauge', help: 'Durable jobs due now and not yet completed.', labelNames: ['kind'], collected: true },
  jobsOverdue: { name: 'govern_jobs_overdue', type: 'gauge', help: 'Durable jobs due for longer than the overdue threshold (default 60 s).', labelNames: ['kind'], collected: true },
  jobsOldestDueAge: { name: 'govern_jobs_oldest_due_age_seconds', type: 'gauge', help: 'How long the longest-waiting due job has been due.', labelNames: ['kind'], collected: true },
  jobRuns: { name: 'govern_job_runs_total', type: 'counter', help: 'Durable job runs by outcome: completed, failed (retried later), given_up.', labelNames: ['kind', 'outcome'] },
  jobLateness: { name: 'govern_job_lateness_seconds', type: 'histogram', help: 'Time from a job being due to it starting.', labelNames: ['kind'], buckets: WAIT_SECONDS },

  // --- Database pool (pg.Pool) ---
  dbPoolInUse: { name: 'govern_db_pool_in_use_connections', type: 'gauge', help: 'Pool connections checked out.', labelNames: ['pool'], collected: true },
  dbPoolIdle: { name: 'govern_db_pool_idle_connections', type: 'gauge', help: 'Pool connections open and idle.', labelNames: ['pool'], collected: true },
  dbPoolWaiting: { name: 'govern_db_pool_waiting_requests', type: 'gauge', help: 'Requests waiting for a pool connection.', labelNames: ['pool'], collected: true },
  dbPoolMax: { name: 'govern_db_pool_max_connections', type: 'gauge', help: 'Size limit of the pool.', labelNames: ['pool'], collected: true },

  // --- Governance (the figures of `govern report`) ---
  decisions: {
    name: 'govern_decisions_total',
    type: 'counter',
    help: 'Governance decisions by type (onboarding, listing_gate, video_assessment, after_sale, ...), outcome, band and policy version.',
    labelNames: ['decision_type', 'outcome', 'band', 'policy_version'],
  },
  decisionReasons: {
    name: 'govern_decision_reasons_total',
    type: 'counter',
    help: 'Reason codes given by governance decisions (a decision with three reasons counts three here, once in govern_decisions_total).',
    labelNames: ['decision_type', 'reason_code', 'policy_version'],
  },
  enforcementActions: {
    name: 'govern_enforcement_actions_total',
    type: 'counter',
    help: 'Enforcement actions taken: video_punished, livestream_interrupted, item_boosted, product_banned, merchant_removed, ...',
    labelNames: ['action'],
  },
  compensationPaid: { name: 'govern_compensation_paid_fen_total', type: 'counter', help: 'Compensation paid to buyers in advance, in fen.', labelNames: ['kind'] },

  // --- The metrics themselves ---
  collectorFailures: {
    name: 'govern_metrics_collector_failures_total',
    type: 'counter',
    help: 'Scrape-time sources that failed or timed out (their series are left out of that scrape).',
    labelNames: ['collector'],
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;

/** Every series name a scrape can show, including the `_bucket/_sum/_count` of histograms. */
export const exposedSeriesNames = (): Set<string> => {
  const names = new Set<string>();
  for (const spec of Object.values(METRICS) as MetricSpec[]) {
    names.add(spec.name);
    if (spec.type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${spec.name}${suffix}`);
  }
  return names;
};

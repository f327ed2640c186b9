import { SERVICE_NAMES, servicePackage, type ServiceName } from '@govern/contracts-common';
import { jetstreamManager } from '@nats-io/jetstream';
import { GOVERN_EVENT_TOPOLOGY } from '@govern/platform-auth';
import type { ReplicatedPlatform } from './replicated-platform';

/**
 * What "0 lost, 0 doubled" means on the services' databases and streams after a scale-out run,
 * each a list of violations (empty when it holds) so a failure names every one:
 *  - events: every outbox row published and none dead; each service's stream holds exactly as
 *    many events as its outbox (none lost, none stored twice); every durable's inbox holds exactly
 *    the events of its producers' outboxes that its subjects select; no dead letters; every stream
 *    at 3 replicas;
 *  - effects: no order compensated twice for one cause, every ledger transaction balanced and
 *    used by one compensation at most, no violation recorded twice for one source, no product
 *    banned twice for one cause and source.
 */

/** NATS subject matching (`*` one token, `>` the rest). */
export const subjectMatches = (filter: string, subject: string): boolean => {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
};

const streamOf = (service: ServiceName): string => `GOVERN_${servicePackage(service).toUpperCase()}`;
const serviceOfDurable = (durable: string): ServiceName | undefined =>
  [...SERVICE_NAMES].sort((a, b) => servicePackage(b).length - servicePackage(a).length).find((service) => durable.startsWith(`${servicePackage(service)}_`));

/**
 * The subjects a durable handles, from the event topology (which each service's tests hold its
 * consumers to). Not from the server: before nats-server 2.10 a durable with several subjects has
 * no filter and the delivery code filters, acknowledging the others without an inbox row.
 */
const subjectsOf = (durable: string): readonly string[] | undefined =>
  GOVERN_EVENT_TOPOLOGY.flatMap((service) => service.consumes).find((consumed) => consumed.durable === durable)?.subjects;

export interface EventFigures {
  /** Per service: outbox rows and the events its stream holds. */
  outbox: Record<ServiceName, number>;
  stream: Record<ServiceName, number>;
  /** Per durable: events delivered into its inbox. */
  inbox: Record<string, number>;
  deadLetters: number;
}

export const checkEvents = async (platform: ReplicatedPlatform): Promise<{ violations: string[]; figures: EventFigures }> => {
  const violations: string[] = [];
  const figures: EventFigures = { outbox: {} as Record<ServiceName, number>, stream: {} as Record<ServiceName, number>, inbox: {}, deadLetters: 0 };
  const outboxes = {} as Record<ServiceName, { event_id: string; subject: string }[]>;
  for (const service of SERVICE_NAMES) {
    const { rows } = await platform.sql[service].query<{ event_id: string; subject: string; published_at: Date | null; dead_at: Date | null }>(
      'SELECT event_id, subject, published_at, dead_at FROM outbox_events',
    );
    const unpublished = rows.filter((row) => row.published_at === null).length;
    const dead = rows.filter((row) => row.dead_at !== null).length;
    if (unpublished > 0) violations.push(`${service}: ${unpublished} outbox rows not published`);
    if (dead > 0) violations.push(`${service}: ${dead} outbox rows dead`);
    outboxes[service] = rows;
    figures.outbox[service] = rows.length;
  }
  const nc = await platform.opsConnection();
  try {
    const jsm = await jetstreamManager(nc);
    for (const service of SERVICE_NAMES) {
      const info = await jsm.streams.info(streamOf(service));
      figures.stream[service] = info.state.messages;
      if (info.state.messages !== figures.outbox[service]) violations.push(`${service}: stream holds ${info.state.messages} events, outbox ${figures.outbox[service]}`);
      if (info.config.num_replicas !== 3) violations.push(`${service}: stream at ${info.config.num_replicas} replicas`);
      for await (const consumer of jsm.consumers.list(streamOf(service))) {
        const durable = consumer.name;
        const owner = serviceOfDurable(durable);
        if (!owner) {
          violations.push(`durable ${durable} belongs to no service`);
          continue;
        }
        if (consumer.num_pending > 0 || consumer.num_ack_pending > 0) violations.push(`${durable}: ${consumer.num_pending} pending, ${consumer.num_ack_pending} unacknowledged`);
        const filters = subjectsOf(durable);
        if (!filters) {
          violations.push(`durable ${durable} is not in the event topology`);
          continue;
        }
        const expected = new Set(outboxes[service].filter((row) => filters.some((filter) => subjectMatches(filter, row.subject))).map((row) => row.event_id));
        const { rows } = await platform.sql[owner].query<{ event_id: string }>('SELECT event_id FROM inbox_events WHERE consumer = $1', [durable]);
        figures.inbox[durable] = rows.length;
        const got = new Set(rows.map((row) => row.event_id));
        const lost = [...expected].filter((id) => !got.has(id));
        const foreign = [...got].filter((id) => !expected.has(id));
        if (lost.length > 0) violations.push(`${durable}: ${lost.length} events of ${service} never handled (e.g. ${lost.slice(0, 3).join(', ')})`);
        if (foreign.length > 0) violations.push(`${durable}: ${foreign.length} inbox rows for events ${service} never wrote (e.g. ${foreign.slice(0, 3).join(', ')})`);
      }
    }
    const dlq = await jsm.streams.info('GOVERN_DLQ').catch(() => undefined);
    figures.deadLetters = dlq?.state.messages ?? 0;
    if (figures.deadLetters > 0) violations.push(`${figures.deadLetters} dead letters`);
  } finally {
    await nc.close();
  }
  return { violations, figures };
};

/** Effects counted twice: each query returns the offending keys. */
const DOUBLED_EFFECTS: readonly { service: ServiceName; what: string; sql: string }[] = [
  {
    service: 'consumer-experience',
    what: 'orders compensated twice for one cause',
    sql: 'SELECT order_id || \' \' || cause AS key FROM compensations GROUP BY order_id, cause HAVING count(*) > 1',
  },
  {
    service: 'consumer-experience',
    what: 'ledger transactions that do not balance',
    sql: `SELECT transaction_id AS key FROM ledger_entries GROUP BY transaction_id
          HAVING sum(CASE WHEN lower(side) = 'debit' THEN amount_fen ELSE -amount_fen END) <> 0`,
  },
  {
    service: 'consumer-experience',
    what: 'ledger transactions used by two compensations',
    sql: 'SELECT ledger_transaction_id AS key FROM compensations GROUP BY ledger_transaction_id HAVING count(*) > 1',
  },
  {
    service: 'merchant-access',
    what: 'violations recorded twice for one source',
    sql: 'SELECT merchant_id || \' \' || type || \' \' || source || \' \' || source_ref AS key FROM violations GROUP BY merchant_id, type, source, source_ref HAVING count(*) > 1',
  },
  {
    service: 'product-quality',
    what: 'products banned twice for one cause and source',
    sql: 'SELECT product_id || \' \' || cause || \' \' || source_ref AS key FROM bans GROUP BY product_id, cause, source_ref HAVING count(*) > 1',
  },
];

export const checkEffects = async (platform: ReplicatedPlatform): Promise<string[]> => {
  const violations: string[] = [];
  for (const check of DOUBLED_EFFECTS) {
    const { rows } = await platform.sql[check.service].query<{ key: string }>(check.sql);
    if (rows.length > 0) violations.push(`${check.service}: ${rows.length} ${check.what} (e.g. ${rows.slice(0, 3).map((row) => row.key).join('; ')})`);
  }
  return violations;
};

/** Sum of a counter's samples in a Prometheus text page, optionally only those whose labels match. */
export const sumMetric = (page: string, name: string, labels: (text: string) => boolean = () => true): number =>
  page
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => labels(line.slice(name.length, line.lastIndexOf(' '))))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

export interface ReplicaWork {
  replica: string;
  /** gRPC calls served (health checks left out). */
  calls: number;
  /** Events handled by its consumers, outbox rows its relay published, durable jobs it ran. */
  consumed: number;
  published: number;
  jobs: number;
}

export const replicaWork = async (replica: string, metricsUrl: string): Promise<ReplicaWork> => {
  const page = await (await fetch(metricsUrl)).text();
  return {
    replica,
    calls: sumMetric(page, 'grpc_server_handled_total', (labels) => !labels.includes('grpc.health.v1.Health')),
    consumed: sumMetric(page, 'govern_consumer_messages_total'),
    published: sumMetric(page, 'govern_outbox_published_total'),
    jobs: sumMetric(page, 'govern_job_runs_total'),
  };
};

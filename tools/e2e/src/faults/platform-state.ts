import { HealthCheckResponse_ServingStatus, HealthDefinition, serviceKey } from '@govern/contracts-common';
import { closeServiceClient, createServiceClient } from '@govern/platform-grpc';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { SERVICE_NAMES, type PlatformUnderTest, type ServiceName } from '../platform-processes';

/**
 * What fault tests look at besides the services' own read APIs: row counts of every table of
 * every service (an effect applied twice adds rows somewhere), health, consumers caught up,
 * and re-publishing every event of the run under new message ids.
 */

/** Tables whose rows are bookkeeping of delivery rather than effects (none doubles an effect). */
const DELIVERY_TABLES = new Set(['_prisma_migrations', 'scheduled_jobs']);

/** `service.table -> rows` for every table of every service's database. */
export const tableCounts = async (platform: PlatformUnderTest): Promise<Record<string, number>> => {
  const counts: Record<string, number> = {};
  for (const service of SERVICE_NAMES) {
    const pool = platform.sql[service];
    const { rows: tables } = await pool.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    for (const { tablename } of tables) {
      if (DELIVERY_TABLES.has(tablename)) continue;
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${tablename}"`);
      counts[`${service}.${tablename}`] = rows[0]?.n ?? 0;
    }
  }
  return counts;
};

/** The server-wide health status each service reports now (UNREACHABLE when it does not answer). */
export const healthOf = async (platform: PlatformUnderTest): Promise<Record<ServiceName, string>> => {
  const addresses = Object.fromEntries(SERVICE_NAMES.map((name) => [name, platform.addresses[serviceKey(name)]])) as Record<ServiceName, string>;
  const entries = await Promise.all(
    SERVICE_NAMES.map(async (service) => {
      const client = createServiceClient(HealthDefinition, addresses[service], { defaultDeadlineMs: 2_000, transport: platform.transport });
      try {
        const { status } = await client.check({ service: '' });
        return [service, HealthCheckResponse_ServingStatus[status] ?? String(status)] as const;
      } catch {
        return [service, 'UNREACHABLE'] as const;
      } finally {
        closeServiceClient(client);
      }
    }),
  );
  return Object.fromEntries(entries) as Record<ServiceName, string>;
};

const streamsOf = async (natsUrl: string, namespace: string) => {
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  const names: string[] = [];
  for await (const name of jsm.streams.names()) if (name.startsWith(`${namespace}_`) && !name.endsWith('_GOVERN_DLQ')) names.push(name);
  return { nc, jsm, names };
};

/** Undefined until every durable consumer of the run has nothing pending and nothing unacknowledged; then their names. */
export const consumersCaughtUp = async (natsUrl: string, namespace: string): Promise<string[] | undefined> => {
  const { nc, jsm, names } = await streamsOf(natsUrl, namespace);
  try {
    const durables: string[] = [];
    for (const stream of names) {
      for await (const info of jsm.consumers.list(stream)) {
        if (info.num_pending > 0 || info.num_ack_pending > 0) return undefined;
        durables.push(`${stream}/${info.name}`);
      }
    }
    return durables;
  } finally {
    await nc.close();
  }
};

/**
 * Publishes every event each stream of the run holds once more, as a replay tool or a bridge
 * would: `messageId(original)` gives the transport message id of the copy (the payload, with its
 * `meta.event_id`, is unchanged). Returns how many were re-published.
 */
export const republishAll = async (natsUrl: string, namespace: string, messageId: (original: string) => string): Promise<number> => {
  const { nc, jsm, names } = await streamsOf(natsUrl, namespace);
  try {
    const js = jetstream(nc);
    let count = 0;
    for (const stream of names) {
      const info = await jsm.streams.info(stream);
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const stored = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
        if (!stored) continue;
        const original = stored.header.get('Nats-Msg-Id') || `${stream}-${seq}`;
        const headers = natsHeaders();
        for (const key of stored.header.keys()) if (!key.startsWith('Nats-')) headers.set(key, stored.header.get(key));
        await js.publish(stored.subject, stored.data, { msgID: messageId(original), headers });
        count++;
      }
    }
    return count;
  } finally {
    await nc.close();
  }
};

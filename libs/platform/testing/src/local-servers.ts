import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';

/**
 * PostgreSQL and NATS JetStream on their default local ports, as a developer machine (or this
 * one) runs them: a test run with nothing configured uses them before it tries Docker.
 */
export const DEFAULT_LOCAL_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_LOCAL_NATS_URL = 'nats://127.0.0.1:4222';

/** How long a probe waits for a server that does not answer (nothing listening answers at once). */
const PROBE_TIMEOUT_MS = 2_000;

const postgresAnswers = async (url: string): Promise<boolean> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  // An error after connecting (the server going away) must not become an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

const jetStreamAnswers = async (url: string): Promise<boolean> => {
  try {
    const nc = await connect({ servers: url, timeout: PROBE_TIMEOUT_MS, reconnect: false });
    try {
      // Asks the server for the account's JetStream info: a NATS server without JetStream refuses.
      await jetstreamManager(nc, { checkAPI: true, timeout: PROBE_TIMEOUT_MS });
      return true;
    } finally {
      await nc.close();
    }
  } catch {
    return false;
  }
};

export interface LocalServers {
  databaseUrl?: string;
  natsUrl?: string;
}

/**
 * Which of the two servers answer: PostgreSQL (as user postgres on the default local port unless
 * told other addresses) and NATS with JetStream (a NATS server without it does not count).
 */
export const findLocalServers = async (
  candidates: Required<LocalServers> = { databaseUrl: DEFAULT_LOCAL_DATABASE_URL, natsUrl: DEFAULT_LOCAL_NATS_URL },
): Promise<LocalServers> => {
  const [database, nats] = await Promise.all([postgresAnswers(candidates.databaseUrl), jetStreamAnswers(candidates.natsUrl)]);
  return { ...(database ? { databaseUrl: candidates.databaseUrl } : {}), ...(nats ? { natsUrl: candidates.natsUrl } : {}) };
};

export const usingLocalServersNotice = (servers: Required<LocalServers>): string =>
  `integration tests: DATABASE_URL/NATS_URL not set; using the servers on the default local ports (${servers.databaseUrl}, ${servers.natsUrl} with JetStream)`;

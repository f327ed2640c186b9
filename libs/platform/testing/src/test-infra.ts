import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { applyMigrations } from '@govern/platform-migrate';
import { DEFAULT_LOCAL_DATABASE_URL, DEFAULT_LOCAL_NATS_URL, findLocalServers, usingLocalServersNotice, type LocalServers } from './local-servers';

/**
 * Servers for integration tests, found in this order:
 *  1. DATABASE_URL / NATS_URL (machines that run PostgreSQL and NATS, like CI here);
 *  2. with neither set, PostgreSQL (user postgres) and NATS JetStream on their default local
 *     ports, when both answer (said once: by the vitest global setup, or here outside vitest);
 *  3. testcontainers, where a Docker engine is reachable;
 *  4. otherwise a clear error saying how to get one.
 * Each suite then gets its own fresh database and its own stream/subject namespace.
 */
export interface TestInfra {
  /** A database the tests may use to CREATE/DROP their own databases. */
  adminDatabaseUrl: string;
  natsUrl: string;
}

const noServers = (probed: LocalServers | undefined): string => {
  const found = probed ? ` (found there: PostgreSQL ${probed.databaseUrl ? 'yes' : 'no'}, NATS with JetStream ${probed.natsUrl ? 'yes' : 'no'})` : '';
  return `integration tests need PostgreSQL and NATS JetStream.
Set both DATABASE_URL (e.g. ${DEFAULT_LOCAL_DATABASE_URL}) and NATS_URL (e.g. ${DEFAULT_LOCAL_NATS_URL}),
or set neither and run both on those default local ports${found},
or run a Docker engine so testcontainers can start them.`;
};

let infra: Promise<TestInfra> | undefined;

const dockerAvailable = (): boolean =>
  Boolean(process.env['DOCKER_HOST']) || existsSync('/var/run/docker.sock') || existsSync(`${process.env['HOME']}/.docker/run/docker.sock`);

const startContainers = async (): Promise<TestInfra> => {
  const [{ PostgreSqlContainer }, { NatsContainer }] = await Promise.all([import('@testcontainers/postgresql'), import('@testcontainers/nats')]);
  const [postgres, nats] = await Promise.all([
    new PostgreSqlContainer('postgres:15-alpine').start(),
    new NatsContainer('nats:2.10-alpine').withJetStream().start(),
  ]);
  const opts = nats.getConnectionOptions();
  const server = Array.isArray(opts.servers) ? opts.servers[0] : opts.servers;
  // Containers are reaped by testcontainers' Ryuk when the test process exits.
  return { adminDatabaseUrl: postgres.getConnectionUri(), natsUrl: `nats://${String(server)}` };
};

export const testInfra = (): Promise<TestInfra> => {
  infra ??= (async () => {
    const databaseUrl = process.env['DATABASE_URL'];
    const natsUrl = process.env['NATS_URL'];
    if (databaseUrl && natsUrl) return { adminDatabaseUrl: databaseUrl, natsUrl };
    // Half a configuration is a mistake to report, not to complete with whatever answers locally.
    const found = databaseUrl || natsUrl ? undefined : await findLocalServers();
    if (found?.databaseUrl && found.natsUrl) {
      console.log(usingLocalServersNotice({ databaseUrl: found.databaseUrl, natsUrl: found.natsUrl }));
      return { adminDatabaseUrl: found.databaseUrl, natsUrl: found.natsUrl };
    }
    if (dockerAvailable()) return startContainers();
    throw new Error(noServers(found));
  })();
  return infra;
};

/** A short random suffix for database, stream and consumer names of one suite. */
export const uniqueSuffix = (): string => randomBytes(4).toString('hex');

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

/** How long `drop()` lets the suite's own connections finish closing before it forces them. */
const CLOSING_GRACE_MS = 5_000;

/**
 * Waits until nothing is connected to the database any more, or the grace time is up.
 *
 * Why: node-postgres' `pool.end()` resolves as soon as it has *asked* its idle clients to end,
 * not once their sockets closed. A `DROP DATABASE … WITH (FORCE)` right behind it can reach a
 * backend before that backend read the client's Terminate; the backend then sends FATAL 57P01
 * to a client that still has the pool's idle-error listener, and a pool without an 'error'
 * listener turns that into an uncaught exception in the suite's afterAll (CI saw one, rarely).
 * Connections still open after the grace time are leaks, and FORCE ends them as before.
 */
const untilClosed = async (admin: pg.Client, database: string): Promise<void> => {
  const giveUpAt = Date.now() + CLOSING_GRACE_MS;
  while (Date.now() < giveUpAt) {
    const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    if ((rows[0]?.n ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** A fresh database (migrated when a migrations folder is given), dropped by `drop()`; on the shared server unless a test brings its own. */
export const createTestDatabase = async (options: { migrationsDir?: string; prefix?: string; adminDatabaseUrl?: string } = {}): Promise<TestDatabase> => {
  const adminDatabaseUrl = options.adminDatabaseUrl ?? (await testInfra()).adminDatabaseUrl;
  const name = `${options.prefix ?? 'govern_test'}_${uniqueSuffix()}`;
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminDatabaseUrl, name);
  if (options.migrationsDir) await applyMigrations({ connectionString: url, migrationsDir: options.migrationsDir });
  return {
    name,
    url,
    async drop() {
      const client = new pg.Client({ connectionString: adminDatabaseUrl });
      await client.connect();
      try {
        await untilClosed(client, name);
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
};

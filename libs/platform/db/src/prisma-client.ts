import { AsyncLocalStorage } from 'node:async_hooks';
import type { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { SerialTransactionsPrismaPg } from './serial-transactions';

export interface DatabaseConnection<Client> {
  client: Client;
  /** The pool under Prisma: raw transactions (`runTransaction`), LISTEN, COPY. */
  pool: pg.Pool;
  close(): Promise<void>;
}

interface PendingJoin {
  client: pg.PoolClient;
  taken: boolean;
}

const joining = new AsyncLocalStorage<PendingJoin>();

/**
 * The pool under a service's Prisma client. It hands a transaction that `runTransaction` opened to
 * Prisma when Prisma asks for a connection from inside `joinPrisma` (an interactive `$transaction`
 * started there runs on that connection), and behaves as a plain pool otherwise. This is how use
 * cases written with Prisma models and plain SQL share one transaction that the platform owns.
 */
export class JoinablePool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    const pending = joining.getStore();
    if (pending && !pending.taken) {
      pending.taken = true;
      if (callback) return callback(undefined, pending.client, () => undefined);
      return Promise.resolve(pending.client);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads
    return callback ? super.connect(callback as any) : super.connect();
  }
}

/**
 * Runs `start` (which starts a Prisma interactive transaction) so that the one connection Prisma
 * asks for is `client`. Returns what `start` returns and whether Prisma took the connection: if it
 * did not (a Prisma version that acquires connections elsewhere), the caller must refuse to go on,
 * since Prisma's writes would then commit apart from the unit's.
 */
export const joinConnection = <T>(client: pg.PoolClient, start: () => T): { result: T; taken: () => boolean } => {
  const pending: PendingJoin = { client, taken: false };
  const result = joining.run(pending, start);
  return { result, taken: () => pending.taken };
};

/**
 * Connects a service's generated Prisma client (Rust-free, query compiler) through
 * `@prisma/adapter-pg` over one shared pg pool. `poolSize: 1` for embedded PGlite.
 */
export const connectPrisma = <Client extends { $disconnect(): Promise<void> }>(
  createClient: (adapter: PrismaPg) => Client,
  options: { connectionString: string; poolSize?: number; applicationName?: string },
): DatabaseConnection<Client> => {
  const pool = new JoinablePool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'govern',
  });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const client = createClient(new SerialTransactionsPrismaPg(pool));
  return {
    client,
    pool,
    async close() {
      await client.$disconnect();
      await pool.end();
    },
  };
};

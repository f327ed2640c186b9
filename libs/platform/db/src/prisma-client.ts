import type { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { SerialTransactionsPrismaPg } from './serial-transactions';

export interface DatabaseConnection<Client> {
  client: Client;
  /** The pool under Prisma, for raw work Prisma cannot do (LISTEN, COPY). */
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * Connects a service's generated Prisma client (Rust-free, query compiler) through
 * `@prisma/adapter-pg` over one shared pg pool. `poolSize: 1` for embedded PGlite.
 */
export const connectPrisma = <Client extends { $disconnect(): Promise<void> }>(
  createClient: (adapter: PrismaPg) => Client,
  options: { connectionString: string; poolSize?: number; applicationName?: string },
): DatabaseConnection<Client> => {
  const pool = new pg.Pool({
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

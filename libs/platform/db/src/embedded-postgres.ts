import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Real PostgreSQL compiled to WebAssembly (PGlite), served on a local TCP port with the
 * Postgres wire protocol, so the same `pg` pool, Prisma adapter and migrations run
 * against it as against a server. Used by embedded mode when no DATABASE_URL is set.
 *
 * PGlite is a single session: queries from all connections are queued, and an open
 * transaction would be shared, so callers must use a pool of one connection.
 */
export interface EmbeddedPostgres {
  connectionString: string;
  stop(): Promise<void>;
}

export const startEmbeddedPostgres = async (options: { dataDir?: string; port?: number; host?: string } = {}): Promise<EmbeddedPostgres> => {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: 16 });
  await server.start();
  const address = server.getServerConn();
  return {
    connectionString: `postgresql://postgres@${address}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
};

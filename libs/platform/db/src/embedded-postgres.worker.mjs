// @ts-check
/**
 * The thread of one embedded PostgreSQL: PGlite and the socket server that speaks the wire
 * protocol for it. Started by `startEmbeddedPostgres` (embedded-postgres.ts, which says why
 * it is a thread of its own).
 *
 * Plain JavaScript because a worker thread is a fresh Node instance: neither tsx's loader
 * (npm start) nor vitest's transform reaches it, so a TypeScript file could not be loaded
 * in both. The packages resolve from this file's place in the workspace.
 *
 * Messages: to the parent `{ type: 'listening', address }` once serving, `{ type: 'stopped' }`
 * after a `{ type: 'stop' }` from it has closed the server and the database (its files
 * flushed to the data dir). A failure to start, or any later one, is thrown: the parent sees
 * the worker's 'error' and 'exit' events.
 */
import { mkdirSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { startWireServer } from './embedded-postgres.wire.mjs';

/** @type {{ dataDir?: string; host: string; port: number }} */
const options = workerData;
const port = parentPort;
if (!port) throw new Error('embedded-postgres.worker.mjs runs as a worker thread of startEmbeddedPostgres');

if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
// PGlite already runs PostgreSQL with fsync off (its start parameters include -F) and its
// Node file system writes straight to the data dir, so there is no durability setting left to
// relax here: measured, the same transactions cost the same CPU on a data dir as in memory.
const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
const server = await startWireServer(db, { host: options.host, port: options.port, maxConnections: 16 });

port.on('message', (/** @type {{ type: string }} */ message) => {
  if (message.type !== 'stop') return;
  void (async () => {
    await server.stop();
    await db.close();
    port.postMessage({ type: 'stopped' });
    // Nothing else holds the thread open: it exits once the port is closed.
    port.close();
  })();
});
port.postMessage({ type: 'listening', address: server.address });

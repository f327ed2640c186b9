import { Worker } from 'node:worker_threads';

/**
 * Real PostgreSQL compiled to WebAssembly (PGlite), served on a local TCP port with the
 * Postgres wire protocol, so the same `pg` pool, Prisma adapter and migrations run
 * against it as against a server. Used by embedded mode when no DATABASE_URL is set.
 *
 * PGlite is a single session: connections take it in turns, one transaction (or unfinished
 * query) at a time (embedded-postgres.wire.mjs), so their transactions never interleave. What a
 * session keeps by name is kept apart per connection there: named prepared statements (the
 * platform's transactions prepare theirs by a name derived from the text, per connection as
 * node-postgres sees it) are prefixed with the connection's id, so any number of clients may
 * connect. The services still keep one connection each (apps/dev-platform says why).
 */
export interface EmbeddedPostgres {
  connectionString: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Where the database keeps its files (kept across restarts); omitted = in memory. */
  dataDir?: string;
  /** 0 or omitted: a free port. */
  port?: number;
  host?: string;
}

type WorkerMessage = { type: 'listening'; address: string } | { type: 'stopped' };

/**
 * Each database runs in a worker thread of its own (embedded-postgres.worker.mjs): PGlite
 * executes every query synchronously in WebAssembly, so on the services' thread the four
 * databases of embedded mode and the gRPC serving of all four services shared one core.
 * Measured with `npm run bench -- --only simulate` (`govern simulate --seed 1`) on a shared
 * 2-core machine, run back to back with the single-thread version at similar load: 129 s
 * against 155 s, and 92 s against 113 s (about a sixth less; the goal of 30 s needs more).
 * PGlite's own PGliteWorker is for browsers: its worker side needs the Web Worker globals
 * (postMessage, addEventListener) and navigator.locks, none of which Node 20 has, and it
 * serves no socket; so the worker is ours.
 *
 * A worker that fails to start rejects the start. One that dies later takes its socket
 * with it, so the services' queries would fail one by one with connection errors: instead
 * its error is raised as uncaught, which ends the platform (or fails the test) saying which.
 */
export const startEmbeddedPostgres = async (options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> => {
  const label = `embedded PostgreSQL (${options.dataDir ?? 'in memory'})`;
  const worker = new Worker(new URL('./embedded-postgres.worker.mjs', import.meta.url), {
    workerData: { dataDir: options.dataDir, host: options.host ?? '127.0.0.1', port: options.port ?? 0 },
  });
  let lastError: Error | undefined;
  worker.on('error', (error) => {
    lastError = error;
  });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));

  const address = await new Promise<string>((resolve, reject) => {
    const onMessage = (message: WorkerMessage): void => {
      if (message.type === 'listening') {
        worker.off('exit', onExit);
        resolve(message.address);
      }
    };
    const onExit = (code: number): void => {
      worker.off('message', onMessage);
      reject(new Error(`${label} did not start (its worker exited with code ${code})`, { cause: lastError }));
    };
    worker.once('message', onMessage);
    worker.once('exit', onExit);
  });

  let stopping: Promise<void> | undefined;
  void exited.then((code) => {
    if (stopping) return;
    const crash = new Error(`${label} at ${address} stopped unexpectedly (its worker exited with code ${code})`, { cause: lastError });
    // Raised outside any promise chain, so it is an uncaught exception rather than a rejection someone might swallow.
    setImmediate(() => {
      throw crash;
    });
  });

  const stop = async (): Promise<void> => {
    const stopped = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'stopped') resolve();
      });
      void exited.then((code) => reject(new Error(`${label} did not stop cleanly (its worker exited with code ${code})`, { cause: lastError })));
    });
    worker.postMessage({ type: 'stop' });
    try {
      await stopped;
    } finally {
      await worker.terminate();
    }
  };
  return {
    connectionString: `postgresql://postgres@${address}/postgres?sslmode=disable`,
    stop() {
      stopping ??= stop();
      return stopping;
    },
  };
};

import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import pg from 'pg';

let sent = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  sent++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

/** Statements sent so far by every pg client of this process (the service's pool included), counted from this module's import. */
export const statementsSent = (): number => sent;

/**
 * V8's CPU profile of each round after the first (the first carries the JIT's warm-up), written to
 * `<path>.round<n>.cpuprofile`; does nothing without a path.
 */
export const roundProfiler = (path: string | undefined) => {
  const session = path ? new Session() : undefined;
  let connected = false;
  return {
    async start(round: number): Promise<void> {
      if (!session || round === 0) return;
      if (!connected) {
        session.connect();
        connected = true;
        await session.post('Profiler.enable');
      }
      await session.post('Profiler.start');
    },
    async stop(round: number): Promise<void> {
      if (!session || round === 0) return;
      const { profile } = await session.post('Profiler.stop');
      await writeFile(`${path}.round${round + 1}.cpuprofile`, JSON.stringify(profile));
    },
    close(): void {
      if (connected) session?.disconnect();
    },
  };
};

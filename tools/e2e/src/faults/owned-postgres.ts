import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, untilReady } from '@govern/platform-testing';

/**
 * A PostgreSQL cluster a fault test owns: its own data directory and port, so the test can
 * crash and restart it without touching the shared server. initdb refuses to run as root, so
 * as root the cluster runs as the `postgres` system user.
 */
export interface OwnedPostgres {
  /** Admin URL (trust auth, user postgres). */
  url: string;
  /** Immediate shutdown (SIGQUIT: every backend dies at once, as in a crash; recovery on the next start). */
  crash(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

const BIN = '/usr/lib/postgresql/15/bin';

export const postgresBinaries = (): boolean => existsSync(join(BIN, 'initdb')) && existsSync(join(BIN, 'postgres'));

const runAs = (): { uid: number; gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
};

export const startOwnedPostgres = async (): Promise<OwnedPostgres> => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'govern-pg-'));
  const data = join(dir, 'data');
  const user = runAs();
  if (user) chownSync(dir, user.uid, user.gid);
  execFileSync(join(BIN, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { stdio: 'ignore', ...user });
  let child: ChildProcess | undefined;

  const start = (): Promise<void> => {
    const proc = spawn(
      join(BIN, 'postgres'),
      ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...user },
    );
    child = proc;
    return untilReady(proc, 'postgres', 'database system is ready to accept connections', 30_000);
  };

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    await stopProcess(proc, signal);
  };

  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    crash: () => stop('SIGQUIT'),
    start,
    async dispose() {
      await stop('SIGQUIT');
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findLocalServers } from './local-servers';
import { testInfra } from './test-infra';

/** The probe behind "npm test with nothing configured uses the servers on the default local ports". */
const NATS_SERVER = '/usr/sbin/nats-server';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const started: ChildProcess[] = [];
const storeDir = mkdtempSync(join(tmpdir(), 'nats-probe-'));
afterAll(() => {
  for (const child of started) child.kill('SIGKILL');
  rmSync(storeDir, { recursive: true, force: true });
});

/** A nats-server of this test's own, with or without JetStream; resolves once it accepts connections. */
const startNats = async (jetStream: boolean): Promise<string> => {
  const port = await freePort();
  const child = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), ...(jetStream ? ['-js', '-sd', join(storeDir, String(port))] : [])], { stdio: ['ignore', 'ignore', 'pipe'] });
  started.push(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('nats-server did not start within 10 s')), 10_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return `nats://127.0.0.1:${port}`;
};

describe('finding servers on local ports', () => {
  it('finds a PostgreSQL that answers and NATS with JetStream', async () => {
    const infra = await testInfra();
    expect(await findLocalServers({ databaseUrl: infra.adminDatabaseUrl, natsUrl: infra.natsUrl })).toEqual({ databaseUrl: infra.adminDatabaseUrl, natsUrl: infra.natsUrl });
  });

  it('reports nothing where nothing listens', async () => {
    const [pgPort, natsPort] = [await freePort(), await freePort()];
    expect(await findLocalServers({ databaseUrl: `postgresql://postgres@127.0.0.1:${pgPort}/postgres`, natsUrl: `nats://127.0.0.1:${natsPort}` })).toEqual({});
  });

  it.runIf(existsSync(NATS_SERVER))('does not count a NATS server without JetStream', async () => {
    const infra = await testInfra();
    const [plain, withJetStream] = [await startNats(false), await startNats(true)];
    expect((await findLocalServers({ databaseUrl: infra.adminDatabaseUrl, natsUrl: plain })).natsUrl).toBeUndefined();
    expect((await findLocalServers({ databaseUrl: infra.adminDatabaseUrl, natsUrl: withJetStream })).natsUrl).toBe(withJetStream);
  }, 30_000);
});

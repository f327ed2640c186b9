import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A nats-server of the test's own (own port, own JetStream directory), started with a given
 * configuration file and environment, and stopped only by the test that started it.
 */
export interface OwnNatsServer {
  url: string;
  stop(): Promise<void>;
}

/** Where Debian's nats-server package puts the binary (the machine and CI have it). */
export const NATS_SERVER_BINARY = '/usr/sbin/nats-server';

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });

export const startOwnNatsServer = async (configFile: string, env: Record<string, string>, binary = NATS_SERVER_BINARY): Promise<OwnNatsServer> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'govern-nats-'));
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ['-c', configFile, '-a', '127.0.0.1', '-p', String(port), '-sd', dataDir], {
    // Only what the configuration references: nothing else of this process's environment leaks in.
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not become ready:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Server is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};

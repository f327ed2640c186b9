import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, natsServerBinary } from '@govern/platform-testing';

/**
 * A nats-server of the test's own (own port, own JetStream directory) started with a given
 * configuration file — the committed deploy/nats/govern.conf — and only the environment the
 * file references (the NKey public keys), so nothing of the test process leaks in. platform-testing's
 * `startNatsServer` starts servers without a configuration (open to anyone), hence this one.
 */
export interface ConfiguredNatsServer {
  url: string;
  stop(): Promise<void>;
}

export const startConfiguredNatsServer = async (configFile: string, env: Record<string, string>): Promise<ConfiguredNatsServer> => {
  const binary = natsServerBinary();
  if (!binary) throw new Error('nats-server is not installed (.ci/run installs the Debian package: /usr/sbin/nats-server)');
  const storeDir = await mkdtemp(join(tmpdir(), 'govern-nats-conf-'));
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ['-c', configFile, '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  try {
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
  } catch (error) {
    child.kill('SIGKILL');
    await rm(storeDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(storeDir, { recursive: true, force: true });
    },
  };
};

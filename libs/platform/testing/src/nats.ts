import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { stopProcess, untilReady } from './server-process';

/**
 * NATS for tests: cleaning a test's namespace off a shared server, and nats-server processes of
 * a test's own (to kill and restart under load, or without JetStream).
 */

/** Deletes a test namespace's streams (`<namespace>_GOVERN_…`, and with them their consumers) from a shared server. */
export const deleteNamespaceStreams = async (natsUrl: string, namespace: string): Promise<void> => {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(`${namespace}_`)) names.push(name);
    await Promise.all(names.map((name) => jsm.streams.delete(name)));
  } finally {
    await nc.close();
  }
};

const NATS_SERVER_CANDIDATES = ['/usr/sbin/nats-server', '/usr/local/bin/nats-server', '/usr/bin/nats-server'];

export const natsServerBinary = (): string | undefined => NATS_SERVER_CANDIDATES.find((path) => existsSync(path));

/**
 * `count` TCP ports nothing listens on right now (the OS picks them), all distinct: every port is
 * held until all are known. Why: a port closed a moment ago may be the next one the OS hands out,
 * so ports picked one after the other can repeat (a 3-node cluster's third node once got the
 * first node's route port and could not start).
 */
export const freePorts = async (count: number): Promise<number[]> => {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((server) => (server.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
};

/** A TCP port nothing listens on right now (the OS picks it). */
export const freePort = async (): Promise<number> => (await freePorts(1))[0] as number;

/** A nats-server child process, with JetStream on a file store that survives restarts unless told otherwise. */
export interface NatsServerProcess {
  url: string;
  kill(): Promise<void>;
  /** Starts again on the same port and store directory. */
  restart(): Promise<void>;
  /** Kills it and removes its store. */
  dispose(): Promise<void>;
}

export interface NatsServerOptions {
  /** Default true. */
  jetStream?: boolean;
  /**
   * A configuration file to start with (the committed deploy/nats/govern.conf: accounts, users,
   * permissions); the port, address and store directory are still the test's own.
   */
  configFile?: string;
  /** The server's whole environment (what the configuration references, e.g. NKey public keys); default this process's. */
  env?: Record<string, string>;
}

export const startNatsServer = async (binary: string, options: NatsServerOptions = {}): Promise<NatsServerProcess> => {
  const jetStream = options.jetStream ?? true;
  const config = options.configFile ? ['-c', options.configFile] : [];
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'govern-nats-'));
  let child: ChildProcess | undefined;

  const launch = (): Promise<void> => {
    const proc = spawn(binary, [...config, '-a', '127.0.0.1', '-p', String(port), ...(jetStream ? ['-js', '-sd', storeDir] : [])], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(options.env ? { env: options.env } : {}),
    });
    child = proc;
    return untilReady(proc, 'nats-server', 'Server is ready', 10_000);
  };

  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    await stopProcess(proc, 'SIGKILL');
  };

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    kill,
    restart: launch,
    async dispose() {
      await kill();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
};

import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, natsServerBinary } from './nats';

/**
 * A NATS JetStream cluster of local nats-server processes, each started from Govern's node
 * config (deploy/nats/nats-server.conf) on its own loopback ports and store directory, for
 * tests of the cluster config and of services over a cluster. Only what it started is stopped.
 */
export const NATS_SERVER_CONF = join(import.meta.dirname, '..', '..', '..', '..', 'deploy', 'nats', 'nats-server.conf');

export interface NatsClusterOptions {
  size?: number;
  timeoutMs?: number;
  /**
   * A configuration of accounts and users to run the cluster with (deploy/nats/govern.conf, the
   * committed permissions): each node's config includes it, then the node config. Its variables
   * (the users' public keys) come from `env`.
   */
  accountsConfig?: string;
  /** Environment of every node besides the node settings (e.g. GOVERN_NATS_NKEY_* for `accountsConfig`). */
  env?: Record<string, string>;
}

export interface NatsNode {
  name: string;
  url: string;
  monitorUrl: string;
  process: ChildProcess;
  exited: Promise<void>;
  /** The end of what the server wrote to stderr (its log), for failure messages. */
  log(): string;
}

export interface NatsCluster {
  nodes: NatsNode[];
  /** All client URLs, comma-separated (the form NATS_URL takes). */
  natsUrl: string;
  stop(): Promise<void>;
}

const binary = (): string => {
  const found = natsServerBinary();
  if (!found) throw new Error('nats-server is not installed (apt-get install nats-server)');
  return found;
};

interface Jsz {
  meta_cluster?: { leader?: string; cluster_size?: number };
}

/** Waits until every node sees a JetStream meta leader in a cluster of `size`. */
const waitForMetaLeader = async (nodes: readonly NatsNode[], size: number, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(
      nodes.map(async (node) => {
        try {
          return (await (await fetch(`${node.monitorUrl}/jsz`)).json()) as Jsz;
        } catch {
          return undefined;
        }
      }),
    );
    if (views.every((view) => view?.meta_cluster?.leader && view.meta_cluster.cluster_size === size)) return;
    if (Date.now() > deadline) {
      throw new Error(`the NATS cluster elected no JetStream leader within ${timeoutMs} ms: ${JSON.stringify(views)}\n${nodes.map((node) => `${node.name}: ${node.log()}`).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

export const startNatsCluster = async (options: NatsClusterOptions = {}): Promise<NatsCluster> => {
  const size = options.size ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'govern-nats-'));
  // Picked together, so no two nodes (or two listeners of one node) get the same port.
  const picked = await freePorts(size * 3);
  const ports = Array.from({ length: size }, (_, i) => ({ client: picked[3 * i] as number, cluster: picked[3 * i + 1] as number, monitor: picked[3 * i + 2] as number }));
  const routes = Object.fromEntries(ports.map((port, index) => [`NATS_ROUTE_${index + 1}`, `nats-route://127.0.0.1:${port.cluster}`]));
  const nodes = ports.map((port, index): NatsNode => {
    const name = `nats-${index + 1}`;
    const store = join(dir, name);
    mkdirSync(store, { recursive: true });
    // nats-server resolves `include` relative to the including file (absolute paths too), so the
    // node's config, with the accounts before it, sits next to copies of both in the node's folder.
    let config = NATS_SERVER_CONF;
    if (options.accountsConfig) {
      copyFileSync(options.accountsConfig, join(dir, name, 'accounts.conf'));
      copyFileSync(NATS_SERVER_CONF, join(dir, name, 'node.conf'));
      config = join(dir, name, 'server.conf');
      writeFileSync(config, 'include "accounts.conf"\ninclude "node.conf"\n');
    }
    const child = spawn(binary(), ['-c', config], {
      env: {
        PATH: process.env['PATH'],
        ...options.env,
        NATS_SERVER_NAME: name,
        NATS_HOST: '127.0.0.1',
        NATS_CLIENT_PORT: String(port.client),
        NATS_CLUSTER_PORT: String(port.cluster),
        NATS_MONITOR_PORT: String(port.monitor),
        NATS_STORE_DIR: store,
        ...routes,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4_000)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { name, url: `nats://127.0.0.1:${port.client}`, monitorUrl: `http://127.0.0.1:${port.monitor}`, process: child, exited, log: () => log };
  });
  const stop = async (): Promise<void> => {
    for (const node of nodes) if (node.process.exitCode === null && node.process.signalCode === null) node.process.kill('SIGKILL');
    await Promise.all(nodes.map((node) => node.exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForMetaLeader(nodes, size, options.timeoutMs ?? 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, natsUrl: nodes.map((node) => node.url).join(','), stop };
};

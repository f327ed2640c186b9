import { join } from 'node:path';
import { createUser } from '@nats-io/nkeys';
import { SERVICE_NAMES, servicePackage, type ServiceName } from '@govern/contracts-common';
import { GOVERN_EVENT_TOPOLOGY, nkeyVariableOf, OPS_USER } from '@govern/platform-auth';
import { natsServerBinary, startNatsServer, type NatsServerProcess } from '@govern/platform-testing';

/** The committed configuration of the event bus (accounts, per-service users and permissions). */
export const COMMITTED_NATS_CONFIG = join(import.meta.dirname, '..', '..', '..', 'deploy', 'nats', 'govern.conf');

/**
 * A nats-server of the run's own, started with deploy/nats/govern.conf as a deployment starts
 * it: fresh NKeys for every user, public keys in the server's environment, each service's seed
 * in its settings (`NATS_NKEY_SEED`). Pass `settings` to `startPlatformProcesses({ natsUrl, natsSettings })`.
 */
export interface CommittedNats {
  server: NatsServerProcess;
  url: string;
  /** Each service's NATS settings. */
  settings: Record<ServiceName, Record<string, string>>;
  /** The NKey seed of a NATS user (`merchant_access`, `ops`), to act as it in a test. */
  seedOf(user: string): string;
}

/** Fresh NKeys for every user of the committed configuration: public keys for the server(s), seeds for the services. */
export interface CommittedNatsUsers {
  /** `GOVERN_NATS_NKEY_<USER>` public keys, the environment of every nats-server node. */
  serverEnv: Record<string, string>;
  /** Each service's NATS settings. */
  settings: Record<ServiceName, Record<string, string>>;
  seedOf(user: string): string;
}

export const issueCommittedNatsUsers = (): CommittedNatsUsers => {
  const seeds = new Map<string, string>();
  const serverEnv: Record<string, string> = {};
  for (const user of [...GOVERN_EVENT_TOPOLOGY.map((t) => t.service), OPS_USER]) {
    const pair = createUser();
    seeds.set(user, new TextDecoder().decode(pair.getSeed()));
    serverEnv[nkeyVariableOf(user)] = pair.getPublicKey();
  }
  const seedOf = (user: string): string => {
    const seed = seeds.get(user);
    if (!seed) throw new Error(`no NATS user ${user} in the committed configuration`);
    return seed;
  };
  const settings = {} as Record<ServiceName, Record<string, string>>;
  for (const service of SERVICE_NAMES) settings[service] = { NATS_NKEY_SEED: seedOf(servicePackage(service)) };
  return { serverEnv, settings, seedOf };
};

export const startCommittedNats = async (): Promise<CommittedNats> => {
  const binary = natsServerBinary();
  if (!binary) throw new Error('nats-server is not installed (.ci/run uses /usr/sbin/nats-server from Debian)');
  const users = issueCommittedNatsUsers();
  const server = await startNatsServer(binary, { configFile: COMMITTED_NATS_CONFIG, env: users.serverEnv });
  return { server, url: server.url, settings: users.settings, seedOf: users.seedOf };
};

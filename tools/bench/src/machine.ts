import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { ROOT } from './platform/processes';

/**
 * What the figures were taken on: the machine, its load before and after (it is shared, and a
 * busy neighbour moves absolute figures), the code and the servers.
 */
export interface MachineSnapshot {
  at: string;
  uptime: string;
  loadavg: number[];
  freeMemGb: number;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memGb: number;
  node: string;
  commit: string;
  branch: string;
  dirty: boolean;
  postgres: string;
  nats: string;
}

const run = (command: string, args: string[]): string => {
  try {
    return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

export const snapshot = (): MachineSnapshot => ({
  at: new Date().toISOString(),
  uptime: run('uptime', []),
  loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
  freeMemGb: Math.round((freemem() / 2 ** 30) * 10) / 10,
});

export const machineInfo = async (databaseUrl: string, natsUrl: string): Promise<MachineInfo> => {
  const client = new pg.Client({ connectionString: databaseUrl });
  let postgres = '';
  try {
    await client.connect();
    postgres = (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]?.v ?? '';
  } finally {
    await client.end().catch(() => undefined);
  }
  const nc = await connect({ servers: natsUrl, name: 'govern-bench-info' });
  let nats = nc.info?.version ?? '';
  try {
    const jsm = await jetstreamManager(nc);
    const account = await jsm.getAccountInfo();
    nats += account.limits ? ' (JetStream)' : '';
  } finally {
    await nc.close();
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '',
    memGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    commit: run('git', ['rev-parse', '--short', 'HEAD']),
    branch: run('git', ['rev-parse', '--abbrev-ref', 'HEAD']),
    dirty: run('git', ['status', '--porcelain']) !== '',
    postgres,
    nats,
  };
};

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { PlatformAddresses } from '@govern/platform-clients';

export const root = join(import.meta.dirname, '..', '..', '..');

const NAMES: Record<string, keyof PlatformAddresses> = {
  content: 'content',
  'product-quality': 'productQuality',
  'merchant-access': 'merchantAccess',
  'consumer-experience': 'consumerExperience',
};

export interface PlatformProcess {
  addresses: PlatformAddresses;
  /** The development CA directory it printed (`ca.crt`, the CLI's certificate, the dev token key). */
  pkiDir: string;
  stop(): Promise<void>;
}

/**
 * The platform started as the README says (`npm start`'s entry point, embedded databases and
 * the in-process bus, in memory), on free ports; the addresses are read from what it prints.
 */
export const startPlatformAsReadmeSays = async (): Promise<PlatformProcess> => {
  const env: NodeJS.ProcessEnv = { ...process.env, BASE_PORT: '0', DATA_DIR: '', LOG_LEVEL: 'warn' };
  delete env['DATABASE_URL'];
  delete env['NATS_URL'];
  // `node --import tsx`, not the tsx CLI: SIGTERM reaches the platform itself.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/dev-platform/src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const found: Partial<PlatformAddresses> = {};
  let caFile = '';
  if (!child.stdout) throw new Error('no stdout from the platform');
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    // Four services, their embedded databases and migrations: minutes on a loaded 2-core machine.
    const timer = setTimeout(() => reject(new Error('the platform did not start within 300 s')), 300_000);
    child.once('exit', (code) => reject(new Error(`the platform exited early with ${code}`)));
    lines.on('line', (line) => {
      const match = /^\s+([a-z-]+)\s+(127\.0\.0\.1:\d+)$/.exec(line);
      const key = match ? NAMES[match[1] as string] : undefined;
      if (match && key) found[key] = match[2] as string;
      const ca = /^\s+development CA\s+(\S+)/.exec(line);
      if (ca) caFile = ca[1] as string;
      if (line.startsWith('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    addresses: found as PlatformAddresses,
    pkiDir: dirname(caFile),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      }),
  };
};

/** `govern report --json` for a window, run as a user runs it, against the same services. */
export const governReportJson = (addresses: PlatformAddresses, from: string, to: string, pkiDir: string): Promise<unknown> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'tools/cli/src/main.ts',
        'report',
        '--json',
        '--from',
        from,
        '--to',
        to,
        '--content',
        addresses.content,
        '--product-quality',
        addresses.productQuality,
        '--merchant-access',
        addresses.merchantAccess,
        '--consumer-experience',
        addresses.consumerExperience,
      ],
      // The CLI finds the platform's development CA and signing key there, as after npm start.
      { cwd: root, env: { ...process.env, GOVERN_PKI_DIR: pkiDir }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`govern report exited ${code}: ${err}`))));
  });

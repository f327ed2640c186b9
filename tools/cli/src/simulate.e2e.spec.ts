import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '@govern/contracts-common';
import type { PlatformReport } from './commands/platform-report';
import type { SimulationSummary } from './simulation/summary';

/**
 * `govern simulate` then `govern report`, as a user runs them against `npm start`: the platform
 * in embedded mode as a child process, the CLI as other child processes. Needs the four services
 * implemented; when a category stays at zero the failure names it, and the simulation's own
 * summary (printed) says what the platform refused.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const run = promisify(execFile);

interface Platform {
  child: ChildProcess;
  args: string[];
  /** `--metrics` for simulate: each service's metrics endpoint. */
  metrics: string;
  /** Where the platform's development CA and token key are: the CLI finds them through GOVERN_PKI_DIR. */
  pkiDir: string;
}

const started: ChildProcess[] = [];

const startPlatform = async (): Promise<Platform> => {
  // Metrics on free ports, as `npm start` serves them on its own: simulate settles by them.
  const env: NodeJS.ProcessEnv = { ...process.env, BASE_PORT: '0', METRICS_BASE_PORT: '0', DATA_DIR: '', LOG_LEVEL: 'error' };
  delete env['DATABASE_URL'];
  delete env['NATS_URL'];
  // `node --import tsx` rather than the tsx CLI: signals reach the service itself (the CLI relays
  // them through a short handshake that a busy machine can miss), so SIGTERM tests the real drain.
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/dev-platform/src/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child);
  const addresses = new Map<string, string>();
  const metrics: string[] = [];
  let caFile = '';
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  await new Promise<void>((resolve, reject) => {
    // Four PGlite initdbs and migrations: 47 s on a quiet 2-core machine, up to 164 s measured at load 20-35.
    const timer = setTimeout(() => reject(new Error('platform did not start within 300 s')), 300_000);
    child.once('exit', (code) => reject(new Error(`platform exited early with ${code}`)));
    lines.on('line', (line) => {
      const match = /^\s+([a-z-]+)\s+(127\.0\.0\.1:\d+)(?:\s+metrics http:\/\/(127\.0\.0\.1:\d+)\/metrics)?$/.exec(line);
      if (match) addresses.set(match[1] as string, match[2] as string);
      if (match?.[3]) metrics.push(`${match[1]}=${match[3]}`);
      const ca = /^\s+development CA\s+(\S+)/.exec(line);
      if (ca) caFile = ca[1] as string;
      if (line.startsWith('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const args = SERVICE_NAMES.flatMap((name) => [`--${name}`, addresses.get(name) as string]);
  // Never the default endpoints: those are npm start's, maybe another platform's.
  return { child, args, metrics: metrics.length > 0 ? metrics.join(',') : 'off', pkiDir: dirname(caFile) };
};

const stopPlatform = async (platform: Platform): Promise<void> => {
  const exited = new Promise((resolve) => platform.child.once('exit', resolve));
  platform.child.kill('SIGTERM');
  await exited;
};

const govern = async (args: string[], pkiDir: string): Promise<string> => {
  // `node --import tsx`: a timeout's kill reaches the CLI itself, not only the tsx CLI's wrapper process.
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'tools/cli/src/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, GOVERN_PKI_DIR: pkiDir },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 600_000,
  });
  return stdout;
};

interface ShadowReportJson {
  reports: { kind: string; candidateVersion: string; evaluated: string; agreed: string; failed: string }[];
}

/**
 * Simulates seed 1 at demo scale on a fresh platform, then takes the report. With `shadow`, a
 * candidate fast-refund policy runs in shadow first (as an operator would switch it on with the
 * CLI); the report must not change for it, since a shadow outcome is never acted on.
 */
const simulateAndReport = async (options: { shadow?: boolean } = {}): Promise<{ summary: SimulationSummary; report: PlatformReport; shadow?: ShadowReportJson }> => {
  const platform = await startPlatform();
  try {
    if (options.shadow) {
      const on = await govern(['shadow', 'on', '--service', 'consumer-experience', '--kind', 'fast-refund', '--policy', '2026-12-01.1', '--note', 'e2e', ...platform.args], platform.pkiDir);
      expect(on).toContain('is on: candidate 2026-12-01.1');
    }
    const started = Date.now();
    const summary = JSON.parse(await govern(['simulate', '--seed', '1', '--scale', 'demo', '--json', '--quiet', '--metrics', platform.metrics, ...platform.args], platform.pkiDir)) as SimulationSummary;
    console.log(
      `govern simulate --seed 1 --scale demo: ${summary.calls} calls, ${((Date.now() - started) / 1000).toFixed(1)} s (settled: ${summary.settle.settled}); ` +
        `refused: ${JSON.stringify(summary.errors)}`,
    );
    const report = JSON.parse(await govern(['report', '--json', ...platform.args], platform.pkiDir)) as PlatformReport;
    if (!options.shadow) return { summary, report };
    const shadow = JSON.parse(await govern(['shadow', 'report', '--service', 'consumer-experience', '--kind', 'fast-refund', '--json', ...platform.args], platform.pkiDir)) as ShadowReportJson;
    return { summary, report, shadow };
  } finally {
    await stopPlatform(platform);
  }
};

describe('govern simulate, then govern report (needs the four services implemented)', () => {
  let first: PlatformReport | undefined;

  afterAll(() => {
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('seed 1 at demo scale gives a non-zero figure in every category of the platform report (with a fast-refund candidate in shadow)', async () => {
    const { summary, report, shadow } = await simulateAndReport({ shadow: true });
    first = report;
    expect(summary.settle.settled).toBe(true);
    // Every live fast refund was also evaluated by the candidate, on the embedded single-connection database.
    const [fastRefund] = shadow?.reports ?? [];
    expect(fastRefund).toMatchObject({ kind: 'fast-refund', candidateVersion: '2026-12-01.1', failed: '0' });
    expect(Number(fastRefund?.evaluated)).toBeGreaterThan(0);
    const zero = report.lines.filter((line) => !(line.value > 0)).map((line) => `${line.pillar}: ${line.figure} (${line.source})`);
    expect(zero, `categories still at zero:\n  ${zero.join('\n  ')}`).toEqual([]);
    expect(report.lines.length).toBeGreaterThanOrEqual(18);
  }, 600_000);

  it('the same seed against another fresh platform, without shadow, gives the same report', async () => {
    const { report } = await simulateAndReport();
    expect(first, 'the first run did not complete').toBeDefined();
    const figures = (r: PlatformReport) => r.lines.map((line) => [line.pillar, line.figure, line.value]);
    expect(figures(report)).toEqual(figures(first as PlatformReport));
  }, 600_000);
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { failedRow, listProduct, onboardMerchants, waitProductsKnownToContent, type BenchContext } from '../context';
import type { Measurement } from '../goals';
import { cpuMsOf, ROOT, startNodeProgram, threadCpuMsOf, waitForLine, type Child } from '../platform/processes';
import type { Scale } from '../scale';

/**
 * Paths measured by programs of their own, run as child processes: the livestream and lexicon
 * benchmarks of their libs (the figures they print under `--json`), and `govern simulate`
 * against `npm start`'s embedded platform.
 */

const runToEnd = async (program: Child, boundMs: number, what: string): Promise<number | null> => {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void program.stop('SIGKILL');
  }, boundMs);
  const code = await program.exited;
  clearTimeout(timer);
  if (timedOut) throw new Error(`${what} did not finish within ${boundMs / 1000} s`);
  return code;
};

/** Runs a lib's benchmark script and returns the figures of its `BENCH_JSON` line. */
const benchFigures = async <T>(entry: string, args: string[], boundMs: number): Promise<T> => {
  const program = startNodeProgram(entry, [...args, '--json'], { ...process.env });
  let figures: T | undefined;
  program.onLine((line) => {
    if (line.startsWith('BENCH_JSON ')) figures = JSON.parse(line.slice('BENCH_JSON '.length)) as T;
  });
  const code = await runToEnd(program, boundMs, entry);
  if (code !== 0 || figures === undefined) throw new Error(`${entry} exited with ${code}:\n${program.log.text().slice(-1_500)}`);
  return figures;
};

interface LivestreamFigures {
  livestreams: number;
  seconds: number;
  answered: number;
  /** The signals sent in the first seconds (every stream opens and its session loads); p50/p99 are of those after. */
  startUp?: { seconds: number; n: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null };
  errors: number;
  // JSON has no NaN: a percentile of no samples arrives as null.
  p50Ms: number | null;
  p99Ms: number | null;
  penalised: { n: number; p50Ms: number | null; p99Ms: number | null };
  actions: Record<string, number>;
}

export const livestreamPath = async (ctx: BenchContext): Promise<void> => {
  const { streams, signalsPerSecond, seconds } = ctx.scale.livestream;
  const id = 'livestream.signals';
  const label = `livestream signal → action, ${streams} streams × ${signalsPerSecond}/s, after the first second`;
  try {
    const [merchant] = await onboardMerchants(ctx, 1);
    const product = await listProduct(ctx, 'livestream', merchant?.merchantId as string);
    if (!(await waitProductsKnownToContent(ctx, [product.productId]))) throw new Error('content did not learn of the product');
    ctx.progress(label);
    const f = await benchFigures<LivestreamFigures>(
      'libs/content/service/bench/livestream.bench.ts',
      [String(streams), String(signalsPerSecond), String(seconds), '--address', ctx.platform.addresses.content, '--pki-dir', ctx.platform.pkiDir, '--product', product.productId, '--merchant', product.merchantId],
      seconds * 1_000 + 180_000,
    );
    ctx.measurements.push({
      id,
      label,
      unit: 'signals/s',
      rate: f.answered / f.seconds,
      ...(f.p50Ms === null ? {} : { p50Ms: f.p50Ms }),
      ...(f.p99Ms === null ? {} : { p99Ms: f.p99Ms }),
      calls: f.answered,
      notes: [
        ...(f.startUp
          ? [
              `p50/p99 of the signals sent after the first ${f.startUp.seconds} s; the ${f.startUp.n} sent in it (every stream opens, every session loads at once): p99 ${f.startUp.p99Ms === null ? '-' : `${f.startUp.p99Ms.toFixed(1)} ms`}`,
            ]
          : []),
        `limit/interrupt answers n=${f.penalised.n}${f.penalised.p99Ms === null ? '' : ` p99 ${f.penalised.p99Ms.toFixed(1)} ms`}`,
        `actions ${Object.entries(f.actions)
          .map(([k, n]) => `${k.replace('LIVESTREAM_ACTION_KIND_', '')}=${n}`)
          .join(' ')}`,
      ],
    });
  } catch (error) {
    failedRow(ctx, id, label, error);
  }
  await ctx.platform.quiesce();
};

interface LexiconFigures {
  mb: number;
  disagreements: number;
  automatonMbPerSecond: number;
  regexMbPerSecond: number;
  /** Median of the ratios of back-to-back pairs of windows (the rates are each side's median). */
  endToEndRatio: number;
  /** The same from the process's CPU time, which waiting for a core does not inflate. */
  endToEndCpuRatio: number;
  matchingOnlyRatio: number;
  segmentP50Us: number;
  segmentP99Us: number;
}

/** `npm run govern`: the CLI's launcher, which runs its bundle (tools/build/src/cli/cli-bundle.ts). */
const GOVERN_LAUNCHER = 'tools/cli/bin/govern.mjs';

/** The claims lexicon end to end (normalise + match + resolve) against one regex per term, on the same corpus. */
export const lexiconPath = async (scale: Scale, measurements: Measurement[], progress: (m: string) => void): Promise<void> => {
  const label = 'claims lexicon, end to end (automaton)';
  progress(label);
  try {
    const f = await benchFigures<LexiconFigures>('libs/policy/claims/bench/lexicon.bench.ts', [String(scale.lexiconMb)], 600_000);
    measurements.push(
      { id: 'floor.lexicon.regex', label: 'per-term regex scan, end to end', unit: 'MB/s', rate: f.regexMbPerSecond, notes: [`${f.mb.toFixed(1)} MB corpus`] },
      {
        id: 'lexicon.end-to-end',
        label,
        unit: 'MB/s',
        rate: f.automatonMbPerSecond,
        // One 200-character livestream segment, µs → ms.
        p50Ms: f.segmentP50Us / 1_000,
        p99Ms: f.segmentP99Us / 1_000,
        checks: { agrees: f.disagreements === 0 },
        notes: [
          `p50/p99 of one 200-char segment; alternating pairs of windows: end to end ${f.endToEndRatio.toFixed(1)}× regex (CPU time ${f.endToEndCpuRatio.toFixed(1)}×), matching alone ${f.matchingOnlyRatio.toFixed(1)}×; ${f.disagreements} texts where the two disagree`,
        ],
      },
    );
  } catch (error) {
    measurements.push({ id: 'lexicon.end-to-end', label, unit: 'MB/s', failed: (error as Error).message.split('\n')[0] ?? 'failed' });
  }
};

/**
 * "main thread 37.5 s, others 20.0, 5.2, 3.3 s, …": where the embedded platform's CPU went by
 * thread. The four services share the main thread; each PGlite runs on a worker thread of its own;
 * V8's helper threads (garbage collection, compilation) are the rest. The main thread's CPU is a
 * floor under the run's wall time whatever the number of cores.
 */
const threadSplit = (pid: number | undefined, before: Map<number, number>, after: Map<number, number>): string => {
  const used = [...after].map(([tid, ms]) => ({ tid, s: (ms - (before.get(tid) ?? 0)) / 1000 }));
  const main = used.find((t) => t.tid === pid);
  const others = used.filter((t) => t.tid !== pid && t.s >= 0.05).sort((a, b) => b.s - a.s);
  const shown = others.slice(0, 6).map((t) => t.s.toFixed(1));
  const rest = others.slice(6).reduce((sum, t) => sum + t.s, 0);
  return `main thread ${main ? main.s.toFixed(1) : '?'} s, the busiest others ${shown.join(', ')} s${rest > 0 ? `, the rest ${rest.toFixed(1)} s` : ''}`;
};

/**
 * `govern simulate` against `npm start`'s platform in embedded mode (PGlite per service, the
 * in-process bus), with a fresh data directory; the row is the simulate command's wall time.
 */
export const simulatePath = async (scale: Scale, measurements: Measurement[], progress: (m: string) => void, profileDir?: string): Promise<void> => {
  const label = `govern ${scale.simulateArgs.join(' ')}, embedded platform`;
  // `npm run govern` runs the CLI's bundle, building it first when its sources changed: built here,
  // before the platform starts and untimed, as a user's first run after a change builds it once.
  progress(`${label}: building the CLI`);
  const build = startNodeProgram(GOVERN_LAUNCHER, ['--help'], process.env);
  if ((await runToEnd(build, 300_000, 'govern --help')) !== 0) {
    measurements.push({ id: 'simulate.embedded', label, unit: '', failed: `the govern CLI did not build: ${build.log.text().slice(-300)}` });
    return;
  }
  const dataDir = mkdtempSync(join(ROOT, 'tmp', 'bench', 'embedded-'));
  // Metrics on free ports, as `npm start` serves them on its own: the simulation settles by them.
  const env: NodeJS.ProcessEnv = { ...process.env, BASE_PORT: '0', METRICS_BASE_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env['DATABASE_URL'];
  delete env['NATS_URL'];
  progress(`${label}: starting the platform`);
  const startedAt = performance.now();
  // Under --profile, the platform's threads (the main one and each PGlite worker) each write a .cpuprofile when it stops.
  const platform = startNodeProgram('apps/dev-platform/src/main.ts', [], env, profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, 'embedded-platform')}`]);
  const addresses = new Map<string, string>();
  const metrics: string[] = [];
  platform.onLine((line) => {
    const match = /^\s+([a-z-]+)\s+(127\.0\.0\.1:\d+)(?:\s+metrics http:\/\/(127\.0\.0\.1:\d+)\/metrics)?$/.exec(line);
    if (match) addresses.set(match[1] as string, match[2] as string);
    if (match?.[3]) metrics.push(`${match[1]}=${match[3]}`);
  });
  try {
    await waitForLine(platform, (line) => (line.startsWith('Press Ctrl+C') ? true : undefined), 'the embedded platform', 180_000);
    const startMs = performance.now() - startedAt;
    const address = (name: string): string => addresses.get(name) ?? '';
    progress(label);
    const simulateStarted = performance.now();
    // profile-summary leaves the platform's start-up out, as it does the services' (its main thread's profile starts at the spawn).
    if (profileDir !== undefined) {
      mkdirSync(join(profileDir, 'embedded-platform'), { recursive: true });
      writeFileSync(join(profileDir, 'embedded-platform', 'serving.json'), JSON.stringify({ servingAfterMs: simulateStarted - startedAt }));
    }
    const platformCpuBefore = cpuMsOf(platform.child.pid);
    const threadsBefore = threadCpuMsOf(platform.child.pid);
    const cli = startNodeProgram(GOVERN_LAUNCHER, [
      ...scale.simulateArgs,
      '--content',
      address('content'),
      '--product-quality',
      address('product-quality'),
      '--merchant-access',
      address('merchant-access'),
      '--consumer-experience',
      address('consumer-experience'),
      // Never the default endpoints: those are npm start's, maybe another platform's.
      '--metrics',
      metrics.length > 0 ? metrics.join(',') : 'off',
      // The platform made its development CA and keys in its data dir; the CLI trusts and signs with those.
    ], { ...process.env, GOVERN_PKI_DIR: join(dataDir, 'pki') });
    // The summary's phase lines ("  settle: orders      2.3 s      4 calls"): the waits for the platform to settle.
    const settleMs: number[] = [];
    cli.onLine((line) => {
      const phase = /^\s+(settle: .+?|onboarding)\s+(\d+\.\d) s\s+[\d,]+ calls$/.exec(line);
      if (phase) settleMs.push(Number(phase[2]) * 1_000);
    });
    const code = await runToEnd(cli, 1_800_000, 'govern simulate');
    const totalMs = performance.now() - simulateStarted;
    const platformCpuMs = (cpuMsOf(platform.child.pid) ?? NaN) - (platformCpuBefore ?? NaN);
    const threads = threadSplit(platform.child.pid, threadsBefore, threadCpuMsOf(platform.child.pid));
    measurements.push({
      id: 'simulate.embedded',
      label,
      unit: '',
      ...(code === 0 ? { totalMs } : { failed: `exited with ${code}: ${cli.log.text().slice(-300)}` }),
      notes: [
        `embedded platform started in ${(startMs / 1000).toFixed(1)} s (not counted)`,
        `platform CPU during the run ${(platformCpuMs / 1000).toFixed(1)} s (its threads together: ${threads}); waits for the platform to settle (onboarding and settle phases) ${(settleMs.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s`,
      ],
    });
  } catch (error) {
    measurements.push({ id: 'simulate.embedded', label, unit: '', failed: (error as Error).message.split('\n')[0] ?? 'failed' });
  } finally {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
};

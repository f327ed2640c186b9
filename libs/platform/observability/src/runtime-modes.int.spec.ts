import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpCollectorStub, type OtlpCollectorStub } from './testing/otlp-collector-stub';

/**
 * Services run as ESM TypeScript under tsx in development and as one esbuild bundle in
 * production (tools/build: platform node, format esm, a createRequire banner). Tracing here
 * is middleware, not module patching, so both must export the same spans; this runs a probe
 * process each way against the OTLP collector stub.
 */
const run = promisify(execFile);
const WORKSPACE = join(import.meta.dirname, '..', '..', '..', '..');
const PROBE = join(import.meta.dirname, 'testing', 'runtime-probe.fixture.ts');

let collector: OtlpCollectorStub;
let outDir: string;
beforeAll(async () => {
  collector = await startOtlpCollectorStub();
  // Inside the workspace: the bundle leaves pino external, as the artifact does, and finds it in node_modules.
  await mkdir(join(WORKSPACE, 'tmp'), { recursive: true });
  outDir = await mkdtemp(join(WORKSPACE, 'tmp', 'obs-bundle-'));
});
afterAll(async () => {
  await collector.close();
  await rm(outDir, { recursive: true, force: true });
});

const probeSpans = async (before: number) => {
  const spans = await collector.waitFor((all) => all.length >= before + 2);
  return spans.slice(before);
};

describe('tracing and metrics in both runtime modes', () => {
  it.each([
    ['node --import tsx', async () => ['--import', 'tsx', PROBE]],
    [
      'an esbuild ESM bundle',
      async () => {
        await esbuild.build({
          absWorkingDir: WORKSPACE,
          entryPoints: { main: PROBE },
          outdir: outDir,
          bundle: true,
          platform: 'node',
          format: 'esm',
          target: 'node20.19',
          tsconfig: join(WORKSPACE, 'tsconfig.base.json'),
          external: ['pino'],
          banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
          logLevel: 'error',
        });
        return [join(outDir, 'main.js')];
      },
    ],
  ])('under %s: one trace exported over OTLP, the call counted on /metrics', async (_mode, argsOf) => {
    const before = collector.spans.length;
    const { stdout } = await run(process.execPath, [...(await argsOf()), collector.endpoint], { cwd: WORKSPACE, timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1) as string)).toEqual({ reply: 'probe', exporting: 'otlp', handled: 1 });
    const spans = await probeSpans(before);
    const client = spans.find((s) => s.kind === 'CLIENT');
    const server = spans.find((s) => s.kind === 'SERVER');
    expect(server).toMatchObject({ service: 'runtime-probe', name: 'govern.test.v1.Ledger/Record', traceId: client?.traceId, parentSpanId: client?.spanId });
  });
});

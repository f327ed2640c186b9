import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `npm run govern` runs tools/cli/bin/govern.mjs: the CLI's bundle, rebuilt from the sources when
 * any file it was built from changed. Here with the bundle in a directory of its own, so the
 * workspace's tmp/cli is never touched; inside the workspace, as tmp/cli is, so the packages the
 * bundle leaves external (pino) resolve from its node_modules.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const run = promisify(execFile);

let bundleDir: string;
const launch = (args: string[]) =>
  run(process.execPath, ['tools/cli/bin/govern.mjs', ...args], { cwd: root, env: { ...process.env, GOVERN_CLI_BUNDLE_DIR: bundleDir }, timeout: 120_000 });

const BUILDING = /building the CLI from its sources/;

interface Manifest {
  inputs: [string, number, number][];
}
const readManifest = async (): Promise<Manifest> => JSON.parse(await readFile(join(bundleDir, 'inputs.json'), 'utf8')) as Manifest;
const bundleMtime = async (): Promise<number> => (await stat(join(bundleDir, 'govern.mjs'))).mtimeMs;

describe('the govern launcher', () => {
  beforeAll(async () => {
    await mkdir(join(root, 'tmp'), { recursive: true });
    bundleDir = await mkdtemp(join(root, 'tmp', 'cli-launcher-test-'));
  });
  afterAll(async () => {
    await rm(bundleDir, { recursive: true, force: true });
  });

  it('builds the bundle on its first run and runs the command from it', async () => {
    const { stdout, stderr } = await launch(['simulate', '--help']);
    expect(stderr).toMatch(BUILDING);
    expect(stdout).toContain('Usage: govern simulate');
    const manifest = await readManifest();
    const paths = manifest.inputs.map(([path]) => path);
    // The workspace sources and the packages it bundles are both recorded, and so is the builder.
    expect(paths).toEqual(expect.arrayContaining(['tools/cli/src/main.ts', 'tools/build/src/cli/cli-bundle.ts', 'tsconfig.base.json']));
    expect(paths.some((path) => path.startsWith('node_modules/@grpc/grpc-js/'))).toBe(true);
    // testcontainers, which the test infrastructure imports only when a test asks for Docker, is not bundled.
    expect(paths.some((path) => path.includes('testcontainers') || path.includes('docker'))).toBe(false);
  });

  it('reuses the bundle while nothing it was built from changed', async () => {
    const built = await bundleMtime();
    const { stdout, stderr } = await launch(['--help']);
    expect(stderr).not.toMatch(BUILDING);
    expect(stdout).toContain('Usage: govern <command>');
    expect(await bundleMtime()).toBe(built);
  });

  it('rebuilds when an input differs from what was recorded, or is gone', async () => {
    const manifest = await readManifest();
    const main = manifest.inputs.find(([path]) => path === 'tools/cli/src/main.ts') as [string, number, number];
    // As if main.ts had been edited since the build: its recorded mtime no longer matches.
    main[1] -= 1_000;
    await writeFile(join(bundleDir, 'inputs.json'), JSON.stringify(manifest));
    const first = await launch(['--help']);
    expect(first.stderr).toMatch(BUILDING);
    expect(first.stdout).toContain('Usage: govern <command>');

    const rebuilt = await readManifest();
    rebuilt.inputs.push(['tools/cli/src/no-such-file.ts', 0, 0]);
    await writeFile(join(bundleDir, 'inputs.json'), JSON.stringify(rebuilt));
    const second = await launch(['--help']);
    expect(second.stderr).toMatch(BUILDING);
    // The rebuilt manifest is the builder's again: the file that is gone is no longer listed.
    expect((await readManifest()).inputs.some(([path]) => path === 'tools/cli/src/no-such-file.ts')).toBe(false);
  });

  it('passes the command’s exit code and errors through', async () => {
    const failure = await launch(['no-such-command']).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('unknown command "no-such-command"');
  });
});

import { mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { workspaceBundleOptions } from '../artifact/bundle';

/**
 * The `govern` CLI as one ESM file, which `tools/cli/bin/govern.mjs` (`npm run govern`) runs.
 *
 * Why a bundle: run from its TypeScript sources through tsx, the CLI spent about 1.3 s of every
 * start resolving, transforming and loading about 1,200 modules (grpc-js, protobuf, the four
 * services' contracts, zod…). Bundled, `govern simulate --help` takes 0.56-0.59 s instead of
 * 1.87 s: a start every operator's command and every `govern simulate` pays.
 *
 * The bundle is a cache of the sources, never a second truth: next to it, `inputs.json` lists
 * every file esbuild read (workspace sources, tsconfig, node_modules) with its modification time
 * and size, plus this builder's own files; the launcher rebuilds when any of them differs or is
 * gone. Bundled as the services' artifacts are (`workspaceBundleOptions`): the same externals
 * and dev-only exclusions.
 */

const CLI_ENTRY = 'tools/cli/src/main.ts';
const CLI_BUNDLE_FILE = 'govern.mjs';
const CLI_INPUTS_FILE = 'inputs.json'; // the names tools/cli/bin/govern.mjs reads

/** Files that shape the bundle without being imported by it: a change to them rebuilds it too. */
const BUILDER_FILES = ['tools/build/src/cli/cli-bundle.ts', 'tools/build/src/artifact/bundle.ts', 'tools/cli/bin/govern.mjs', 'tsconfig.base.json'];

/** One input as the launcher compares it: workspace-relative path, mtime in ms, size in bytes. */
export type CliBundleInput = [path: string, mtimeMs: number, size: number];

export interface CliBundleManifest {
  inputs: CliBundleInput[];
}

/**
 * A file as it is now. One changed since `notChangedAfter` (while the build read it) is recorded
 * with an mtime no file has, so the next run rebuilds instead of trusting a bundle made from
 * text that may be older than the file.
 */
const inputOf = (workspaceRoot: string, path: string, notChangedAfter: number): CliBundleInput => {
  const stats = statSync(join(workspaceRoot, path));
  return [path, stats.mtimeMs >= notChangedAfter ? -1 : stats.mtimeMs, stats.size];
};

/**
 * Builds the bundle into `outDir` and writes its inputs. Both files are written under temporary
 * names and renamed, so a launcher running at the same time finds the old pair or the new one.
 */
export const buildCliBundle = async (options: { workspaceRoot: string; outDir: string }): Promise<CliBundleManifest> => {
  mkdirSync(options.outDir, { recursive: true });
  const started = Date.now();
  const temporary = join(options.outDir, `${CLI_BUNDLE_FILE}.${process.pid}.tmp`);
  const shared = workspaceBundleOptions(options.workspaceRoot);
  const result = await esbuild.build({
    ...shared,
    entryPoints: [CLI_ENTRY],
    outfile: temporary,
    // The simulation's identity generators come from @govern/platform-testing, whose test
    // infrastructure imports testcontainers only dynamically, when a test asks for Docker: the
    // CLI never does, so testcontainers (Docker's SSH client, native addons) stays out of the bundle.
    external: [...shared.external, '@testcontainers/*'],
  });
  // esbuild names its inputs relative to absWorkingDir, the workspace root.
  const inputs = [...BUILDER_FILES, ...Object.keys(result.metafile.inputs)];
  const manifest: CliBundleManifest = { inputs: inputs.map((path) => inputOf(options.workspaceRoot, path, started)) };
  renameSync(temporary, join(options.outDir, CLI_BUNDLE_FILE));
  const manifestTemporary = join(options.outDir, `${CLI_INPUTS_FILE}.${process.pid}.tmp`);
  writeFileSync(manifestTemporary, JSON.stringify(manifest));
  renameSync(manifestTemporary, join(options.outDir, CLI_INPUTS_FILE));
  return manifest;
};

#!/usr/bin/env node
// @ts-check
/**
 * `npm run govern -- <command>`: runs the CLI from its bundle (tmp/cli/govern.mjs), building it
 * first when it is missing or any file it was built from has changed since
 * (tools/build/src/cli/cli-bundle.ts says why a bundle, and what it records).
 *
 * Plain JavaScript so that Node runs it as it is: the point is not to load tsx on every start.
 * Only a rebuild loads tsx, to run the TypeScript builder. GOVERN_CLI_BUNDLE_DIR puts the
 * bundle elsewhere (the launcher's test builds into a temporary directory).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const workspaceRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bundleDir = process.env.GOVERN_CLI_BUNDLE_DIR || join(workspaceRoot, 'tmp', 'cli');
const bundle = join(bundleDir, 'govern.mjs');

/** Whether every recorded input is still the file the bundle was built from (same mtime and size). */
const isCurrent = () => {
  /** @type {{ inputs: [string, number, number][] }} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(bundleDir, 'inputs.json'), 'utf8'));
    statSync(bundle);
  } catch {
    return false;
  }
  return manifest.inputs.every(([path, mtimeMs, size]) => {
    const stats = statSync(join(workspaceRoot, path), { throwIfNoEntry: false });
    return stats !== undefined && stats.mtimeMs === mtimeMs && stats.size === size;
  });
};

if (!isCurrent()) {
  process.stderr.write('govern: building the CLI from its sources (once after each change)…\n');
  const { tsImport } = await import('tsx/esm/api');
  /** @type {typeof import('../../build/src/cli/cli-bundle')} */
  const builder = await tsImport('../../build/src/cli/cli-bundle.ts', import.meta.url);
  await builder.buildCliBundle({ workspaceRoot, outDir: bundleDir });
}
await import(pathToFileURL(bundle).href);

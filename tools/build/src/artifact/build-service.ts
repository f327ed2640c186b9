/**
 * `nx build <service>`: the deployable artifact of one service in dist/apps/<service>/
 *
 *   main.js (+ .map)        the service bundled (serve | migrate)
 *   health-probe.js (+ .map) gRPC health check for container HEALTHCHECKs
 *   migrations/             the service's SQL migrations, applied by `node main.js migrate`
 *   package.json            the packages the bundle leaves external, pinned
 *   package-lock.json       the root lockfile pruned to those
 *
 * It runs from that folder alone after `npm ci --omit=dev` (no workspace, no tsx, no dev
 * dependencies); the Dockerfile in deploy/ copies exactly this.
 *
 * Usage: tsx tools/build/src/artifact/build-service.ts --project content --root apps/content \
 *          --main apps/content/src/main.ts --migrations libs/content/data-access/prisma/migrations --out dist/apps/content
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleService } from './bundle';
import { prunedLockfile, runtimePackageJson, type RootPackageJson } from './runtime-package';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..', '..');

export interface BuildOptions {
  project: string;
  /** Paths relative to the workspace root (`out` may also be absolute). */
  projectRoot: string;
  main: string;
  migrations: string;
  out: string;
}

export const buildService = async (options: BuildOptions): Promise<{ outDir: string; externals: string[] }> => {
  const outDir = resolve(workspaceRoot, options.out);
  const migrations = join(workspaceRoot, options.migrations);
  if (!existsSync(join(workspaceRoot, options.main))) throw new Error(`no entry point at ${options.main}`);
  if (!existsSync(migrations)) throw new Error(`no migrations at ${options.migrations}`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const bundle = await bundleService({ workspaceRoot, main: options.main, outDir, probe: relative(workspaceRoot, join(import.meta.dirname, 'health-probe.ts')) });
  cpSync(migrations, join(outDir, 'migrations'), { recursive: true });

  const root = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')) as RootPackageJson;
  const packageJson = runtimePackageJson({ project: options.project, root, externals: bundle.externalPackages });
  const lockfile = await prunedLockfile(packageJson, options.projectRoot);
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  writeFileSync(join(outDir, 'package-lock.json'), lockfile);
  return { outDir, externals: bundle.externalPackages };
};

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const { values } = parseArgs({
    options: { project: { type: 'string' }, root: { type: 'string' }, main: { type: 'string' }, migrations: { type: 'string' }, out: { type: 'string' } },
  });
  const { project, root, main, migrations, out } = values;
  if (!project || !root || !main || !migrations || !out) {
    console.error('usage: build-service --project <name> --root <project root> --main <entry.ts> --migrations <dir> --out <dir>');
    process.exit(2);
  }
  buildService({ project, projectRoot: root, main, migrations, out }).then(
    (result) => console.log(`${project}: built ${relative(workspaceRoot, result.outDir)} (runtime dependencies: ${result.externals.join(', ') || 'none'})`),
    (error: unknown) => {
      console.error(`${project}: build failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

import { builtinModules } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

/**
 * How a service is bundled: workspace code (libs, generated contracts and Prisma clients)
 * and pure-JS packages go into one ESM `main.js`; only the packages below stay external and
 * are installed from the artifact's own package.json and pruned lockfile.
 */

/**
 * Packages the bundle leaves external. pino is loaded through its own package because its
 * transports and destinations run in worker threads that resolve files next to pino at run
 * time (bundled, they break silently on the first `transport` setting).
 *
 * Everything else bundles: Prisma 7's client is the generated TypeScript plus
 * `@prisma/client/runtime`, whose query compiler is WebAssembly shipped as a base64 ES
 * module, so only the PostgreSQL compiler lands in the bundle (not the 70 MB package);
 * gRPC, NATS, pg and zod are plain JavaScript; the descriptor sets are generated modules.
 */
export const RUNTIME_EXTERNALS: readonly string[] = ['pino'];

/**
 * `pg` requires `pg-native` only when `pg.native` is read, which Govern never does; the
 * import stays in the bundle, unresolved, and the package is not installed.
 */
const ABSENT_OPTIONAL = new Set(['pg-native']);

/**
 * Embedded PostgreSQL (PGlite) serves `npm start` and tests; it is reachable through
 * @govern/platform-db's index but no deployed service calls it. Marked external and free of
 * side effects, its unused imports drop out of the bundle; if code ever used it, the import
 * would stay and `checkExternals` fails the build.
 */
const DEV_ONLY = /^@electric-sql\//;

export interface BundleResult {
  outputs: string[];
  /** Package names the bundle imports at run time (not Node built-ins). */
  externalPackages: string[];
}

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

const packageName = (specifier: string): string => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
};

const devOnlyPlugin: esbuild.Plugin = {
  name: 'govern-dev-only',
  setup(build) {
    build.onResolve({ filter: DEV_ONLY }, (args) => ({ path: args.path, external: true, sideEffects: false }));
  },
};

/**
 * How workspace code is bundled for Node, for the services' artifacts and the `govern` CLI
 * (tools/build/src/cli/cli-bundle.ts): one ESM file per entry, the externals above.
 */
export const workspaceBundleOptions = (workspaceRoot: string) =>
  ({
    absWorkingDir: workspaceRoot,
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The root package.json's engines (>=20.19); the images run Node 20 LTS or later.
    target: 'node20.19',
    tsconfig: join(workspaceRoot, 'tsconfig.base.json'),
    external: [...RUNTIME_EXTERNALS, ...ABSENT_OPTIONAL],
    plugins: [devOnlyPlugin],
    // CommonJS packages inside an ESM bundle call `require` for Node built-ins; ESM has none.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // Functions and classes keep the names the code gives them (stack traces, errors), as under tsx.
    keepNames: true,
    metafile: true,
    logLevel: 'warning',
  }) satisfies esbuild.BuildOptions;

export const bundleService = async (options: { workspaceRoot: string; main: string; outDir: string; probe: string }): Promise<BundleResult> => {
  const result = await esbuild.build({
    ...workspaceBundleOptions(options.workspaceRoot),
    entryPoints: { main: options.main, 'health-probe': options.probe },
    outdir: options.outDir,
    // Stack traces map back to the TypeScript sources (node --enable-source-maps) without
    // shipping the sources themselves.
    sourcemap: 'linked',
    sourcesContent: false,
  });
  const externalPackages = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imported of output.imports) {
      if (imported.external && !builtins.has(imported.path)) externalPackages.add(packageName(imported.path));
    }
  }
  checkExternals([...externalPackages]);
  return {
    outputs: Object.keys(result.metafile.outputs),
    externalPackages: [...externalPackages].filter((name) => !ABSENT_OPTIONAL.has(name)).sort(),
  };
};

/** Every package the bundle still imports must be one the artifact installs (or a known absent optional one). */
export const checkExternals = (imported: readonly string[]): void => {
  const unexpected = imported.filter((name) => !RUNTIME_EXTERNALS.includes(name) && !ABSENT_OPTIONAL.has(name));
  if (unexpected.length > 0) {
    throw new Error(`the bundle imports packages it does not ship: ${unexpected.join(', ')} (bundle them, or add them to RUNTIME_EXTERNALS)`);
  }
};

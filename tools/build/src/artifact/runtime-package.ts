import { createProjectGraphAsync, readCachedProjectGraph, type ProjectGraph } from '@nx/devkit';
// Nx's own lockfile pruning (what @nx/esbuild and @nx/webpack's generatePackageJson use).
import { generatePrunedDeployOutput } from '@nx/devkit/internal';

export interface RootPackageJson {
  version: string;
  engines?: Record<string, string>;
  dependencies: Record<string, string>;
}

export interface RuntimePackageJson {
  name: string;
  version: string;
  private: true;
  type: 'module';
  main: string;
  engines?: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
}

/**
 * The artifact's package.json: the packages its bundle leaves external, at the versions the
 * workspace pins, and scripts for its commands. `npm ci --omit=dev` in the artifact folder
 * installs exactly these.
 */
export const runtimePackageJson = (options: { project: string; root: RootPackageJson; externals: readonly string[] }): RuntimePackageJson => {
  const dependencies: Record<string, string> = {};
  for (const name of options.externals) {
    const version = options.root.dependencies[name];
    if (!version) throw new Error(`${name} is imported at run time but is not a dependency of the root package.json`);
    dependencies[name] = version;
  }
  return {
    name: `@govern/${options.project}`,
    version: options.root.version,
    private: true,
    type: 'module',
    main: 'main.js',
    ...(options.root.engines ? { engines: options.root.engines } : {}),
    scripts: {
      start: 'node --enable-source-maps main.js',
      migrate: 'node --enable-source-maps main.js migrate',
      health: 'node health-probe.js',
    },
    dependencies,
  };
};

const projectGraph = async (): Promise<ProjectGraph> => {
  try {
    // Inside an Nx task the graph of this run is cached already.
    return readCachedProjectGraph();
  } catch {
    return createProjectGraphAsync({ exitOnError: false });
  }
};

interface NpmLockfile {
  name?: string;
  packages: Record<string, { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; dev?: boolean }>;
}

/**
 * The root package-lock.json pruned to the artifact's dependencies and their closure. Nx
 * falls back to the whole root lockfile when pruning fails; that would install the
 * workspace's tool chain in production, so it is refused here.
 */
export const prunedLockfile = async (packageJson: RuntimePackageJson, projectRoot: string): Promise<string> => {
  const graph = await projectGraph();
  let lockfile: string | undefined;
  generatePrunedDeployOutput(packageJson, graph, projectRoot, {
    packageManager: 'npm',
    emit: (path, content) => {
      if (path === 'package-lock.json') lockfile = content.toString();
    },
  });
  if (!lockfile) throw new Error('Nx produced no package-lock.json');
  const parsed = JSON.parse(lockfile) as NpmLockfile;
  const top = parsed.packages[''];
  if (parsed.name !== packageJson.name || top?.devDependencies || Object.values(parsed.packages).some((entry) => entry.dev)) {
    throw new Error('the lockfile was not pruned to the artifact (Nx fell back to the root lockfile)');
  }
  return lockfile;
};

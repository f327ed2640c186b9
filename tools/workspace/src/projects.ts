import { existsSync, readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';

export interface WorkspaceProject {
  name: string;
  /** Project root relative to the workspace, with forward slashes. */
  root: string;
  tags: string[];
  implicitDependencies: string[];
  /** The name in the project's package.json, if it has one (a local Nx plugin: `@govern/tools`). */
  packageName?: string;
}

const SKIP = new Set(['node_modules', 'dist', '.nx', '.git', 'tmp', 'generated', 'gen']);

/** Every Nx project.json under apps/, libs/ and tools/ (not proto/: protos carry no TypeScript). */
export const findProjects = (workspaceRoot: string): WorkspaceProject[] => {
  const found: WorkspaceProject[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      if (SKIP.has(entry)) continue;
      const path = join(dir, entry);
      if (entry === 'project.json') {
        const json = JSON.parse(readFileSync(path, 'utf8')) as { name: string; tags?: string[]; implicitDependencies?: string[] };
        const packageJson = join(dir, 'package.json');
        const packageName = existsSync(packageJson) ? (JSON.parse(readFileSync(packageJson, 'utf8')) as { name?: string }).name : undefined;
        found.push({
          name: json.name,
          root: relative(workspaceRoot, dir).split('\\').join('/'),
          tags: json.tags ?? [],
          implicitDependencies: json.implicitDependencies ?? [],
          ...(packageName ? { packageName } : {}),
        });
      } else if (statSync(path).isDirectory()) {
        walk(path);
      }
    }
  };
  for (const top of ['apps', 'libs', 'tools']) {
    try {
      walk(join(workspaceRoot, top));
    } catch {
      // a fresh workspace may not have every top-level folder yet
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
};

/**
 * tsconfig.base.json `paths` as the projects make them: every lib `x` is importable as
 * `@govern/x`, only through its `src/index.ts`; a tools project with a package.json (a local Nx
 * plugin) by its package name, which is how Nx finds its generators. Sorted, so the file stays stable.
 */
export const libPaths = (projects: readonly WorkspaceProject[]): Record<string, string[]> =>
  Object.fromEntries(
    projects
      .flatMap((p): [string, string[]][] =>
        p.root.startsWith('libs/') ? [[`@govern/${p.name}`, [`${p.root}/src/index.ts`]]] : p.packageName ? [[p.packageName, [`${p.root}/src/index.ts`]]] : [],
      )
      .sort(([a], [b]) => a.localeCompare(b)),
  );

/**
 * Suites too long for the fast loop (`test`), each run by the Nx target of the same name:
 * `*.e2e.spec.ts` (several services or processes together), `*.scale.spec.ts` (sized runs that
 * take minutes), `*.fuzz.spec.ts` (generated hostile input).
 */
export const LONG_SUITE_KINDS = ['e2e', 'scale', 'fuzz'] as const;
export type LongSuiteKind = (typeof LONG_SUITE_KINDS)[number];

/** Whether the project has spec files of this kind under src/ or test/. */
export const projectHasSuite = (workspaceRoot: string, project: WorkspaceProject, kind: LongSuiteKind): boolean => {
  const suffix = `.${kind}.spec.ts`;
  const search = (dir: string): boolean => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    return entries.some((entry) => !SKIP.has(entry.name) && (entry.isDirectory() ? search(join(dir, entry.name)) : entry.name.endsWith(suffix)));
  };
  return ['src', 'test'].some((dir) => search(join(workspaceRoot, project.root, dir)));
};

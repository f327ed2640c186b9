import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface WorkspaceProject {
  name: string;
  /** Project root relative to the workspace, with forward slashes. */
  root: string;
  tags: string[];
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
        const json = JSON.parse(readFileSync(path, 'utf8')) as { name: string; tags?: string[] };
        found.push({ name: json.name, root: relative(workspaceRoot, dir).split('\\').join('/'), tags: json.tags ?? [] });
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

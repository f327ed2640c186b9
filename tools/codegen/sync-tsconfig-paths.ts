/**
 * Keeps tsconfig.base.json `paths` in step with the libs: every project.json under libs/
 * whose name is `x` becomes `@govern/x` -> `<root>/src/index.ts`. Only the index is importable.
 * Run after adding a lib: `npx tsx tools/codegen/sync-tsconfig-paths.ts`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjects } from '../workspace/src/projects';

const root = join(import.meta.dirname, '..', '..');
const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const paths: Record<string, string[]> = {};
for (const project of findProjects(root).filter((p) => p.root.startsWith('libs/'))) {
  paths[`@govern/${project.name}`] = [`${project.root}/src/index.ts`];
}
base.compilerOptions.paths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(join(root, 'tsconfig.base.json'), JSON.stringify(base, null, 2) + '\n');
console.log(`${Object.keys(paths).length} lib paths`);

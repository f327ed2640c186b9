/**
 * Keeps tsconfig.base.json `paths` in step with the libs: every project.json under libs/
 * whose name is `x` becomes `@govern/x` -> `<root>/src/index.ts`. Only the index is importable.
 * The service generator does this itself; run it after adding a lib by hand:
 * `npx tsx tools/workspace/src/sync-tsconfig-paths.ts` (a workspace test checks it was).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findProjects, libPaths } from './projects';

const root = join(import.meta.dirname, '..', '..', '..');
const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
base.compilerOptions.paths = libPaths(findProjects(root));
writeFileSync(join(root, 'tsconfig.base.json'), JSON.stringify(base, null, 2) + '\n');
console.log(`${Object.keys(base.compilerOptions.paths).length} lib paths`);

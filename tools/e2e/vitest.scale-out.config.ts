import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:scale` only: the scale-out test (issue 15 item 5) takes many minutes and the whole
 * machine, so it is not in the workspace config's projects (`npm test`, CI) — its file name,
 * `*.scaleout-test.ts`, matches none of their patterns.
 */
const root = join(import.meta.dirname, '..', '..');
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
const alias = Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => ({ find: name, replacement: join(root, target as string) }));

export default defineConfig({
  resolve: { alias },
  test: {
    name: 'e2e:scale-out',
    root: import.meta.dirname,
    include: ['src/**/*.scaleout-test.ts'],
    environment: 'node',
    globalSetup: [join(root, 'libs/platform/testing/src/vitest-global-setup.ts')],
    testTimeout: 1_200_000,
    hookTimeout: 900_000,
  },
});

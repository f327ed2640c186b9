import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { findProjects } from './tools/workspace/src/projects.ts';

/**
 * One vitest project per Nx project (same name), so `npm test` runs everything in one
 * process while `nx affected -t test` runs `vitest run --project <name>` per project.
 * Unit specs (`*.spec.ts`) and integration specs (`*.int.spec.ts`) live side by side;
 * integration specs need DATABASE_URL/NATS_URL or a Docker engine (libs/platform/testing).
 */
const root = import.meta.dirname;
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const alias = Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => ({
  find: name,
  replacement: join(root, target as string),
}));

export default defineConfig({
  resolve: { alias },
  test: {
    // Some projects (contracts, apps before their service issue) have no specs yet.
    passWithNoTests: true,
    projects: findProjects(root).map((project) => ({
      resolve: { alias },
      test: {
        name: project.name,
        root: join(root, project.root),
        include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
        environment: 'node',
        testTimeout: 30_000,
        hookTimeout: 120_000,
      },
    })),
  },
});

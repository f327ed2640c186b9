import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { findProjects, LONG_SUITE_KINDS, projectHasSuite } from './tools/workspace/src/projects.ts';

/**
 * One vitest project per Nx project (same name) for its fast suites, `*.spec.ts` (unit) and
 * `*.int.spec.ts` (integration): `nx affected -t test` runs `vitest run --project <name>`.
 * Long suites get a vitest project of their own, `<name>:<kind>`, run by the Nx target of
 * that kind (`nx affected -t e2e`): `*.e2e.spec.ts` (several services or processes),
 * `*.scale.spec.ts` (sized runs, minutes) and `*.fuzz.spec.ts`. `npm test` (`vitest run`)
 * runs every project, so every suite. Integration suites find their servers through
 * libs/platform/testing (DATABASE_URL/NATS_URL, the default local ports, or Docker).
 */
const root = import.meta.dirname;
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const alias = Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => ({
  find: name,
  replacement: join(root, target as string),
}));

const common = { environment: 'node', testTimeout: 30_000, hookTimeout: 120_000 } as const;

export default defineConfig({
  resolve: { alias },
  test: {
    // Some projects (contracts, apps) have no specs.
    passWithNoTests: true,
    // Finds PostgreSQL and NATS once per run (not once per test file) and says which it uses.
    globalSetup: [join(root, 'libs/platform/testing/src/vitest-global-setup.ts')],
    projects: findProjects(root).flatMap((project) => [
      {
        resolve: { alias },
        test: {
          ...common,
          name: project.name,
          root: join(root, project.root),
          include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
          exclude: ['**/node_modules/**', ...LONG_SUITE_KINDS.map((kind) => `**/*.${kind}.spec.ts`)],
        },
      },
      ...LONG_SUITE_KINDS.filter((kind) => projectHasSuite(root, project, kind)).map((kind) => ({
        resolve: { alias },
        test: {
          ...common,
          name: `${project.name}:${kind}`,
          root: join(root, project.root),
          include: [`src/**/*.${kind}.spec.ts`, `test/**/*.${kind}.spec.ts`],
        },
      })),
    ]),
  },
});

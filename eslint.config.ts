import nx from '@nx/eslint-plugin';
// The registry file itself (no imports of its own): the lib's index would pull in generated code.
import { SERVICE_NAMES } from './libs/contracts/common/src/service-registry';

const INFRA_IMPORTS = ['@prisma/*', '@grpc/*', '@nats-io/*', 'pg', 'pino', '@electric-sql/*'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/node_modules', '**/dist', '**/.nx', '**/src/gen/**', '**/src/generated/**', 'tmp/**'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          // Only a lib's src/index.ts is importable: no deep imports into another project.
          banTransitiveDependencies: true,
          checkNestedExternalImports: true,
          depConstraints: [
            // A service only depends on its own libs and shared ones; other services are
            // reached through their contracts (gRPC clients and events), never their libs.
            ...SERVICE_NAMES.map((service) => ({
              sourceTag: `scope:${service}`,
              onlyDependOnLibsWithTags: [`scope:${service}`, 'scope:shared'],
            })),
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:tools', onlyDependOnLibsWithTags: ['scope:shared', 'scope:tools'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared', 'scope:e2e'] },
            // The local platform runs every service in one process (embedded mode): it alone may compose them.
            { sourceTag: 'scope:dev', onlyDependOnLibsWithTags: ['*'] },
            // Layers: domain code is pure; it may use other pure libs only, and no I/O packages.
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain'],
              bannedExternalImports: INFRA_IMPORTS,
            },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:platform', 'type:domain'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:domain', 'type:data-access'] },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:domain', 'type:data-access', 'type:platform', 'type:contracts'],
            },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:service', 'type:data-access', 'type:platform', 'type:contracts', 'type:domain'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:domain', 'type:tool'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:domain', 'type:tool'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Test helpers (testcontainers, nats-server processes, fixtures) never reach a deployable:
    // a production bundle that imports them drags Docker's SSH client and native addons along.
    files: ['libs/**/*.ts', 'apps/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**', 'apps/*/test/**', '**/test-support/**', '**/bench/**', 'libs/platform/testing/**', 'libs/platform/service-testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['@govern/platform-testing', '@govern/platform-service-testing'].map((name) => ({
            name,
            message: 'test helpers are for specs, fixtures and benches only; production code must not import them',
          })),
        },
      ],
    },
  },
  {
    // Only main.ts reads the environment (one zod schema per app); everything else gets config passed in.
    files: ['libs/**/*.ts'],
    ignores: ['libs/platform/testing/**', '**/*.spec.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in main.ts through the app zod schema and pass it in.' }],
    },
  },
];

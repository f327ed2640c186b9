import { describe, expect, it } from 'vitest';
import { checkExternals, RUNTIME_EXTERNALS } from './bundle';
import { runtimePackageJson } from './runtime-package';

const root = { version: '0.0.0', engines: { node: '>=20.19' }, dependencies: { pino: '10.4.0', zod: '4.6.7' } };

describe('the artifact package.json', () => {
  it('lists exactly the packages the bundle leaves external, at the versions the workspace pins, with its commands', () => {
    expect(runtimePackageJson({ project: 'content', root, externals: ['pino'] })).toEqual({
      name: '@govern/content',
      version: '0.0.0',
      private: true,
      type: 'module',
      main: 'main.js',
      engines: { node: '>=20.19' },
      scripts: { start: 'node --enable-source-maps main.js', migrate: 'node --enable-source-maps main.js migrate', health: 'node health-probe.js' },
      dependencies: { pino: '10.4.0' },
    });
  });

  it('refuses an external package the workspace does not depend on', () => {
    expect(() => runtimePackageJson({ project: 'content', root, externals: ['left-pad'] })).toThrow(/left-pad is imported at run time but is not a dependency/);
  });
});

describe('bundle externals', () => {
  it('accepts the declared externals and the absent optional pg-native', () => {
    expect(() => checkExternals([...RUNTIME_EXTERNALS, 'pg-native'])).not.toThrow();
  });

  it('fails the build when the bundle would import a package the artifact does not install', () => {
    expect(() => checkExternals(['pino', '@electric-sql/pglite'])).toThrow(/imports packages it does not ship: @electric-sql\/pglite/);
  });
});

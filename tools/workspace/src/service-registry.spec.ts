import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES, servicePackage } from '@govern/contracts-common';
import { findProjects, libPaths, LONG_SUITE_KINDS, projectHasSuite } from './projects';

/**
 * The service registry is the one list of services: every service in it has its projects, no
 * service exists outside it, and what cannot read it (tsconfig paths) agrees with the projects.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const projects = findProjects(root);
const byName = new Map(projects.map((p) => [p.name, p]));

/** Scopes that are not services. */
const NON_SERVICE_SCOPES = new Set(['shared', 'tools', 'e2e', 'dev']);

describe('the service registry', () => {
  it.each(SERVICE_NAMES)('%s has its contracts, domain, data-access, service and app projects, tagged with its scope', (service) => {
    const expected = [
      [`contracts-${service}`, `libs/contracts/${service}`, 'type:contracts'],
      [`${service}-domain`, `libs/${service}/domain`, 'type:domain'],
      [`${service}-data-access`, `libs/${service}/data-access`, 'type:data-access'],
      [`${service}-service`, `libs/${service}/service`, 'type:service'],
      [service, `apps/${service}`, 'type:app'],
    ] as const;
    for (const [name, projectRoot, type] of expected) {
      expect(byName.get(name)?.root, name).toBe(projectRoot);
      expect(byName.get(name)?.tags, name).toContain(type);
      // Contracts are shared: every caller of the service imports them.
      expect(byName.get(name)?.tags, name).toContain(type === 'type:contracts' ? 'scope:shared' : `scope:${service}`);
    }
    const proto = JSON.parse(readFileSync(join(root, 'proto/govern', servicePackage(service), 'project.json'), 'utf8')) as { name: string };
    expect(proto.name).toBe(`proto-${service}`);
  });

  it.each(SERVICE_NAMES)('%s documents its service lib under the sections every service has', (service) => {
    const readme = readFileSync(join(root, `libs/${service}/service/README.md`), 'utf8');
    const sections = readme
      .split('\n')
      .filter((line) => line.startsWith('## '))
      .map((line) => line.replace(/ \(stream .*\)$/, ''));
    expect(readme.split('\n')[0]).toBe(`# ${service}-service`);
    expect(sections).toEqual(['## Layout', '## RPCs', '## Events published', '## Events consumed', '## Durable jobs', '## Settings']);
  });

  it('knows every service the workspace has', () => {
    const scopes = new Set(projects.flatMap((p) => p.tags.filter((t) => t.startsWith('scope:')).map((t) => t.slice('scope:'.length))));
    expect([...scopes].filter((scope) => !NON_SERVICE_SCOPES.has(scope)).sort()).toEqual([...SERVICE_NAMES].sort());
  });

  it('tsconfig.base.json maps @govern/<lib> to the index of every lib, and nothing else', () => {
    const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
    // `npx tsx tools/workspace/src/sync-tsconfig-paths.ts` rewrites them from the projects.
    expect(base.compilerOptions.paths).toEqual(libPaths(projects));
  });
});

describe('the fast loop', () => {
  /** Projects that run every service (the local platform) or start them all (implicit dependencies on the apps). */
  const composers = projects.filter((p) => p.name === 'dev-platform' || p.implicitDependencies.some((d) => d === 'tag:type:app' || d === 'dev-platform'));

  it('keeps suites that start every service out of `test`: they are e2e or scale suites there', () => {
    expect(composers.map((p) => p.name)).toEqual(expect.arrayContaining(['dev-platform', 'e2e']));
    for (const project of composers) {
      const integration = findSpecFiles(join(root, project.root, 'src')).filter((f) => f.endsWith('.int.spec.ts'));
      expect(integration, `${project.name}: name them *.e2e.spec.ts (or *.scale.spec.ts for sized runs)`).toEqual([]);
    }
  });

  it('gives every project with a long suite the target that runs it', () => {
    for (const project of projects) {
      const targets = Object.keys((JSON.parse(readFileSync(join(root, project.root, 'project.json'), 'utf8')) as { targets?: object }).targets ?? {});
      for (const kind of LONG_SUITE_KINDS) {
        if (projectHasSuite(root, project, kind)) expect(targets, `${project.name} has *.${kind}.spec.ts`).toContain(kind);
      }
    }
  });
});

const findSpecFiles = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.spec.ts'));

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '@govern/contracts-common';

/**
 * `nx affected` must work for service teams: a change inside one service touches only
 * that service (and what composes every service: the local platform, end-to-end tests),
 * a contract change touches the service and its callers, a shared lib touches its users.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const nx = (...args: string[]): string =>
  execFileSync(join(root, 'node_modules/.bin/nx'), args, { cwd: root, env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' }, encoding: 'utf8' });

const affectedBy = (file: string): string[] => JSON.parse(nx('show', 'projects', '--affected', `--files=${file}`, '--json')) as string[];

interface Graph {
  graph: { dependencies: Record<string, { target: string }[]> };
}
const graph = (): Graph['graph'] => {
  const out = join(root, 'tmp', `graph-${process.pid}.json`);
  nx('graph', `--file=${out}`);
  return (JSON.parse(execFileSync('cat', [out], { encoding: 'utf8' })) as Graph).graph;
};

/** Everything that depends, directly or not, on `project`. */
const dependentsOf = (deps: Graph['graph']['dependencies'], project: string): Set<string> => {
  const result = new Set<string>([project]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [source, targets] of Object.entries(deps)) {
      if (!result.has(source) && targets.some((t) => result.has(t.target))) {
        result.add(source);
        grew = true;
      }
    }
  }
  return result;
};

/** Projects that compose every service (the local platform, end-to-end tests, CLI, bench, fuzz): each depends on all of them. */
const composersOf = (deps: Graph['graph']['dependencies']): Set<string> => {
  const dependents = SERVICE_NAMES.map((service) => dependentsOf(deps, `${service}-service`));
  return new Set([...(dependents[0] ?? [])].filter((project) => dependents.every((set) => set.has(project))));
};
const serviceOf = (project: string): string | undefined =>
  SERVICE_NAMES.find((s) => project === s || project.startsWith(`${s}-`) || project === `proto-${s}` || project === `contracts-${s}`);

describe('nx affected', () => {
  it('a change inside one service affects only that service and the composers', () => {
    const affected = affectedBy('libs/merchant-access/data-access/src/database.ts');
    const composers = composersOf(graph().dependencies);
    expect([...composers]).toEqual(expect.arrayContaining(['dev-platform', 'e2e', 'cli']));
    expect(affected).toContain('merchant-access-data-access');
    expect(affected).toContain('merchant-access');
    for (const project of affected) {
      if (composers.has(project)) continue;
      expect(serviceOf(project), project).toBe('merchant-access');
    }
  });

  it('a change to one service’s proto affects that service and exactly its callers', () => {
    const affected = affectedBy('proto/govern/content/v1/content_service.proto');
    expect(affected).toEqual(expect.arrayContaining(['proto-content', 'contracts-content', 'content']));
    expect(new Set(affected)).toEqual(dependentsOf(graph().dependencies, 'proto-content'));
    expect(affected).not.toContain('policy-core');
    expect(affected).not.toContain('contracts-merchant-access');
  });

  it('a change to a shared lib affects its users and nothing else', () => {
    const affected = affectedBy('libs/policy/core/src/ports.ts');
    expect(affected).toEqual(expect.arrayContaining(['policy-core', 'content-domain', 'merchant-access-domain']));
    expect(new Set(affected)).toEqual(dependentsOf(graph().dependencies, 'policy-core'));
    expect(affected).not.toContain('proto-content');
  });
});

/**
 * Renders the Kubernetes manifests of services for an environment, to apply with kubectl:
 *
 *   npm run k8s:render -- --env prod --service content --image registry.example.com/govern/content:1.4.2 --out dist/k8s/prod
 *
 * writes <out>/<service>/migrate.yaml (apply and wait first) and <out>/<service>/app.yaml;
 * without --out it prints both (migrate first) to stdout. Every object is validated against
 * the Kubernetes schemas before it is written. docs/operations.md describes the rollout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { SERVICE_NAMES, type ServiceName } from '../artifact/services';
import { ENVIRONMENTS } from './environments';
import { serviceManifests, type Manifest, type ServiceManifests } from './service-manifests';
import { crossReferenceProblems, schemaProblems } from './validate';

export const toYaml = (manifests: readonly Manifest[]): string => manifests.map((manifest) => stringify(manifest, { lineWidth: 0 })).join('---\n');

/** Renders and validates; throws listing every problem rather than writing a manifest the cluster would refuse. */
export const renderService = (service: ServiceName, envName: string, image: string): ServiceManifests => {
  const env = ENVIRONMENTS[envName as keyof typeof ENVIRONMENTS];
  if (!env) throw new Error(`unknown environment ${envName} (${Object.keys(ENVIRONMENTS).join(', ')})`);
  const manifests = serviceManifests(service, env, image);
  const problems = [...manifests.migrate, ...manifests.app].flatMap(schemaProblems);
  problems.push(...crossReferenceProblems([...manifests.migrate, ...manifests.app]));
  if (problems.length > 0) throw new Error(`${service} (${envName}):\n  ${problems.join('\n  ')}`);
  return manifests;
};

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const { values } = parseArgs({ options: { env: { type: 'string' }, service: { type: 'string', multiple: true }, image: { type: 'string', multiple: true }, out: { type: 'string' } } });
  const services = values.service ?? [];
  const images = values.image ?? [];
  if (!values.env || services.length === 0 || images.length !== services.length || !services.every((s): s is ServiceName => (SERVICE_NAMES as readonly string[]).includes(s))) {
    console.error(`usage: k8s:render --env <${Object.keys(ENVIRONMENTS).join('|')}> (--service <${SERVICE_NAMES.join('|')}> --image <ref:tag>)... [--out <dir>]`);
    process.exit(2);
  }
  try {
    for (const [index, service] of services.entries()) {
      const manifests = renderService(service, values.env, images[index] as string);
      if (values.out) {
        const dir = join(resolve(values.out), service);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'migrate.yaml'), toYaml(manifests.migrate));
        writeFileSync(join(dir, 'app.yaml'), toYaml(manifests.app));
        console.error(`${service}: ${dir}/migrate.yaml, ${dir}/app.yaml`);
      } else {
        process.stdout.write(`${index > 0 ? '---\n' : ''}${toYaml(manifests.migrate)}---\n${toYaml(manifests.app)}`);
      }
    }
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

import type { IContainer } from 'kubernetes-models/v1/Container';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../artifact/services';
import { ENVIRONMENTS } from './environments';
import { renderService, toYaml } from './render';
import { NATS_CREDS_MOUNT, TLS_MOUNT, versionOf, type Manifest } from './service-manifests';
import { crossReferenceProblems, schemaProblems } from './validate';

/** Every service's manifests for dev and prod, rendered to YAML and read back as kubectl would send them. */
const IMAGE = (service: string) => `registry.example.com/govern/${service}:1.4.2`;
const parse = (yaml: string): Manifest[] => parseAllDocuments(yaml).map((document) => document.toJS() as Manifest);
const rendered = (service: (typeof SERVICE_NAMES)[number], env: 'dev' | 'prod') => {
  const manifests = renderService(service, env, IMAGE(service));
  return { migrate: parse(toYaml(manifests.migrate)), app: parse(toYaml(manifests.app)) };
};
// Rendered objects as read back from YAML: shapes the tests then check (and break on purpose).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const find = (manifests: Manifest[], kind: string) => manifests.find((m) => m.kind === kind) as Manifest & { spec: Loose; data?: Record<string, string> };
const cases = SERVICE_NAMES.flatMap((service) => (['dev', 'prod'] as const).map((env) => ({ service, env })));

describe('Kubernetes manifests', () => {
  it.each(cases)('$service in $env: every object is valid against the Kubernetes schemas and the objects agree', ({ service, env }) => {
    const { migrate, app } = rendered(service, env);
    expect([...migrate, ...app].map((m) => m.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Job', 'PodDisruptionBudget', 'Service', 'Service', 'ServiceAccount', 'ServiceAccount'].sort(),
    );
    expect([...migrate, ...app].flatMap(schemaProblems)).toEqual([]);
    expect(crossReferenceProblems([...migrate, ...app])).toEqual([]);
    for (const manifest of [...migrate, ...app]) expect(manifest.metadata.namespace).toBe(ENVIRONMENTS[env].namespace);
  });

  it.each(SERVICE_NAMES)('%s reads its settings from a ConfigMap and its secrets from a Secret, and never migrates on start', (service) => {
    const { app } = rendered(service, 'prod');
    const config = find(app, 'ConfigMap').data ?? {};
    expect(config).toMatchObject({ MIGRATE_ON_START: 'false', HOST: '0.0.0.0', PORT: '50051' });
    const container = find(app, 'Deployment').spec.template.spec.containers[0] as IContainer;
    const secretKeys = (container.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`] : []));
    expect(secretKeys).toEqual([`${service}-secrets/DATABASE_URL`, `${service}-secrets/NATS_URL`, ...(service === 'merchant-access' ? [`${service}-secrets/IDENTITY_HASH_KEY`] : [])]);
    expect((container.volumeMounts ?? []).map((m) => m.mountPath)).toEqual(expect.arrayContaining([TLS_MOUNT, NATS_CREDS_MOUNT]));
  });

  it('prod keeps at least three replicas spread over zones; dev runs one', () => {
    const prod = rendered('product-quality', 'prod').app;
    const dev = rendered('product-quality', 'dev').app;
    expect(find(prod, 'HorizontalPodAutoscaler').spec.minReplicas).toBe(3);
    expect(find(prod, 'Deployment').spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(find(dev, 'HorizontalPodAutoscaler').spec.minReplicas).toBe(1);
    expect(find(rendered('consumer-experience', 'prod').app, 'HorizontalPodAutoscaler').spec.maxReplicas).toBe(20);
  });

  it('every service scales out in prod, with its streams at 3 replicas (issue 15 item 4: the in-memory state is replica-safe)', () => {
    for (const service of SERVICE_NAMES) {
      const prod = rendered(service, 'prod').app;
      expect(find(prod, 'HorizontalPodAutoscaler').spec.minReplicas).toBeGreaterThanOrEqual(3);
      expect(find(prod, 'ConfigMap').data).toMatchObject({ EVENT_STREAM_REPLICAS: '3' });
    }
    expect(find(rendered('content', 'dev').app, 'ConfigMap').data).toMatchObject({ EVENT_STREAM_REPLICAS: '1' });
  });

  it.each(cases)('$service in $env: Prometheus scrapes the metrics port the service serves on', ({ service, env }) => {
    const { migrate, app } = rendered(service, env);
    const deployment = find(app, 'Deployment');
    expect(deployment.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9464', 'prometheus.io/path': '/metrics' });
    const container = deployment.spec.template.spec.containers[0] as IContainer;
    expect(container.ports).toContainEqual({ name: 'metrics', containerPort: 9464, protocol: 'TCP' });
    expect(find(app, 'ConfigMap').data).toMatchObject({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' });

    // The check catches a port that moved on one side only.
    const moved = structuredClone([...migrate, ...app]) as Manifest[];
    (find(moved, 'ConfigMap').data as Record<string, string>)['METRICS_PORT'] = '9465';
    expect(crossReferenceProblems(moved)).toEqual(['the service serves metrics on METRICS_PORT 9465, Prometheus scrapes 9464']);
    const unannotated = structuredClone([...migrate, ...app]) as Manifest[];
    delete find(unannotated, 'Deployment').spec.template.metadata.annotations['prometheus.io/scrape'];
    expect(crossReferenceProblems(unannotated)).toEqual(['the pods are not annotated for Prometheus (prometheus.io/scrape)']);
  });

  it('a new image gets a new migration Job; re-rendering the same image gives the same one', () => {
    const name = (image: string) => find(renderService('content', 'prod', image).migrate, 'Job').metadata.name;
    expect(name(IMAGE('content'))).toBe(name(IMAGE('content')));
    expect(name(IMAGE('content'))).not.toBe(name('registry.example.com/govern/content:1.4.3'));
  });

  it('refuses an image without a tag or digest, and labels digests by their prefix', () => {
    expect(() => renderService('content', 'prod', 'registry.example.com/govern/content')).toThrow(/neither a tag nor a digest/);
    expect(versionOf(`registry.example.com:5000/govern/content@sha256:${'ab'.repeat(32)}`)).toBe('abababababab');
    expect(versionOf('registry.example.com:5000/govern/content:2.0.0-rc.1')).toBe('2.0.0-rc.1');
  });

  describe('the checks catch what the cluster would get wrong', () => {
    const broken = (edit: (manifests: Manifest[]) => void): string[] => {
      const { migrate, app } = rendered('content', 'prod');
      const all = [...migrate, ...app];
      edit(all);
      return [...all.flatMap(schemaProblems), ...crossReferenceProblems(all)];
    };
    it('a wrong type', () => {
      expect(broken((m) => (find(m, 'HorizontalPodAutoscaler').spec.minReplicas = 'three'))).toEqual([expect.stringMatching(/HorizontalPodAutoscaler content: .*minReplicas must be integer/)]);
    });
    it('a Service that selects nothing, a probe that is not the health probe, a Job on another image', () => {
      expect(
        broken((m) => {
          find(m, 'Service').spec.selector = { 'app.kubernetes.io/name': 'contnet' };
          find(m, 'Deployment').spec.template.spec.containers[0].readinessProbe = { grpc: { port: 8080 } };
          find(m, 'Job').spec.template.spec.containers[0].image = 'registry.example.com/govern/content:1.4.1';
        }),
      ).toEqual([
        "Service content does not select the Deployment's pods",
        "readinessProbe does not run the image's health-probe.js",
        expect.stringMatching(/^Job content-migrate-\w+ runs .*1\.4\.1, not the Deployment's image/),
      ]);
    });
    it('replicas set beside an autoscaler, a root pod, a missing limit', () => {
      expect(
        broken((m) => {
          const deployment = find(m, 'Deployment');
          deployment.spec.replicas = 3;
          deployment.spec.template.spec.securityContext = {};
          delete deployment.spec.template.spec.containers[0].resources.limits;
        }),
      ).toEqual([
        'the Deployment sets replicas, which would fight the autoscaler on every apply',
        'Deployment content may run as root',
        'Deployment content: container content lacks resource requests or limits',
      ]);
    });
  });
});

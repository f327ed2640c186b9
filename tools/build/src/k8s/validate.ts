import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { Manifest } from './service-manifests';

/**
 * Checks rendered manifests (parsed back from YAML) the way the API server would, against
 * the Kubernetes OpenAPI schemas kubernetes-models is generated from, and checks what a
 * schema cannot: that the objects of one service agree with each other.
 */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

export const schemaProblems = (manifest: Manifest): string[] => {
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) return [`${manifest.kind} ${manifest.metadata.name}: no schema for ${manifest.apiVersion}/${manifest.kind}`];
  try {
    new Model(manifest as never).validate();
    return [];
  } catch (error) {
    return [`${manifest.kind} ${manifest.metadata.name}: ${(error as Error).message}`];
  }
};

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

const podTemplateOf = (manifest: Manifest): IPodTemplateSpec | undefined => (manifest['spec'] as { template?: IPodTemplateSpec } | undefined)?.template;

/** Problems between the objects of one service's `app` and `migrate` sets. */
export const crossReferenceProblems = (manifests: readonly Manifest[]): string[] => {
  const problems: string[] = [];
  const byKind = (kind: string): Manifest[] => manifests.filter((manifest) => manifest.kind === kind);
  const deployments = byKind('Deployment');
  const jobs = byKind('Job');
  if (deployments.length !== 1) return [`expected one Deployment, found ${deployments.length}`];
  const deployment = deployments[0] as Manifest;
  const template = podTemplateOf(deployment);
  const podLabels = template?.metadata?.labels;
  const containers: IContainer[] = template?.spec?.containers ?? [];
  const container = containers[0];
  if (!container) return ['the Deployment has no container'];
  const containerPorts = new Map((container.ports ?? []).map((port) => [port.name, port.containerPort]));
  const selector = (deployment['spec'] as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
  if (!matches(selector, podLabels)) problems.push('the Deployment selector does not match its pod labels');

  for (const service of byKind('Service')) {
    const spec = service['spec'] as { selector?: Record<string, string>; ports?: { targetPort?: string | number }[] };
    if (!matches(spec.selector, podLabels)) problems.push(`Service ${service.metadata.name} does not select the Deployment's pods`);
    for (const job of jobs) {
      if (matches(spec.selector, podTemplateOf(job)?.metadata?.labels)) problems.push(`Service ${service.metadata.name} also selects the migration Job's pods`);
    }
    for (const port of spec.ports ?? []) {
      const target = port.targetPort;
      const known = typeof target === 'string' ? containerPorts.has(target) : target !== undefined && [...containerPorts.values()].includes(target);
      if (!known) problems.push(`Service ${service.metadata.name} targets port ${String(target)}, which the container does not expose`);
    }
  }

  for (const probeName of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
    const probe = container[probeName];
    // The image's health-probe.js (grpc.health.v1 over the service's TLS); a native gRPC probe cannot speak TLS.
    const command = probe?.exec?.command ?? [];
    if (!command.some((part) => part.endsWith('health-probe.js'))) problems.push(`${probeName} does not run the image's health-probe.js`);
  }

  for (const pdb of byKind('PodDisruptionBudget')) {
    const pdbSelector = (pdb['spec'] as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
    if (!matches(pdbSelector, podLabels)) problems.push(`PodDisruptionBudget ${pdb.metadata.name} does not select the Deployment's pods`);
  }
  for (const hpa of byKind('HorizontalPodAutoscaler')) {
    const target = (hpa['spec'] as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef;
    if (target.kind !== 'Deployment' || target.name !== deployment.metadata.name) problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name} scales ${target.kind} ${target.name}`);
    if ((deployment['spec'] as { replicas?: number }).replicas !== undefined) problems.push('the Deployment sets replicas, which would fight the autoscaler on every apply');
  }

  const configMaps = new Set(byKind('ConfigMap').map((manifest) => manifest.metadata.name));
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef && !configMaps.has(source.configMapRef.name ?? '')) problems.push(`envFrom names ConfigMap ${source.configMapRef.name}, which is not rendered`);
  }
  // Metrics: the pod says where Prometheus scrapes, the container exposes that port, and the service listens there on every interface.
  const annotations = template?.metadata?.annotations ?? {};
  const configData = Object.assign({}, ...byKind('ConfigMap').map((manifest) => (manifest['data'] as Record<string, string> | undefined) ?? {})) as Record<string, string>;
  const scrapePort = annotations['prometheus.io/port'];
  if (annotations['prometheus.io/scrape'] !== 'true') problems.push('the pods are not annotated for Prometheus (prometheus.io/scrape)');
  else if (!scrapePort || containerPorts.get('metrics') !== Number(scrapePort)) problems.push(`prometheus.io/port ${String(scrapePort)} is not the container's metrics port (${String(containerPorts.get('metrics'))})`);
  else if (configData['METRICS_PORT'] !== scrapePort) problems.push(`the service serves metrics on METRICS_PORT ${String(configData['METRICS_PORT'])}, Prometheus scrapes ${scrapePort}`);
  else if (configData['METRICS_HOST'] !== '0.0.0.0') problems.push(`METRICS_HOST ${String(configData['METRICS_HOST'])} is not reachable from Prometheus (0.0.0.0)`);

  const serviceAccounts = new Set(byKind('ServiceAccount').map((manifest) => manifest.metadata.name));
  for (const workload of [deployment, ...jobs]) {
    const account = podTemplateOf(workload)?.spec?.serviceAccountName;
    if (account && !serviceAccounts.has(account)) problems.push(`${workload.kind} ${workload.metadata.name} runs as ServiceAccount ${account}, which is not rendered`);
  }

  if (jobs.length !== 1) problems.push(`expected one migration Job, found ${jobs.length}`);
  for (const job of jobs) {
    const jobContainer = podTemplateOf(job)?.spec?.containers[0];
    if (jobContainer?.image !== container.image) problems.push(`Job ${job.metadata.name} runs ${jobContainer?.image}, not the Deployment's image ${container.image}`);
    if (jobContainer?.args?.[0] !== 'migrate') problems.push(`Job ${job.metadata.name} does not run the migrate command`);
    const secretOf = (c: IContainer | undefined, key: string) => c?.env?.find((variable) => variable.name === key)?.valueFrom?.secretKeyRef;
    const jobDatabase = secretOf(jobContainer, 'DATABASE_URL');
    const appDatabase = secretOf(container, 'DATABASE_URL');
    if (!jobDatabase || jobDatabase.name !== appDatabase?.name || jobDatabase.key !== appDatabase?.key) problems.push(`Job ${job.metadata.name} migrates another database than the service reads`);
  }

  for (const workload of [deployment, ...jobs]) {
    const spec = podTemplateOf(workload)?.spec;
    if (spec?.securityContext?.runAsNonRoot !== true || (spec.securityContext.runAsUser ?? 0) === 0) problems.push(`${workload.kind} ${workload.metadata.name} may run as root`);
    for (const c of spec?.containers ?? []) {
      if (!c.resources?.requests || !c.resources.limits) problems.push(`${workload.kind} ${workload.metadata.name}: container ${c.name} lacks resource requests or limits`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) problems.push(`${workload.kind} ${workload.metadata.name}: container ${c.name} allows privilege escalation`);
    }
  }
  return problems;
};

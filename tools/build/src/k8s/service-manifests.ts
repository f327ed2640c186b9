import { createHash } from 'node:crypto';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IServicePort } from 'kubernetes-models/v1/ServicePort';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { ServiceName } from '../artifact/services';
import { GRPC_PORT, METRICS_PORT, secretKeysOf, type Environment } from './environments';

/**
 * The Kubernetes objects of one service in one environment, written with kubernetes-models
 * (typed, and validated against the Kubernetes OpenAPI schemas it is generated from) and
 * rendered to YAML by render.ts. Two sets, applied in order by a deploy:
 *
 * - `migrate`: the Job that runs `main.js migrate` with the new image; the deploy waits for
 *   it to complete before it applies `app` (replicas run with MIGRATE_ON_START=false).
 * - `app`: ServiceAccount, ConfigMap, Deployment, Services, PodDisruptionBudget, autoscaler.
 *
 * Secrets are referenced, never rendered: `<service>-secrets` holds DATABASE_URL, NATS_URL
 * (and IDENTITY_HASH_KEY for merchant-access); `<service>-tls` (tls.crt, tls.key, ca.crt) is
 * mounted and named by TLS_CERT / TLS_KEY / TLS_CA (a service refuses to start without it);
 * `<service>-nats-creds` (nkey.seed) is mounted and named by NATS_NKEY_SEED (docs/operations.md).
 */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

export interface ServiceManifests {
  migrate: Manifest[];
  app: Manifest[];
}

export const TLS_MOUNT = '/var/run/secrets/govern/tls';
export const NATS_CREDS_MOUNT = '/var/run/secrets/govern/nats';
/** The uid:gid of the distroless `nonroot` user the image runs as (deploy/docker/Dockerfile). */
const NONROOT = 65532;
/** Time for endpoint removal to reach every client before the server stops taking calls. */
const PRE_STOP_SECONDS = 5;

/** `registry/govern/content:1.4.2` -> `1.4.2`; a digest-only reference -> the digest's first 12 hex digits. */
export const versionOf = (image: string): string => {
  const digest = /@sha256:([0-9a-f]{12})/.exec(image)?.[1];
  const tag = /:([\w][\w.-]{0,127})$/.exec(image.replace(/@sha256:[0-9a-f]+$/, ''))?.[1];
  const version = tag ?? digest;
  if (!version) throw new Error(`image ${image} has neither a tag nor a digest: deploy a pinned version`);
  return version.slice(0, 63);
};

const shortHash = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 10);

export const serviceManifests = (service: ServiceName, env: Environment, image: string): ServiceManifests => {
  const version = versionOf(image);
  const namespace = env.namespace;
  const replicas = env.services?.[service]?.replicas ?? env.replicas;
  const resources = env.services?.[service]?.resources ?? env.resources;
  const common = { 'app.kubernetes.io/name': service, 'app.kubernetes.io/part-of': 'govern', 'app.kubernetes.io/managed-by': 'govern-k8s-render' };
  // The selector never changes between releases (a Deployment's selector is immutable), and
  // it does not match the migration Job's pods, so they never receive traffic.
  const selector = { 'app.kubernetes.io/name': service, 'app.kubernetes.io/component': 'server' };
  const serverLabels = { ...common, ...selector, 'app.kubernetes.io/version': version };
  const secretName = `${service}-secrets`;
  const configName = `${service}-config`;

  const configData: Record<string, string> = {
    HOST: '0.0.0.0',
    PORT: String(GRPC_PORT),
    // Migrations run once per release in the Job, not on every replica's start.
    MIGRATE_ON_START: 'false',
    LOG_LEVEL: env.settings.LOG_LEVEL,
    DB_POOL_SIZE: String(env.settings.DB_POOL_SIZE),
    SHUTDOWN_GRACE_MS: String(env.settings.SHUTDOWN_GRACE_MS),
    EVENT_STREAM_REPLICAS: String(env.settings.EVENT_STREAM_REPLICAS),
    // Prometheus scrapes the pod's address (the annotations below), so the endpoint listens on all interfaces.
    METRICS_PORT: String(METRICS_PORT),
    METRICS_HOST: '0.0.0.0',
    ...(env.settings.EVENT_NAMESPACE ? { EVENT_NAMESPACE: env.settings.EVENT_NAMESPACE } : {}),
  };
  const configMap = new ConfigMap({ metadata: { name: configName, namespace, labels: common }, data: configData });

  const secretEnv = (keys: string[]): IContainer['env'] => keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: secretName, key } } }));

  const containerSecurity: IContainer['securityContext'] = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  };
  const podSecurity: IPodSpec['securityContext'] = {
    runAsNonRoot: true,
    runAsUser: NONROOT,
    runAsGroup: NONROOT,
    fsGroup: NONROOT,
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const podResources = { requests: resources.requests, limits: resources.limits };
  const nodeOptions = { name: 'NODE_OPTIONS', value: `--max-old-space-size=${resources.heapMb}` };
  // Kubernetes' native gRPC probe speaks plaintext only, and the services serve TLS: the image's
  // own probe script asks grpc.health.v1 over TLS with the pod's certificate instead.
  const grpcProbe = { exec: { command: ['/nodejs/bin/node', 'health-probe.js'] } };
  const transportEnv = [
    { name: 'TLS_CERT', value: `${TLS_MOUNT}/tls.crt` },
    { name: 'TLS_KEY', value: `${TLS_MOUNT}/tls.key` },
    { name: 'TLS_CA', value: `${TLS_MOUNT}/ca.crt` },
    { name: 'NATS_NKEY_SEED', value: `${NATS_CREDS_MOUNT}/nkey.seed` },
  ];

  const server: IContainer = {
    name: service,
    image,
    imagePullPolicy: 'IfNotPresent',
    args: ['serve'],
    ports: [
      { name: 'grpc', containerPort: GRPC_PORT, protocol: 'TCP' },
      { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
    ],
    envFrom: [{ configMapRef: { name: configName } }],
    env: [...(secretEnv(secretKeysOf(service)) ?? []), ...transportEnv, nodeOptions],
    resources: podResources,
    // Health is the server's grpc.health.v1 overall status: SERVING once started, NOT_SERVING from SIGTERM.
    startupProbe: { ...grpcProbe, periodSeconds: 2, failureThreshold: 30 },
    readinessProbe: { ...grpcProbe, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
    livenessProbe: { ...grpcProbe, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
    securityContext: containerSecurity,
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'tls', mountPath: TLS_MOUNT, readOnly: true },
      { name: 'nats-creds', mountPath: NATS_CREDS_MOUNT, readOnly: true },
    ],
  };

  const deployment = new Deployment({
    metadata: { name: service, namespace, labels: serverLabels },
    spec: {
      // No `replicas`: the autoscaler owns the count, and applying a release must not reset it.
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      template: {
        metadata: {
          labels: serverLabels,
          // A settings change rolls the pods (they read the ConfigMap only at start).
          annotations: {
            'govern.io/config-hash': shortHash(JSON.stringify(configData)),
            // The usual Prometheus pod-discovery annotations (the repo has no Prometheus Operator, so no ServiceMonitor).
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(METRICS_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: service,
          automountServiceAccountToken: false,
          // preStop + SHUTDOWN_GRACE_MS drain + closing consumers, relay and pool, with margin.
          terminationGracePeriodSeconds: PRE_STOP_SECONDS + Math.ceil(env.settings.SHUTDOWN_GRACE_MS / 1000) + 20,
          securityContext: podSecurity,
          containers: [server],
          volumes: [
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            // Reserved: mounted when present, so pods start before TLS and NATS credentials exist.
            { name: 'tls', secret: { secretName: `${service}-tls` } },
            { name: 'nats-creds', secret: { secretName: `${service}-nats-creds` } },
          ],
          ...(env.spread
            ? {
                topologySpreadConstraints: [
                  { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
                  { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
                ],
              }
            : {}),
        },
      },
    },
  });

  const grpcServicePort: IServicePort = { name: 'grpc', port: GRPC_PORT, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' };
  const service_ = new Service({
    metadata: { name: service, namespace, labels: common },
    spec: { type: 'ClusterIP', selector, ports: [grpcServicePort] },
  });
  // gRPC keeps one HTTP/2 connection per client, so a ClusterIP balances connections, not
  // calls; callers on the hot path resolve every ready pod here and balance per call
  // (gRPC `dns:///<service>-headless.<namespace>.svc:50051` with round_robin).
  const headless = new Service({
    metadata: { name: `${service}-headless`, namespace, labels: common },
    spec: { clusterIP: 'None', selector, ports: [grpcServicePort] },
  });

  const pdb = new PodDisruptionBudget({
    metadata: { name: service, namespace, labels: common },
    // One pod at a time during node drains; minAvailable would block drains at one replica.
    spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
  });

  const hpa = new HorizontalPodAutoscaler({
    metadata: { name: service, namespace, labels: common },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service },
      minReplicas: replicas.min,
      maxReplicas: replicas.max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: env.targetCpuPercent } } }],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }] },
        // Scale down slowly: each removed replica drains its calls and hands its work back.
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
      },
    },
  });

  const serviceAccount = new ServiceAccount({ metadata: { name: service, namespace, labels: common }, automountServiceAccountToken: false });

  const migrationLabels = { ...common, 'app.kubernetes.io/component': 'migration', 'app.kubernetes.io/version': version };
  const job = new Job({
    metadata: {
      // Jobs are immutable: one per image, so a new release gets a new Job and a re-apply is a no-op.
      name: `${service}-migrate-${shortHash(image)}`,
      namespace,
      labels: migrationLabels,
      // GitOps (Argo CD) runs it before syncing the rest; `kubectl` users apply it first (docs/operations.md).
      annotations: { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' },
    },
    spec: {
      backoffLimit: 2,
      activeDeadlineSeconds: 900,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels: migrationLabels },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: service,
          automountServiceAccountToken: false,
          securityContext: podSecurity,
          containers: [
            {
              name: 'migrate',
              image,
              imagePullPolicy: 'IfNotPresent',
              args: ['migrate'],
              env: [...(secretEnv(['DATABASE_URL']) ?? []), { name: 'LOG_LEVEL', value: env.settings.LOG_LEVEL }, nodeOptions],
              resources: podResources,
              securityContext: containerSecurity,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  });

  const plain = (model: { toJSON(): unknown }): Manifest => model.toJSON() as Manifest;
  return {
    migrate: [plain(serviceAccount), plain(job)],
    app: [plain(serviceAccount), plain(configMap), plain(deployment), plain(service_), plain(headless), plain(pdb), plain(hpa)],
  };
};

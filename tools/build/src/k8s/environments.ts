import type { ServiceName } from '../artifact/services';

/**
 * What differs between environments, as typed data: the manifests (service-manifests.ts)
 * are one definition for every service and environment, so a fix reaches all of them.
 */
export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
  /** V8's old-space limit, below the memory limit so the process sheds garbage before the kernel kills it. */
  heapMb: number;
}

export interface Environment {
  name: 'dev' | 'prod';
  namespace: string;
  replicas: { min: number; max: number };
  /** Average CPU utilisation (of requests) the autoscaler keeps the replicas at. */
  targetCpuPercent: number;
  resources: Resources;
  /** Settings every service reads (apps/<service>/src/main.ts, libs/platform/core/src/config.ts). */
  settings: {
    LOG_LEVEL: 'debug' | 'info';
    DB_POOL_SIZE: number;
    SHUTDOWN_GRACE_MS: number;
    /** Replicas of the event streams: 3 on the 3-node JetStream cluster of deploy/nats/values.yaml. */
    EVENT_STREAM_REPLICAS: number;
    EVENT_NAMESPACE?: string;
  };
  /** Spread replicas over zones and nodes (prod), so a zone or node loss takes a share, not all. */
  spread: boolean;
  /** Per service: a different replica range or resources where its load differs. */
  services?: Partial<Record<ServiceName, { replicas?: { min: number; max: number }; resources?: Resources }>>;
}

/** The gRPC port of every container (each pod has its own network, so one port for all services). */
export const GRPC_PORT = 50051;

/** The Prometheus endpoint of every container (`GET /metrics`, METRICS_PORT), scraped through the pod annotations. */
export const METRICS_PORT = 9464;

export const ENVIRONMENTS: Record<Environment['name'], Environment> = {
  dev: {
    name: 'dev',
    namespace: 'govern-dev',
    replicas: { min: 1, max: 2 },
    targetCpuPercent: 75,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' }, heapMb: 384 },
    // dev's NATS may be a single node; streams at 1 replica there.
    settings: { LOG_LEVEL: 'debug', DB_POOL_SIZE: 5, SHUTDOWN_GRACE_MS: 10_000, EVENT_STREAM_REPLICAS: 1 },
    spread: false,
  },
  prod: {
    name: 'prod',
    namespace: 'govern',
    // At least 3: one zone or node down still leaves two replicas serving.
    replicas: { min: 3, max: 12 },
    targetCpuPercent: 65,
    resources: { requests: { cpu: '500m', memory: '768Mi' }, limits: { cpu: '2', memory: '1Gi' }, heapMb: 768 },
    settings: { LOG_LEVEL: 'info', DB_POOL_SIZE: 10, SHUTDOWN_GRACE_MS: 20_000, EVENT_STREAM_REPLICAS: 3 },
    spread: true,
    services: {
      // On the checkout path (after-sales, refunds, promise clocks): more headroom.
      'consumer-experience': { replicas: { min: 3, max: 20 } },
      // merchant-access and content scale like the others: their in-memory state is replica-safe
      // (issue 15 item 4: the ring index follows ring_graph_entries, a livestream session lives
      // where its signal stream is open) and the scale-out test runs them at two replicas.
    },
  },
};

/** Secret keys each service reads from its `<service>-secrets` Secret (values never live in the repository). */
export const secretKeysOf = (service: ServiceName): string[] => [
  // May carry credentials (user:password@), hence a Secret rather than the ConfigMap.
  'DATABASE_URL',
  'NATS_URL',
  ...(service === 'merchant-access' ? ['IDENTITY_HASH_KEY'] : []),
];

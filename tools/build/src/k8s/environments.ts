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
    EVENT_NAMESPACE?: string;
  };
  /** Spread replicas over zones and nodes (prod), so a zone or node loss takes a share, not all. */
  spread: boolean;
  /** Per service: a different replica range or resources where its load differs. */
  services?: Partial<Record<ServiceName, { replicas?: { min: number; max: number }; resources?: Resources }>>;
}

/** The gRPC port of every container (each pod has its own network, so one port for all services). */
export const GRPC_PORT = 50051;

export const ENVIRONMENTS: Record<Environment['name'], Environment> = {
  dev: {
    name: 'dev',
    namespace: 'govern-dev',
    replicas: { min: 1, max: 2 },
    targetCpuPercent: 75,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' }, heapMb: 384 },
    settings: { LOG_LEVEL: 'debug', DB_POOL_SIZE: 5, SHUTDOWN_GRACE_MS: 10_000 },
    spread: false,
  },
  prod: {
    name: 'prod',
    namespace: 'govern',
    // At least 3: one zone or node down still leaves two replicas serving.
    replicas: { min: 3, max: 12 },
    targetCpuPercent: 65,
    resources: { requests: { cpu: '500m', memory: '768Mi' }, limits: { cpu: '2', memory: '1Gi' }, heapMb: 768 },
    settings: { LOG_LEVEL: 'info', DB_POOL_SIZE: 10, SHUTDOWN_GRACE_MS: 20_000 },
    spread: true,
    services: {
      // On the checkout path (after-sales, refunds, promise clocks): more headroom.
      'consumer-experience': { replicas: { min: 3, max: 20 } },
      // One replica until their in-memory state (ring-detection index, livestream sessions) is
      // replica-safe: issue 15 item 4 removes these two lines.
      'merchant-access': { replicas: { min: 1, max: 1 } },
      content: { replicas: { min: 1, max: 1 } },
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

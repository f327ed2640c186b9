import { HealthCheckResponse_ServingStatus as ServingStatusCode, type HealthServiceImplementation } from '@govern/contracts-common';
import { HealthServiceImpl, HealthState, type HealthStatus } from 'nice-grpc-server-health';
import type { GrpcCallContextExt } from './call-context';

export type ServingStatus = 'SERVING' | 'NOT_SERVING';

/** `grpc.health.v1` statuses: per service full name, and `''` for the server as a whole. */
export interface GrpcHealth {
  set(service: string, status: ServingStatus): void;
  get(service?: string): ServingStatus | 'SERVICE_UNKNOWN';
}

export interface HealthRegistry {
  health: GrpcHealth;
  implementation: HealthServiceImplementation<GrpcCallContextExt>;
  /** At listen: the server and the given services SERVING, unless the app set them already. */
  startServing(services: readonly string[]): void;
  /** Shutdown: every known service NOT_SERVING, and `set` ignored from then on. */
  stopServing(): void;
}

const toCode = (status: HealthStatus): ServingStatusCode =>
  status === 'healthy' ? ServingStatusCode.SERVING : status === 'unhealthy' ? ServingStatusCode.NOT_SERVING : ServingStatusCode.SERVICE_UNKNOWN;

/**
 * Check and Watch come from nice-grpc-server-health (Watch ends on shutdown through
 * `abortOnTerminate`); List, which the vendored health.proto also declares, is added here.
 */
export const createHealthRegistry = (): HealthRegistry => {
  const state = HealthState();
  const known = new Set<string>(['']);
  const setByApp = new Set<string>();
  let stopped = false;
  state.setStatus('unhealthy', '');
  const write = (service: string, status: ServingStatus): void => {
    known.add(service);
    state.setStatus(status === 'SERVING' ? 'healthy' : 'unhealthy', service);
  };
  const base = HealthServiceImpl(state);
  return {
    health: {
      set(service, status) {
        if (stopped) return;
        setByApp.add(service);
        write(service, status);
      },
      get(service = '') {
        const status = state.getStatus(service);
        return status === 'healthy' ? 'SERVING' : status === 'unhealthy' ? 'NOT_SERVING' : 'SERVICE_UNKNOWN';
      },
    },
    implementation: {
      async check(request, context) {
        const { status } = await base.check(request, context);
        return { status: status as number as ServingStatusCode };
      },
      async *watch(request, context) {
        for await (const { status } of base.watch(request, context)) yield { status: status as number as ServingStatusCode };
      },
      async list() {
        const statuses = Object.fromEntries([...known].map((service) => [service, { status: toCode(state.getStatus(service)) }]));
        return { statuses };
      },
    },
    startServing(services) {
      for (const service of ['', ...services]) if (!setByApp.has(service) && !stopped) write(service, 'SERVING');
    },
    stopServing() {
      for (const service of known) write(service, 'NOT_SERVING');
      stopped = true;
    },
  };
};

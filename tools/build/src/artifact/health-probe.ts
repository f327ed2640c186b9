/**
 * The container health check of a built service: asks its gRPC health service
 * (grpc.health.v1, the overall status) and exits 0 when SERVING, 1 otherwise.
 *
 *   node health-probe.js [host:port]      default 127.0.0.1:$PORT
 *
 * Docker's HEALTHCHECK runs it (Kubernetes uses its native `grpc:` probe instead). It is its
 * own small bundle beside main.js so a probe every few seconds does not load the service, and
 * a node script rather than grpc_health_probe because images here are built without
 * downloading binaries.
 */
import { createChannel, createClient, type Channel } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health.js';

const TIMEOUT_MS = 3_000;

const target = (): string | undefined => {
  const explicit = process.argv[2];
  if (explicit) return explicit;
  const port = process.env['PORT'];
  return port ? `127.0.0.1:${port}` : undefined;
};

const probe = async (address: string): Promise<boolean> => {
  const channel: Channel = createChannel(address);
  try {
    const health = createClient(HealthDefinition, channel);
    const response = await health.check({ service: '' }, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    return response.status === HealthCheckResponse_ServingStatus.SERVING;
  } finally {
    channel.close();
  }
};

const address = target();
if (!address) {
  console.error('usage: health-probe [host:port] (or set PORT)');
  process.exit(2);
}
probe(address).then(
  (serving) => {
    if (!serving) console.error(`${address}: not serving`);
    process.exit(serving ? 0 : 1);
  },
  (error: unknown) => {
    console.error(`${address}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

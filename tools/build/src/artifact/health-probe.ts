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
import { readFileSync } from 'node:fs';
import { ChannelCredentials, createChannel, createClient, type Channel } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health.js';

const TIMEOUT_MS = 3_000;

const target = (): string | undefined => {
  const explicit = process.argv[2];
  if (explicit) return explicit;
  const port = process.env['PORT'];
  return port ? `127.0.0.1:${port}` : undefined;
};

/** TLS_* hold a file path or the PEM itself, as the service reads them (platform-auth's transport settings). */
const pem = (value: string): Buffer => (value.includes('-----BEGIN') ? Buffer.from(value) : readFileSync(value));

/**
 * The service's own transport: TLS against its CA, presenting its own certificate (a service
 * that requires client certificates accepts its own). The server name is not checked: the probe
 * dials 127.0.0.1 inside the container, which a deployment's certificate need not name; the CA
 * chain still is. Without TLS_CA (a service started with ALLOW_INSECURE_PLAINTEXT), plaintext.
 */
const credentials = (): ChannelCredentials => {
  const ca = process.env['TLS_CA'];
  if (!ca) return ChannelCredentials.createInsecure();
  const key = process.env['TLS_KEY'];
  const cert = process.env['TLS_CERT'];
  return ChannelCredentials.createSsl(pem(ca), key && cert ? pem(key) : null, key && cert ? pem(cert) : null, { checkServerIdentity: () => undefined });
};

const probe = async (address: string): Promise<boolean> => {
  const channel: Channel = createChannel(address, credentials());
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

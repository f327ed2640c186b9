import { HealthCheckResponse_ServingStatus, HealthDefinition } from '@govern/contracts-common';
import { closeServiceClient, createServiceClient, describeServerViaReflection } from '@govern/platform-grpc';
import type { ClientTransport } from '@govern/platform-auth';
import type { PlatformAddresses } from '@govern/platform-clients';

/** grpcurl-style check of every service: health status and the methods reflection lists (both open: no token). */
export const checkPlatformHealth = async (addresses: PlatformAddresses, transport: ClientTransport = { mode: 'plaintext' }): Promise<{ service: string; address: string; status: string; methods: number }[]> =>
  Promise.all(
    Object.entries(addresses).map(async ([service, address]) => {
      const health = createServiceClient(HealthDefinition, address, { defaultDeadlineMs: 3_000, transport });
      try {
        const { status } = await health.check({ service: '' });
        const services = await describeServerViaReflection(address, transport);
        const methods = services.filter((s) => s.name.startsWith('govern.')).reduce((sum, s) => sum + s.methods.length, 0);
        return { service, address, status: HealthCheckResponse_ServingStatus[status] ?? String(status), methods };
      } catch (error) {
        return { service, address, status: `UNREACHABLE (${(error as Error).message})`, methods: 0 };
      } finally {
        closeServiceClient(health);
      }
    }),
  );

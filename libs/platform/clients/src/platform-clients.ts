import { defaultPortOf, SERVICE_NAMES, serviceKey, type ServiceKey } from '@govern/contracts-common';
import { ConsumerExperienceServiceDefinition } from '@govern/contracts-consumer-experience';
import { ContentServiceDefinition } from '@govern/contracts-content';
import { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import { ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import type { ClientTransport, TokenProvider } from '@govern/platform-auth';
import { closeServiceClient, createServiceClient, type ServiceClient, type ServiceClientOptions } from '@govern/platform-grpc';

/**
 * The gRPC service of each registry service, by its key. `satisfies` makes a service added to
 * the registry (`nx g @govern/tools:service`) without its definition here fail to compile.
 */
const SERVICE_DEFINITIONS = {
  content: ContentServiceDefinition,
  productQuality: ProductQualityServiceDefinition,
  merchantAccess: MerchantAccessServiceDefinition,
  consumerExperience: ConsumerExperienceServiceDefinition,
} as const satisfies Record<ServiceKey, unknown>;

type Definitions = typeof SERVICE_DEFINITIONS;

/** Where the services listen, by key (`merchantAccess`). */
export type PlatformAddresses = Record<ServiceKey, string>;

/** The ports `npm start` and each app use by default (registry order from DEFAULT_BASE_PORT). */
export const DEFAULT_ADDRESSES = Object.fromEntries(SERVICE_NAMES.map((name) => [serviceKey(name), `127.0.0.1:${defaultPortOf(name)}`])) as PlatformAddresses;

export type PlatformClients = { readonly [Key in ServiceKey]: ServiceClient<Definitions[Key]> } & { close(): void };

export interface ConnectOptions {
  /** Default 30 s. */
  defaultDeadlineMs?: number;
  /** TLS against the services' CA (with this caller's certificate for mutual TLS); default plaintext. */
  transport?: ClientTransport;
  /** The caller's bearer token (told the RPC, for a tool acting as the caller each RPC expects). */
  token?: TokenProvider | undefined;
  /** Spans and client metrics of the calls (a caller that traces passes its own). */
  telemetry?: ServiceClientOptions['telemetry'];
  metrics?: ServiceClientOptions['metrics'];
  /**
   * grpc-js channel options of every client, e.g. `grpc.service_config` with `round_robin` to
   * spread calls over several replicas of a service (an address `ipv4:HOST:PORT,HOST:PORT`).
   */
  channelOptions?: ServiceClientOptions['channelOptions'];
}

/** Clients over the public gRPC APIs only, as any calling service would use them. */
export const connectPlatform = (addresses: PlatformAddresses, connect: ConnectOptions = {}): PlatformClients => {
  // Mutations carry request_id, so retrying any method on UNAVAILABLE is safe.
  const options = {
    defaultDeadlineMs: connect.defaultDeadlineMs ?? 30_000,
    retry: { maxAttempts: 4, baseDelayMs: 200, allMethods: true },
    ...(connect.transport ? { transport: connect.transport } : {}),
    ...(connect.token ? { token: connect.token } : {}),
    ...(connect.telemetry ? { telemetry: connect.telemetry } : {}),
    ...(connect.metrics ? { metrics: connect.metrics } : {}),
    ...(connect.channelOptions ? { channelOptions: connect.channelOptions } : {}),
  };
  const clients = Object.fromEntries(
    SERVICE_NAMES.map(serviceKey).map((key) => [key, createServiceClient(SERVICE_DEFINITIONS[key], addresses[key], options)]),
  ) as { [Key in ServiceKey]: ServiceClient<Definitions[Key]> };
  return {
    ...clients,
    close() {
      for (const client of Object.values(clients)) closeServiceClient(client);
    },
  };
};

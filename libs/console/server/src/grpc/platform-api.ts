import { ConsumerExperienceServiceDefinition } from '@govern/contracts-consumer-experience';
import { ContentServiceDefinition } from '@govern/contracts-content';
import { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import { ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import { channelOptionsFor, createChannelCredentials, type ClientTransport } from '@govern/platform-auth';
import type { ServiceClient } from '@govern/platform-grpc';
import { createChannel, createClientFactory, Metadata, Status, type Channel, type CompatServiceDefinition } from 'nice-grpc';
import { deadlineMiddleware } from 'nice-grpc-client-middleware-deadline';
import { retryMiddleware } from 'nice-grpc-client-middleware-retry';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';

/** The four services' typed clients, as one operator sees them: every call carries that operator's token. */
export interface OperatorApi {
  content: ServiceClient<typeof ContentServiceDefinition>;
  productQuality: ServiceClient<typeof ProductQualityServiceDefinition>;
  merchantAccess: ServiceClient<typeof MerchantAccessServiceDefinition>;
  consumerExperience: ServiceClient<typeof ConsumerExperienceServiceDefinition>;
}

/**
 * Where the four governance services listen: the console calls these four and no other, so a
 * service added to the registry (the generator's) does not become a required console setting.
 */
export interface ConsoleServiceAddresses {
  content: string;
  productQuality: string;
  merchantAccess: string;
  consumerExperience: string;
}

export interface PlatformApi {
  /** The clients bound to one operator's bearer token. There is no other way to reach the services. */
  as(token: string): OperatorApi;
  close(): void;
}

/** A page render waits this long for a service at most; operators retry, nothing is lost. */
const DEFAULT_DEADLINE_MS = 10_000;

/**
 * One channel per service, shared by every operator (TLS when `transport` says so), and no
 * credentials of the console's own on any call: the operator's token rides on each call, so a
 * service sees the operator, never the console (a client certificate, when configured, is only
 * transport; the services take the token's subject as the caller).
 *
 * Middleware as `createServiceClient` (platform-grpc) orders it — deadline, retry on
 * UNAVAILABLE only (mutations carry request_id, so a retry is safe), error details — built here
 * because that factory takes no channel credentials yet (wiring step 3 of platform-auth adds
 * `transport`); switch to it once it does.
 */
export const connectPlatformApi = (addresses: ConsoleServiceAddresses, transport: ClientTransport): PlatformApi => {
  const channels: Channel[] = [];
  const factory = createClientFactory().use(errorDetailsClientMiddleware).use(retryMiddleware).use(deadlineMiddleware);
  const clientOf = <Service extends CompatServiceDefinition>(definition: Service, address: string): ServiceClient<Service> => {
    const channel = createChannel(address, createChannelCredentials(transport), channelOptionsFor(transport));
    channels.push(channel);
    return factory.create(definition, channel, {
      '*': { deadline: DEFAULT_DEADLINE_MS, retry: true, retryMaxAttempts: 2, retryBaseDelayMs: 100, retryableStatuses: [Status.UNAVAILABLE] },
    }) as ServiceClient<Service>;
  };
  const shared: OperatorApi = {
    content: clientOf(ContentServiceDefinition, addresses.content),
    productQuality: clientOf(ProductQualityServiceDefinition, addresses.productQuality),
    merchantAccess: clientOf(MerchantAccessServiceDefinition, addresses.merchantAccess),
    consumerExperience: clientOf(ConsumerExperienceServiceDefinition, addresses.consumerExperience),
  };
  return {
    as(token) {
      return {
        content: withBearer(shared.content, token),
        productQuality: withBearer(shared.productQuality, token),
        merchantAccess: withBearer(shared.merchantAccess, token),
        consumerExperience: withBearer(shared.consumerExperience, token),
      };
    },
    close() {
      for (const channel of channels) channel.close();
    },
  };
};

type Call = (request: unknown, options?: { metadata?: Metadata }) => unknown;

/**
 * The same client with `authorization: Bearer <token>` on every call (and no way to call
 * without it): each method is wrapped, its request and other options passed through.
 */
export const withBearer = <Client extends object>(client: Client, token: string): Client =>
  new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const call = value as Call;
      return (request: unknown, options: { metadata?: Metadata } = {}) => {
        const metadata = Metadata(options.metadata);
        metadata.set('authorization', `Bearer ${token}`);
        return call.call(target, request, { ...options, metadata });
      };
    },
  });

import { ConsumerExperienceServiceDefinition } from '@govern/contracts-consumer-experience';
import { ContentServiceDefinition } from '@govern/contracts-content';
import { MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import { ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import { closeServiceClient, createServiceClient, type ServiceClient } from '@govern/platform-grpc';

/** Where the four services listen; defaults are the ports `npm start` uses. */
export interface PlatformAddresses {
  content: string;
  productQuality: string;
  merchantAccess: string;
  consumerExperience: string;
}

export const DEFAULT_ADDRESSES: PlatformAddresses = {
  content: '127.0.0.1:50051',
  productQuality: '127.0.0.1:50052',
  merchantAccess: '127.0.0.1:50053',
  consumerExperience: '127.0.0.1:50054',
};

export interface PlatformClients {
  content: ServiceClient<typeof ContentServiceDefinition>;
  productQuality: ServiceClient<typeof ProductQualityServiceDefinition>;
  merchantAccess: ServiceClient<typeof MerchantAccessServiceDefinition>;
  consumerExperience: ServiceClient<typeof ConsumerExperienceServiceDefinition>;
  close(): void;
}

/** Clients over the public gRPC APIs only, as any calling service would use them. */
export const connectPlatform = (addresses: PlatformAddresses, defaultDeadlineMs = 30_000): PlatformClients => {
  // Mutations carry request_id, so retrying any method on UNAVAILABLE is safe.
  const options = { defaultDeadlineMs, retry: { maxAttempts: 4, baseDelayMs: 200, allMethods: true } };
  const clients = {
    content: createServiceClient(ContentServiceDefinition, addresses.content, options),
    productQuality: createServiceClient(ProductQualityServiceDefinition, addresses.productQuality, options),
    merchantAccess: createServiceClient(MerchantAccessServiceDefinition, addresses.merchantAccess, options),
    consumerExperience: createServiceClient(ConsumerExperienceServiceDefinition, addresses.consumerExperience, options),
  };
  return {
    ...clients,
    close() {
      for (const client of Object.values(clients)) closeServiceClient(client);
    },
  };
};

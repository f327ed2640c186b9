import { MerchantAccessServiceDefinition, merchantAccessDescriptorSet } from '@govern/contracts-merchant-access';
import { streamOf } from '@govern/contracts-common';
import { connectMerchantAccessDatabase, MerchantAccessMigrations, type PrismaClient } from '@govern/merchant-access-data-access';
import type { ServiceDefinition } from '@govern/platform-runtime';

/**
 * The merchant-access service as the platform runtime starts it: its database, its event stream,
 * and its gRPC handlers. Methods not implemented yet answer UNIMPLEMENTED.
 */
export const merchantAccessService: ServiceDefinition<PrismaClient> = {
  name: 'merchant-access',
  migrationsDir: MerchantAccessMigrations,
  connect: connectMerchantAccessDatabase,
  streams: [streamOf('merchant_access')],
  descriptorSets: [merchantAccessDescriptorSet],
  async register({ server }) {
    server.add(MerchantAccessServiceDefinition, {});
  },
};

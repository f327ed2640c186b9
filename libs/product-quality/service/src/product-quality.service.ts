import { ProductQualityServiceDefinition, productQualityDescriptorSet } from '@govern/contracts-product-quality';
import { streamOf } from '@govern/contracts-common';
import { connectProductQualityDatabase, ProductQualityMigrations, type PrismaClient } from '@govern/product-quality-data-access';
import type { ServiceDefinition } from '@govern/platform-runtime';

/**
 * The product-quality service as the platform runtime starts it: its database, its event stream,
 * and its gRPC handlers. Methods not implemented yet answer UNIMPLEMENTED.
 */
export const productQualityService: ServiceDefinition<PrismaClient> = {
  name: 'product-quality',
  migrationsDir: ProductQualityMigrations,
  connect: connectProductQualityDatabase,
  streams: [streamOf('product_quality')],
  descriptorSets: [productQualityDescriptorSet],
  async register({ server }) {
    server.add(ProductQualityServiceDefinition, {});
  },
};

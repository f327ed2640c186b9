/**
 * product-quality as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 * `main [serve]` runs the service; `main migrate` applies its migrations and exits (a deploy step).
 */
import { defaultPortOf } from '@govern/contracts-common';
import { serviceSettings } from '@govern/platform-core';
import { runServiceMain } from '@govern/platform-runtime';
import { ProductQualityMigrations } from '@govern/product-quality-data-access';
import { productQualityService } from '@govern/product-quality-service';

runServiceMain({
  argv: process.argv.slice(2),
  env: process.env,
  entryDir: import.meta.dirname,
  name: 'product-quality',
  configSchema: serviceSettings(defaultPortOf('product-quality')),
  migrationsDir: ProductQualityMigrations,
  service: () => productQualityService,
});

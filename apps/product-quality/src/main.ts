/**
 * product-quality as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 * `main [serve]` runs the service; `main migrate` applies its migrations and exits (a deploy step).
 */
import { defaultPortOf } from '@govern/contracts-common';
import { serviceSettings } from '@govern/platform-core';
import { runServiceMain } from '@govern/platform-runtime';
import { ProductQualityMigrations } from '@govern/product-quality-data-access';
import { createProductQualityService, shadowPoliciesSetting } from '@govern/product-quality-service';

runServiceMain({
  argv: process.argv.slice(2),
  env: process.env,
  entryDir: import.meta.dirname,
  name: 'product-quality',
  configSchema: serviceSettings(defaultPortOf('product-quality')).extend({
    /** Shadow candidates seeded at start, e.g. `listing-gate=2026-12-01.1`. */
    SHADOW_POLICIES: shadowPoliciesSetting(),
  }),
  migrationsDir: ProductQualityMigrations,
  service: (config) => createProductQualityService({ shadowPolicies: config.SHADOW_POLICIES }),
});

/**
 * product-quality as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC over TLS on HOST:PORT (TLS_CERT/TLS_KEY/TLS_CA;
 * callers by client certificate or a JWT_ISSUER token).
 * `main [serve]` runs the service; `main migrate` applies its migrations and exits (a deploy step).
 */
import { defaultPortOf } from '@govern/contracts-common';
import { runServiceMain, serviceProcessSettings } from '@govern/platform-runtime';
import { ProductQualityMigrations } from '@govern/product-quality-data-access';
import { createProductQualityService } from '@govern/product-quality-service';
import { shadowPoliciesSetting } from '@govern/platform-decisions';

runServiceMain({
  argv: process.argv.slice(2),
  env: process.env,
  entryDir: import.meta.dirname,
  name: 'product-quality',
  configSchema: serviceProcessSettings(defaultPortOf('product-quality')).extend({
    /** Shadow candidates seeded at start, e.g. `listing-gate=2026-12-01.1`. */
    SHADOW_POLICIES: shadowPoliciesSetting(),
  }),
  migrationsDir: ProductQualityMigrations,
  service: (config) => createProductQualityService({ shadowPolicies: config.SHADOW_POLICIES }),
});

/**
 * merchant-access as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC over TLS on HOST:PORT (TLS_CERT/TLS_KEY/TLS_CA;
 * callers by client certificate or a JWT_ISSUER token).
 * `main [serve]` runs the service; `main migrate` applies its migrations and exits (a deploy step).
 */
import { defaultPortOf } from '@govern/contracts-common';
import { settings } from '@govern/platform-core';
import { runServiceMain, serviceProcessSettings } from '@govern/platform-runtime';
import { MerchantAccessMigrations } from '@govern/merchant-access-data-access';
import { createMerchantAccessService, IDENTITY_HASH_KEY_MIN_LENGTH } from '@govern/merchant-access-service';
import { shadowPoliciesSetting } from '@govern/platform-decisions';

runServiceMain({
  argv: process.argv.slice(2),
  env: process.env,
  entryDir: import.meta.dirname,
  name: 'merchant-access',
  configSchema: serviceProcessSettings(defaultPortOf('merchant-access')).extend({
    /** Secret key of the HMAC under which identity numbers are stored (never in clear). */
    IDENTITY_HASH_KEY: settings.secret(IDENTITY_HASH_KEY_MIN_LENGTH),
    /** Shadow candidates seeded at start, e.g. `onboarding=2026-12-01.1,store-score=2026-12-05.2`. */
    SHADOW_POLICIES: shadowPoliciesSetting(),
  }),
  migrationsDir: MerchantAccessMigrations,
  service: (config) => createMerchantAccessService({ identityHashKey: config.IDENTITY_HASH_KEY, shadowPolicies: config.SHADOW_POLICIES }),
});

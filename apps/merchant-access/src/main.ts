/**
 * merchant-access as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 */
import { defaultPortOf } from '@govern/contracts-common';
import { serviceSettings, settings } from '@govern/platform-core';
import { runServiceProcess } from '@govern/platform-runtime';
import { createMerchantAccessService, IDENTITY_HASH_KEY_MIN_LENGTH } from '@govern/merchant-access-service';

runServiceProcess({
  env: process.env,
  name: 'merchant-access',
  configSchema: serviceSettings(defaultPortOf('merchant-access')).extend({
    /** Secret key of the HMAC under which identity numbers are stored (never in clear). */
    IDENTITY_HASH_KEY: settings.secret(IDENTITY_HASH_KEY_MIN_LENGTH),
  }),
  service: (config) => createMerchantAccessService({ identityHashKey: config.IDENTITY_HASH_KEY }),
});

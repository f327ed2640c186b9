/**
 * content as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC over TLS on HOST:PORT (TLS_CERT/TLS_KEY/TLS_CA;
 * callers by client certificate or a JWT_ISSUER token).
 * `main [serve]` runs the service; `main migrate` applies its migrations and exits (a deploy step).
 */
import { defaultPortOf } from '@govern/contracts-common';
import { runServiceMain, serviceProcessSettings } from '@govern/platform-runtime';
import { ContentMigrations } from '@govern/content-data-access';
import { createContentService } from '@govern/content-service';
import { shadowPoliciesSetting } from '@govern/platform-decisions';

runServiceMain({
  argv: process.argv.slice(2),
  env: process.env,
  entryDir: import.meta.dirname,
  name: 'content',
  configSchema: serviceProcessSettings(defaultPortOf('content')).extend({
    /** Shadow candidates switched on at start for kinds no operator has set: `content-assessment=2026-12-05.1,...`. */
    SHADOW_POLICIES: shadowPoliciesSetting(),
  }),
  migrationsDir: ContentMigrations,
  service: (config) => createContentService({ shadowPolicies: config.SHADOW_POLICIES }),
});

/**
 * content as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC over TLS on HOST:PORT (TLS_CERT/TLS_KEY/TLS_CA;
 * callers by client certificate or a JWT_ISSUER token).
 * `main [serve]` runs the service; `main migrate` applies its migrations and exits (a deploy step).
 */
import { defaultPortOf } from '@govern/contracts-common';
import { runServiceMain, serviceProcessSettings } from '@govern/platform-runtime';
import { ContentMigrations } from '@govern/content-data-access';
import { contentService } from '@govern/content-service';

runServiceMain({
  argv: process.argv.slice(2),
  env: process.env,
  entryDir: import.meta.dirname,
  name: 'content',
  configSchema: serviceProcessSettings(defaultPortOf('content')),
  migrationsDir: ContentMigrations,
  service: () => contentService,
});

/**
 * content as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 * `main [serve]` runs the service; `main migrate` applies its migrations and exits (a deploy step).
 */
import { defaultPortOf } from '@govern/contracts-common';
import { serviceSettings } from '@govern/platform-core';
import { runServiceMain } from '@govern/platform-runtime';
import { ContentMigrations } from '@govern/content-data-access';
import { contentService } from '@govern/content-service';

runServiceMain({
  argv: process.argv.slice(2),
  env: process.env,
  entryDir: import.meta.dirname,
  name: 'content',
  configSchema: serviceSettings(defaultPortOf('content')),
  migrationsDir: ContentMigrations,
  service: () => contentService,
});

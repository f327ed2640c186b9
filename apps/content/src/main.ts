/**
 * content as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 */
import { defaultPortOf } from '@govern/contracts-common';
import { serviceSettings } from '@govern/platform-core';
import { runServiceProcess } from '@govern/platform-runtime';
import { contentService } from '@govern/content-service';

runServiceProcess({
  env: process.env,
  name: 'content',
  configSchema: serviceSettings(defaultPortOf('content')),
  service: () => contentService,
});

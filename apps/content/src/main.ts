/**
 * content as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 */
import { serviceSettings } from '@govern/platform-core';
import { runServiceProcess } from '@govern/platform-runtime';
import { contentService } from '@govern/content-service';

runServiceProcess({
  env: process.env,
  name: 'content',
  configSchema: serviceSettings(50051),
  service: () => contentService,
});

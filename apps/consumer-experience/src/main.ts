/**
 * consumer-experience as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 */
import { serviceSettings } from '@govern/platform-core';
import { runServiceProcess } from '@govern/platform-runtime';
import { consumerExperienceService } from '@govern/consumer-experience-service';

runServiceProcess({
  env: process.env,
  name: 'consumer-experience',
  configSchema: serviceSettings(50054),
  service: () => consumerExperienceService,
});

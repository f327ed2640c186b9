/**
 * product-quality as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 */
import { serviceSettings } from '@govern/platform-core';
import { runServiceProcess } from '@govern/platform-runtime';
import { productQualityService } from '@govern/product-quality-service';

runServiceProcess({
  env: process.env,
  name: 'product-quality',
  configSchema: serviceSettings(50052),
  service: () => productQualityService,
});

/**
 * product-quality as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 */
import { defaultPortOf } from '@govern/contracts-common';
import { serviceSettings } from '@govern/platform-core';
import { runServiceProcess } from '@govern/platform-runtime';
import { productQualityService } from '@govern/product-quality-service';

runServiceProcess({
  env: process.env,
  name: 'product-quality',
  configSchema: serviceSettings(defaultPortOf('product-quality')),
  service: () => productQualityService,
});

/**
 * consumer-experience as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC on HOST:PORT.
 */
import { z } from 'zod';
import { defaultPortOf } from '@govern/contracts-common';
import { serviceSettings } from '@govern/platform-core';
import { runServiceProcess } from '@govern/platform-runtime';
import { createConsumerExperienceService } from '@govern/consumer-experience-service';

runServiceProcess({
  env: process.env,
  name: 'consumer-experience',
  configSchema: serviceSettings(defaultPortOf('consumer-experience')).extend({
    /** Reporting period of service metrics; the metrics policy's 15 minutes when unset. */
    METRICS_REPORT_PERIOD_MS: z.coerce.number().int().min(1_000).optional(),
  }),
  service: (config) => createConsumerExperienceService(config.METRICS_REPORT_PERIOD_MS ? { metricsReportPeriodMs: config.METRICS_REPORT_PERIOD_MS } : {}),
});

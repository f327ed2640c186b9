/**
 * consumer-experience as its team deploys it: settings from the environment (validated once, here),
 * its own PostgreSQL database and NATS JetStream, gRPC over TLS on HOST:PORT (TLS_CERT/TLS_KEY/TLS_CA;
 * callers by client certificate or a JWT_ISSUER token).
 * `main [serve]` runs the service; `main migrate` applies its migrations and exits (a deploy step).
 */
import { z } from 'zod';
import { defaultPortOf } from '@govern/contracts-common';
import { runServiceMain, serviceProcessSettings } from '@govern/platform-runtime';
import { ConsumerExperienceMigrations } from '@govern/consumer-experience-data-access';
import { createConsumerExperienceService } from '@govern/consumer-experience-service';
import { shadowPoliciesSetting } from '@govern/platform-decisions';

runServiceMain({
  argv: process.argv.slice(2),
  env: process.env,
  entryDir: import.meta.dirname,
  name: 'consumer-experience',
  configSchema: serviceProcessSettings(defaultPortOf('consumer-experience')).extend({
    /** Reporting period of service metrics; the metrics policy's 15 minutes when unset. */
    METRICS_REPORT_PERIOD_MS: z.coerce.number().int().min(1_000).optional(),
    /** Shadow candidates switched on at start for kinds no operator has set: `fast-refund=2026-12-01.1,compensation=...`. */
    SHADOW_POLICIES: shadowPoliciesSetting(),
  }),
  migrationsDir: ConsumerExperienceMigrations,
  service: (config) =>
    createConsumerExperienceService({
      ...(config.METRICS_REPORT_PERIOD_MS ? { metricsReportPeriodMs: config.METRICS_REPORT_PERIOD_MS } : {}),
      shadowPolicies: config.SHADOW_POLICIES,
    }),
});

import { MerchantServiceMetricsReportedEvent } from '@govern/contracts-consumer-experience';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { startConsumer, type ConsumerDatabase, type ConsumerHandle, type EventBus } from '@govern/platform-events';
import type { Logger } from 'pino';
import type { MerchantAccessDeps } from '../deps';
import { applyServiceMetrics } from '../use-cases/store-experience';
import { causeOfEvent } from '@govern/platform-runtime';

export const SERVICE_METRICS_CONSUMER = 'merchant_access_service_metrics';

/** Store experience score from consumer-experience's service metrics, one report at a time. */
export const startServiceMetricsConsumer = ({ deps, ...wiring }: {
  bus: EventBus;
  /** In the platform's transaction: plain SQL pipelined, Prisma joined only when a use case calls it. */
  database: ConsumerDatabase<PrismaClient>;
  deps: MerchantAccessDeps;
  log: Logger;
}): Promise<ConsumerHandle> =>
  startConsumer({
    ...wiring,
    consumer: SERVICE_METRICS_CONSUMER,
    eventTypes: [MerchantServiceMetricsReportedEvent] as const,
    handler: (event, ctx) =>
      deps.units.within(ctx.transaction, causeOfEvent(event, ctx.eventId), (work) => applyServiceMetrics(work, deps, ctx.log, event, ctx.eventId)),
  });

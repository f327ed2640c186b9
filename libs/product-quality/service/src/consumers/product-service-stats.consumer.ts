import { ProductServiceStatsReportedEvent } from '@govern/contracts-consumer-experience';
import type { PrismaClient } from '@govern/product-quality-data-access';
import { type ConsumerHandle, type EventBus, startConsumer, type ConsumerDatabase } from '@govern/platform-events';
import type { Logger } from 'pino';
import { onProductServiceStatsReported } from '../use-cases/service-stats';
import type { ProductQualityUnits } from '../use-cases/work';
import { causeOfEvent } from '@govern/platform-runtime';

/** consumer-experience's per-product quality returns, complaints and reviews feed the quality score. */
export const PRODUCT_SERVICE_STATS_CONSUMER = 'product_quality_service_stats';

export const startProductServiceStatsConsumer = ({ units, ...wiring }: {
  bus: EventBus;
  /** In the platform's transaction: plain SQL pipelined, Prisma joined only when a use case calls it. */
  database: ConsumerDatabase<PrismaClient>;
  units: ProductQualityUnits;
  log: Logger;
}): Promise<ConsumerHandle> =>
  startConsumer({
    ...wiring,
    consumer: PRODUCT_SERVICE_STATS_CONSUMER,
    eventTypes: [ProductServiceStatsReportedEvent] as const,
    async handler(event, ctx) {
      const cause = causeOfEvent(event, ctx.eventId);
      const applied = await units.within(ctx.transaction, cause, (work) => onProductServiceStatsReported(work, event));
      if (!applied) ctx.log.debug({ product_id: event.productId }, 'stats of an unknown product, or older than those held: ignored');
    },
  });

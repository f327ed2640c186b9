import { DefectClass, InspectionFailedEvent } from '@govern/contracts-product-quality';
import type { ConsumerExperienceTx, PrismaClient } from '@govern/consumer-experience-data-access';
import type { InspectionSeverity } from '@govern/consumer-experience-domain';
import { eventTime, startConsumer, type ConsumerDatabase, type ConsumerHandle, type EventBus } from '@govern/platform-events';
import type { Logger } from 'pino';
import { compensateInspectionFailure } from '../use-cases/cascades';
import type { UnitsOfWork } from '@govern/platform-runtime';
import type { Work } from '../use-cases/work';
import { causeOfEvent } from '@govern/platform-runtime';

/**
 * Durable consumer of product-quality's lab failures: a critical one pays back the product's recent
 * buyers, once per lab result (the compensation run is keyed by `result_id`, whatever event announced it).
 */
export const INSPECTION_FAILURES_CONSUMER = 'consumer_experience_inspection_failures';

const SEVERITIES: Partial<Record<DefectClass, InspectionSeverity>> = {
  [DefectClass.DEFECT_CLASS_MINOR]: 'MINOR',
  [DefectClass.DEFECT_CLASS_MAJOR]: 'MAJOR',
  [DefectClass.DEFECT_CLASS_CRITICAL]: 'CRITICAL',
};

export const startInspectionFailuresConsumer = ({ units, ...wiring }: {
  bus: EventBus;
  /** In the platform's transaction: plain SQL pipelined, Prisma joined only when a use case calls it. */
  database: ConsumerDatabase<PrismaClient>;
  log: Logger;
  units: UnitsOfWork<ConsumerExperienceTx, Work>;
}): Promise<ConsumerHandle> =>
  startConsumer<ConsumerExperienceTx, [typeof InspectionFailedEvent]>({
    ...wiring,
    consumer: INSPECTION_FAILURES_CONSUMER,
    eventTypes: [InspectionFailedEvent],
    async handler(event, ctx) {
      const summary = await units.within(ctx.transaction, causeOfEvent(event, ctx.eventId), (work) =>
        compensateInspectionFailure(work, {
          resultId: event.resultId || ctx.eventId,
          eventId: ctx.eventId,
          productId: event.productId,
          merchantId: event.merchantId,
          severity: SEVERITIES[event.severity],
          criticalDefects: event.criticalDefects,
          failedAt: eventTime(event.meta?.occurredAt, work.now),
          reportRef: event.reportRef,
        }),
      );
      ctx.log.info({ product_id: event.productId, result_id: event.resultId, ...summary }, 'inspection failure handled');
    },
  });

import { DefectClass, InspectionFailedEvent, ListingRejectedEvent } from '@govern/contracts-product-quality';
import type { PrismaClient } from '@govern/merchant-access-data-access';
import { sql } from '@govern/platform-db';
import { eventTime, isEvent, startConsumer, type ConsumerDatabase, type ConsumerHandle, type EventBus } from '@govern/platform-events';
import type { Logger } from 'pino';
import type { MerchantAccessDeps } from '../deps';
import { recordViolation, type RecordViolationCommand } from '../use-cases/violations';
import { causeOfEvent } from '@govern/platform-runtime';

export const QUALITY_VIOLATIONS_CONSUMER = 'merchant_access_quality_violations';

/**
 * Violation points from product-quality: a listing rejected as "three-no" goods and a lab test
 * with a critical defect each record a violation against the merchant (points, ladder, removal).
 * One violation per real-world fact, whatever events announce it: the source reference is the
 * fact (the listing, the lab result), claimed with the consumer's inbox transaction, so a
 * re-submitted three-no listing, an InspectionFailed re-published under a new message id or
 * announced twice adds no points again. Events about merchants this service does not know are
 * acknowledged and logged.
 */
export const violationOfQualityEvent = (
  event: unknown,
  ctx: { typeName: string; eventId: string },
): (Omit<RecordViolationCommand, 'occurredAt'> & { occurredAt?: Date | undefined }) | undefined => {
  if (isEvent(ListingRejectedEvent, event, ctx)) {
    if (!event.threeNo) return undefined;
    return {
      merchantId: event.merchantId,
      type: 'THREE_NO_LISTING',
      occurredAt: event.meta?.occurredAt,
      source: 'PRODUCT_QUALITY',
      sourceRef: `three-no-listing:${event.listingId || event.productId || ctx.eventId}`,
      productId: event.productId,
      description: 'listing rejected as three-no goods (no manufacturer, production date or certificate)',
      evidence: { listing_id: event.listingId, sku_id: event.skuId, category_code: event.categoryCode, evaluation_id: event.evaluationId },
    };
  }
  if (isEvent(InspectionFailedEvent, event, ctx)) {
    if (event.severity !== DefectClass.DEFECT_CLASS_CRITICAL && event.criticalDefects <= 0) return undefined;
    return {
      merchantId: event.merchantId,
      type: 'CRITICAL_INSPECTION_FAILURE',
      occurredAt: event.meta?.occurredAt,
      source: 'PRODUCT_QUALITY',
      sourceRef: `inspection-result:${event.resultId || ctx.eventId}`,
      productId: event.productId,
      description: `sampling inspection found ${event.criticalDefects} critical defect(s)`,
      evidence: {
        result_id: event.resultId,
        campaign_id: event.campaignId,
        sku_id: event.skuId,
        report_ref: event.reportRef,
        critical_defects: String(event.criticalDefects),
        major_defects: String(event.majorDefects),
      },
    };
  }
  return undefined;
};

export const startQualityViolationsConsumer = ({ deps, ...wiring }: {
  bus: EventBus;
  /** In the platform's transaction: plain SQL pipelined, Prisma joined only when a use case calls it. */
  database: ConsumerDatabase<PrismaClient>;
  deps: MerchantAccessDeps;
  log: Logger;
}): Promise<ConsumerHandle> =>
  startConsumer({
    ...wiring,
    consumer: QUALITY_VIOLATIONS_CONSUMER,
    eventTypes: [ListingRejectedEvent, InspectionFailedEvent] as const,
    async handler(event, ctx) {
      const found = violationOfQualityEvent(event, ctx);
      if (!found) return;
      const known = await ctx.sql.query(sql`SELECT 1 FROM merchants WHERE id = ${found.merchantId}`);
      if (known.length === 0) {
        ctx.log.warn({ merchant_id: found.merchantId }, 'violation event for an unknown merchant; ignored');
        return;
      }
      if (!(await ctx.claimOnce(found.sourceRef))) return;
      await deps.units.within(ctx.transaction, causeOfEvent(event, ctx.eventId), async (work) => {
        // The producer's time of the finding, unless it lies ahead of our clock.
        const occurredAt = eventTime(found.occurredAt, work.now);
        await recordViolation(work, deps, { ...found, occurredAt });
      });
    },
  });

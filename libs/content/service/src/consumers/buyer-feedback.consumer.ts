import type { ContentTx, PrismaClient } from '@govern/content-data-access';
import { ComplaintCategory, ComplaintFiledEvent, ComplaintTargetType, ContentAttributionReportedEvent } from '@govern/contracts-consumer-experience';
import { eventTime, isEvent, plausibleWindow, startConsumer, type ConsumerHandle, type EventBus, type ConsumerDatabase } from '@govern/platform-events';
import type { UnitsOfWork } from '@govern/platform-runtime';
import type { Logger } from 'pino';
import { attributionReported, complaintFiled } from '../use-cases/buyer-feedback';
import type { Work } from '../use-cases/work';
import { causeOfEvent } from '@govern/platform-runtime';

export const BUYER_FEEDBACK_CONSUMER = 'content_buyer_feedback';

/** COMPLAINT_CATEGORY_MISLEADING → MISLEADING, as content_complaints stores it. */
const categoryName = (category: ComplaintCategory): string => (ComplaintCategory[category] ?? 'COMPLAINT_CATEGORY_UNSPECIFIED').replace(/^COMPLAINT_CATEGORY_/, '');

/**
 * What buyers experienced, from consumer-experience: attribution figures feed the credible axis
 * (the item is re-assessed with them); a complaint against a content item or livestream is
 * recorded and re-assesses it (cascade 3: complaint → re-assessment → credit deduction → linking
 * suspended at the threshold).
 */
export const startBuyerFeedbackConsumer = ({ units, ...wiring }: {
  bus: EventBus;
  /** In the platform's transaction: plain SQL pipelined, Prisma joined only when a use case calls it. */
  database: ConsumerDatabase<PrismaClient>;
  units: UnitsOfWork<ContentTx, Work>;
  log: Logger;
}): Promise<ConsumerHandle> =>
  startConsumer({
    ...wiring,
    consumer: BUYER_FEEDBACK_CONSUMER,
    eventTypes: [ContentAttributionReportedEvent, ComplaintFiledEvent] as const,
    async handler(event, ctx) {
      await units.within(ctx.transaction, causeOfEvent(event, ctx.eventId), async (work) => {
        if (isEvent(ContentAttributionReportedEvent, event, ctx)) {
          // A window ending ahead of our clock would hide every real report until then: dead-lettered.
          const reportedAt = plausibleWindow(event.window, work.now, `attribution of ${event.contentId.slice(0, 64)}`).end;
          const report = { contentId: event.contentId, orders: event.orders, refunds: event.refunds, complaints: event.complaints, reportedAt, eventId: ctx.eventId };
          if (!(await attributionReported(work, report))) {
            ctx.log.debug({ content_id: event.contentId }, 'attribution for unknown content or a window not newer than the one kept; ignored');
          }
        } else if (isEvent(ComplaintFiledEvent, event, ctx)) {
          if (event.targetType !== ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT) return;
          const complaint = { complaintId: event.complaintId, contentId: event.targetId, category: categoryName(event.category), receivedAt: eventTime(event.meta?.occurredAt, work.now) };
          if (!(await complaintFiled(work, complaint))) {
            ctx.log.info({ content_id: event.targetId, complaint_id: event.complaintId }, 'complaint against content this service never assessed, or already recorded; ignored');
          }
        }
      });
    },
  });

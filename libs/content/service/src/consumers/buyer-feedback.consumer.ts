import type { PrismaClient } from '@govern/content-data-access';
import { streamOf } from '@govern/contracts-common';
import { ComplaintCategory, ComplaintFiledEvent, ComplaintTargetType, ContentAttributionReportedEvent } from '@govern/contracts-consumer-experience';
import { eventTime, isEvent, plausibleWindow, startConsumer, type ConsumerHandle, type EventBus } from '@govern/platform-events';
import type { Logger } from 'pino';
import type { ContentDeps } from '../deps';
import { EventBatch } from '../events/event-batch';
import { reassessStoredContent } from '../use-cases/assess-content-item';

/**
 * What buyers experienced, from consumer-experience: attribution figures feed the credible
 * axis (the item is re-assessed with them); a complaint against a content item or livestream
 * is recorded and re-assesses it (cascade 3: complaint → re-assessment → credit deduction →
 * linking suspended at the threshold).
 */
export const startBuyerFeedbackConsumer = (options: { bus: EventBus; db: PrismaClient; deps: ContentDeps; log: Logger }): Promise<ConsumerHandle> =>
  startConsumer({
    bus: options.bus,
    db: options.db,
    consumer: 'content_buyer_feedback',
    stream: streamOf('consumer_experience').name,
    eventTypes: [ContentAttributionReportedEvent, ComplaintFiledEvent] as const,
    log: options.log,
    async handler(event, ctx) {
      const { deps } = options;
      const { tx } = ctx;
      const events = new EventBatch(deps, { causationId: ctx.eventId });
      if (isEvent(ContentAttributionReportedEvent, event, ctx)) {
        // A window ending ahead of our clock would hide every real report until then: dead-lettered.
        const reportedAt = plausibleWindow(event.window, deps.clock.now(), `attribution of ${event.contentId.slice(0, 64)}`).end;
        // Figures of an older or the same window as the ones kept are stale: a redelivered, repeated
        // or reordered report changes nothing and re-assesses nothing.
        const updated = await tx.$executeRawUnsafe(
          `UPDATE content_items SET attribution_orders = $2, attribution_refunds = $3, attribution_complaints = $4, attribution_reported_at = $5
            WHERE content_id = $1 AND (attribution_reported_at IS NULL OR attribution_reported_at < $5)`,
          event.contentId,
          event.orders,
          event.refunds,
          event.complaints,
          reportedAt,
        );
        if (updated === 0) {
          ctx.log.debug({ content_id: event.contentId }, 'attribution for unknown content or a window not newer than the one kept; ignored');
          return;
        }
        await reassessStoredContent(tx, deps, events, { contentId: event.contentId, trigger: 'SIGNAL_UPDATE', note: `attribution report ${ctx.eventId}` });
      } else if (isEvent(ComplaintFiledEvent, event, ctx)) {
        if (event.targetType !== ComplaintTargetType.COMPLAINT_TARGET_TYPE_CONTENT) return;
        const known = await tx.contentItem.findUnique({ where: { contentId: event.targetId }, select: { contentId: true } });
        if (!known) {
          ctx.log.warn({ content_id: event.targetId, complaint_id: event.complaintId }, 'complaint against content this service never assessed; ignored');
          return;
        }
        const inserted = await tx.$executeRawUnsafe(
          `INSERT INTO content_complaints (complaint_id, content_id, category, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          event.complaintId,
          event.targetId,
          (ComplaintCategory[event.category] ?? 'COMPLAINT_CATEGORY_UNSPECIFIED').replace(/^COMPLAINT_CATEGORY_/, ''),
          eventTime(event.meta?.occurredAt, deps.clock.now()),
        );
        if (inserted === 0) return;
        await reassessStoredContent(tx, deps, events, { contentId: event.targetId, trigger: 'COMPLAINT', complaintId: event.complaintId });
      }
      await events.write(tx);
    },
  });

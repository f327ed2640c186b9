import type { PrismaClient } from '@govern/content-data-access';
import { streamOf } from '@govern/contracts-common';
import { AffiliateEligibilityChangedEvent, MerchantReinstatedEvent, MerchantRemovedEvent, MerchantStatus } from '@govern/contracts-merchant-access';
import { eventTime, isEvent, startConsumer, type ConsumerHandle, type EventBus } from '@govern/platform-events';
import type { Logger } from 'pino';
import type { ContentDeps } from '../deps';
import { EventBatch } from '../events/event-batch';
import { toJson } from '../mapping/json';
import { startCascade } from '../use-cases/cascades';

/**
 * Merchant standing as merchant-access announces it: a removal refuses new links to the
 * merchant's goods and unlinks every item selling them; a reinstatement (of a removed merchant)
 * restores them; losing affiliate eligibility takes the boost from content selling its goods.
 */
export const startMerchantStandingConsumer = (options: { bus: EventBus; db: PrismaClient; deps: ContentDeps; log: Logger }): Promise<ConsumerHandle> =>
  startConsumer({
    bus: options.bus,
    db: options.db,
    consumer: 'content_merchant_standing',
    stream: streamOf('merchant_access').name,
    eventTypes: [MerchantRemovedEvent, MerchantReinstatedEvent, AffiliateEligibilityChangedEvent] as const,
    log: options.log,
    transactionTimeoutMs: 60_000,
    async handler(event, ctx) {
      const { deps } = options;
      const { tx } = ctx;
      // Never ahead of our clock: a producer's time far ahead would make later facts look older.
      const at = eventTime(event.meta?.occurredAt, deps.clock.now());
      const events = new EventBatch(deps, { causationId: ctx.eventId });
      if (isEvent(MerchantRemovedEvent, event, ctx)) {
        // One cascade per removal (its sanction), however many events announce it.
        if (event.sanctionId && !(await ctx.claimOnce(`removal:${event.sanctionId}`))) return;
        await tx.removedMerchant.upsert({
          where: { merchantId: event.merchantId },
          create: { merchantId: event.merchantId, sanctionId: event.sanctionId, reasons: toJson(event.reasons), removedAt: at },
          update: { sanctionId: event.sanctionId, reasons: toJson(event.reasons), removedAt: at },
        });
        await startCascade(tx, deps, events, { type: 'MERCHANT_REMOVED', merchantId: event.merchantId }, ctx.eventId);
      } else if (isEvent(MerchantReinstatedEvent, event, ctx)) {
        // Reinstatement also ends suspensions content never acted on; only a lifted removal matters here.
        if (event.status === MerchantStatus.MERCHANT_STATUS_REMOVED) return;
        const lifted = await tx.removedMerchant.deleteMany({ where: { merchantId: event.merchantId } });
        if (lifted.count === 0) return;
        await startCascade(tx, deps, events, { type: 'MERCHANT_REINSTATED', merchantId: event.merchantId }, ctx.eventId);
      } else if (isEvent(AffiliateEligibilityChangedEvent, event, ctx)) {
        if (event.eligible) {
          // Content earns its boost back at its next assessment; nothing is raised without one.
          await tx.affiliateIneligibleMerchant.deleteMany({ where: { merchantId: event.merchantId } });
          return;
        }
        await tx.affiliateIneligibleMerchant.upsert({
          where: { merchantId: event.merchantId },
          create: { merchantId: event.merchantId, reasons: toJson(event.reasons), since: at },
          update: { reasons: toJson(event.reasons), since: at },
        });
        await startCascade(tx, deps, events, { type: 'AFFILIATE_INELIGIBLE', merchantId: event.merchantId }, ctx.eventId);
      }
      await events.write(tx);
    },
  });

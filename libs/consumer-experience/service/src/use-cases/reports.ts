import {
  ContentAttributionReportedEvent,
  MerchantServiceMetricsReportedEvent,
  ProductServiceStatsReportedEvent,
} from '@govern/contracts-consumer-experience';
import { METRICS_POLICY, type Window } from '@govern/consumer-experience-domain';
import { merchantNormFigures } from '../adapters/contacts.repository';
import { contentAttribution, merchantMetrics, productStats } from '../adapters/metrics.queries';
import { merchantMetricsToProto } from '../mapping/stats';
import type { Work } from './work';

/**
 * The debounced metric reports: once per period and subject (see Work.touch), the subject's figures
 * over the report window, computed in SQL (adapters/metrics.queries.ts), go out as an event.
 */

/** The window a report covers: the policy's last 90 days up to now. */
export const reportWindow = (now: Date): Window => ({ start: new Date(now.getTime() - METRICS_POLICY.reportWindowMs), end: now });

/** Debounced report jobs: each emits the subject's figures over the report window. */
export const reportMerchantMetrics = async (work: Work, merchantId: string): Promise<void> => {
  const window = reportWindow(work.now);
  const metrics = await merchantMetrics(work.sql, merchantId, window, work.now);
  const proto = merchantMetricsToProto(metrics, await merchantNormFigures(work.sql, merchantId, window, work.now));
  work.emit(MerchantServiceMetricsReportedEvent, {
    merchantId,
    window: proto.window,
    orders: proto.orders,
    inStockOrdersDue: proto.inStockOrdersDue,
    dispatchedWithin48h: proto.dispatchedWithin48h,
    lateDispatches: proto.lateDispatches,
    fakeShipments: proto.fakeShipments,
    afterSales: proto.afterSales,
    avgResponseMinutes: proto.avgResponseMinutes,
    disputes: proto.disputes,
    disputesLost: proto.disputesLost,
    complaints: proto.complaints,
    qualityReturns: proto.qualityReturns,
    positiveReviews: proto.positiveReviews,
    negativeReviews: proto.negativeReviews,
    metrics: proto,
  });
};

export const reportContentAttribution = async (work: Work, contentId: string): Promise<void> => {
  const window = reportWindow(work.now);
  const stats = await contentAttribution(work.sql, contentId, window);
  work.emit(ContentAttributionReportedEvent, {
    contentId,
    creatorId: stats.creatorId,
    window: { startTime: window.start, endTime: window.end },
    orders: BigInt(stats.orders),
    refunds: BigInt(stats.refunds),
    complaints: BigInt(stats.complaints),
    refundRate: stats.refundRate,
    complaintRate: stats.complaintRate,
  });
};

export const reportProductStats = async (work: Work, productId: string): Promise<void> => {
  const window = reportWindow(work.now);
  const stats = await productStats(work.sql, productId, window);
  work.emit(ProductServiceStatsReportedEvent, {
    productId,
    merchantId: stats.merchantId,
    window: { startTime: window.start, endTime: window.end },
    orders: BigInt(stats.orders),
    qualityReturns: BigInt(stats.qualityReturns),
    complaints: BigInt(stats.complaints),
    positiveReviews: BigInt(stats.positiveReviews),
    negativeReviews: BigInt(stats.negativeReviews),
  });
};

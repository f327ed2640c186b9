import type { MerchantServiceMetricsReported } from '@govern/contracts-consumer-experience';
import { StoreExperienceScoreChangedEvent } from '@govern/contracts-merchant-access';
import type { ServiceMetricsReportRow } from '@govern/merchant-access-data-access';
import {
  placeMetricsReport,
  replacesStoredScore,
  STORE_EXPERIENCE_POLICY,
  type ServiceMetricsReport,
} from '@govern/merchant-access-domain';
import { PoisonMessageError, plausibleWindow } from '@govern/platform-events';
import { DAY } from '@govern/policy-core';
import type { Logger } from 'pino';
import { lockMerchant } from '../adapters/records';
import { toJson } from '../mapping/json';
import { policyToProto, storeScoreFigures } from '../mapping/resources';
import { storeScoreDecisions, type StoreScoreFacts } from '../decisions/store-score.decision-kind';
import { recordWorkDecision } from '../decisions/decision-log';
import type { MerchantAccessDeps, Work } from '../deps';

export const reportOf = (row: ServiceMetricsReportRow): ServiceMetricsReport => ({
  windowStart: row.windowStart,
  windowEnd: row.windowEnd,
  orders: Number(row.orders),
  inStockOrdersDue: Number(row.inStockOrdersDue),
  dispatchedWithin48h: Number(row.dispatchedWithin48h),
  lateDispatches: Number(row.lateDispatches),
  fakeShipments: Number(row.fakeShipments),
  afterSales: Number(row.afterSales),
  avgResponseMinutes: row.avgResponseMinutes,
  disputes: Number(row.disputes),
  disputesLost: Number(row.disputesLost),
  complaints: Number(row.complaints),
  qualityReturns: Number(row.qualityReturns),
  positiveReviews: Number(row.positiveReviews),
  negativeReviews: Number(row.negativeReviews),
  contacts: Number(row.contacts),
  contactsJudged: Number(row.contactsJudged),
  contactBreaches: Number(row.contactBreaches),
  contactsAnswered: Number(row.contactsAnswered),
  contactFirstReplyP90Seconds: row.contactFirstReplyP90Seconds,
  contactsResolved: Number(row.contactsResolved),
  contactRatings: Number(row.contactRatings),
  contactRatingsSatisfied: Number(row.contactRatingsSatisfied),
});

/**
 * The service-norm figures of a report (its `metrics`; zero when the producer sent none). Counts
 * that cannot hold together (more breaches than contacts judged, more satisfied ratings than
 * ratings) make the report poison, as negative counts do.
 */
const contactFiguresOf = (event: MerchantServiceMetricsReported) => {
  const m = event.metrics;
  const figures = {
    contacts: m?.contacts ?? 0n,
    contactsJudged: m?.contactsJudged ?? 0n,
    contactBreaches: m?.contactBreaches ?? 0n,
    contactsAnswered: m?.contactsAnswered ?? 0n,
    contactFirstReplyP90Seconds: m?.contactFirstReplyP90Seconds ?? 0,
    contactsResolved: m?.contactsResolved ?? 0n,
    contactRatings: m?.contactRatings ?? 0n,
    contactRatingsSatisfied: m?.contactRatingsSatisfied ?? 0n,
  };
  const counts = [figures.contacts, figures.contactsJudged, figures.contactBreaches, figures.contactsAnswered, figures.contactsResolved, figures.contactRatings, figures.contactRatingsSatisfied];
  if (
    counts.some((c) => c < 0n) ||
    !Number.isFinite(figures.contactFirstReplyP90Seconds) ||
    figures.contactFirstReplyP90Seconds < 0 ||
    figures.contactBreaches > figures.contactsJudged ||
    figures.contactsJudged > figures.contacts ||
    figures.contactsAnswered > figures.contacts ||
    figures.contactsResolved > figures.contacts ||
    figures.contactRatingsSatisfied > figures.contactRatings
  ) {
    throw new PoisonMessageError('service metrics report with contact figures that do not hold together');
  }
  return figures;
};

/**
 * A report whose figures cannot be true can never be processed: it goes to the dead-letter
 * stream. That includes a window ending ahead of our clock (believed, it would become the end
 * of the rolling score window and freeze the score until that date) and a window longer than the
 * score's (its figures cannot be placed within the rolling window, and as the newest report it
 * would supersede every stored report it overlaps).
 */
const assertPlausible = (event: MerchantServiceMetricsReported, now: Date): { start: Date; end: Date } => {
  const what = `service metrics report of ${event.merchantId.slice(0, 64)}`;
  const { start, end } = plausibleWindow(event.window, now, what);
  if (end.getTime() - start.getTime() > STORE_EXPERIENCE_POLICY.windowMs) {
    throw new PoisonMessageError(`${what}: window longer than the ${STORE_EXPERIENCE_POLICY.windowMs / DAY}-day score window`);
  }
  const counts = [
    event.orders, event.inStockOrdersDue, event.dispatchedWithin48h, event.lateDispatches, event.fakeShipments, event.afterSales,
    event.disputes, event.disputesLost, event.complaints, event.qualityReturns, event.positiveReviews, event.negativeReviews,
  ];
  if (counts.some((c) => c < 0n) || !Number.isFinite(event.avgResponseMinutes) || event.avgResponseMinutes < 0) {
    throw new PoisonMessageError('service metrics report with negative or non-finite figures');
  }
  return { start, end };
};

/**
 * A MerchantServiceMetricsReported event: the report joins the merchant's stored reports
 * (replacing those it supersedes), the score over the rolling window is recomputed, stored with
 * its breakdown, and StoreExperienceScoreChanged goes out when the score or its breakdown moved.
 * Runs in the consumer's inbox transaction, so a redelivery changes nothing.
 */
export const applyServiceMetrics = async (
  work: Work,
  deps: Pick<MerchantAccessDeps, 'decisions'>,
  log: Logger,
  event: MerchantServiceMetricsReported,
  eventId: string,
): Promise<void> => {
  const { tx, now } = work;
  const { start, end } = assertPlausible(event, now);
  const contactFigures = contactFiguresOf(event);
  if (!(await lockMerchant(work.sql, event.merchantId))) {
    log.warn({ merchant_id: event.merchantId }, 'service metrics for an unknown merchant; ignored');
    return;
  }
  const overlapping = await tx.serviceMetricsReport.findMany({
    where: { merchantId: event.merchantId, windowStart: { lt: end }, windowEnd: { gt: start } },
  });
  const placed = placeMetricsReport(overlapping, { windowStart: start, windowEnd: end });
  if (placed.stale) {
    log.info({ merchant_id: event.merchantId, event_id: eventId }, 'service metrics report superseded by a newer one; ignored');
    return;
  }
  if (placed.superseded.length > 0) {
    await tx.serviceMetricsReport.deleteMany({ where: { eventId: { in: placed.superseded.map((r) => r.eventId) } } });
  }
  await tx.serviceMetricsReport.create({
    data: {
      eventId,
      merchantId: event.merchantId,
      windowStart: start,
      windowEnd: end,
      orders: event.orders,
      inStockOrdersDue: event.inStockOrdersDue,
      dispatchedWithin48h: event.dispatchedWithin48h,
      lateDispatches: event.lateDispatches,
      fakeShipments: event.fakeShipments,
      afterSales: event.afterSales,
      avgResponseMinutes: event.avgResponseMinutes,
      disputes: event.disputes,
      disputesLost: event.disputesLost,
      complaints: event.complaints,
      qualityReturns: event.qualityReturns,
      positiveReviews: event.positiveReviews,
      negativeReviews: event.negativeReviews,
      ...contactFigures,
      receivedAt: now,
    },
  });

  // The rolling window ends with the latest report: a report delivered a little late still
  // scores the period it covers.
  const latest = await tx.serviceMetricsReport.findFirst({ where: { merchantId: event.merchantId }, orderBy: { windowEnd: 'desc' } });
  const scoreAt = latest?.windowEnd ?? end;
  const reports = await tx.serviceMetricsReport.findMany({
    where: { merchantId: event.merchantId, windowEnd: { gt: new Date(scoreAt.getTime() - STORE_EXPERIENCE_POLICY.windowMs), lte: scoreAt } },
  });
  const facts: StoreScoreFacts = { merchantId: event.merchantId, reports: reports.map(reportOf), at: scoreAt };
  // The score stored is exactly the one recorded (a shadow candidate's is recorded beside it, never stored).
  const evaluation = await deps.decisions.evaluateWithShadow(storeScoreDecisions, facts);
  const score = evaluation.outcome;
  const previous = await tx.storeExperienceScore.findUnique({ where: { merchantId: event.merchantId } });
  if (!replacesStoredScore(previous, score)) {
    log.warn({ merchant_id: event.merchantId, event_id: eventId }, 'score over an earlier window than the stored one; kept the stored one');
    return;
  }
  // Recorded only when it becomes the merchant's score: a score over an earlier window decides nothing.
  await recordWorkDecision(deps.decisions, work, { evaluation, decisionId: `store-score:${eventId}` });
  const data = {
    ...storeScoreFigures(score),
    orderCount: BigInt(score.orderCount),
    windowStart: score.windowStart,
    windowEnd: score.windowEnd,
    components: toJson(score.components),
    policyName: score.policy.name,
    policyVersion: score.policy.version,
    computedAt: now,
  };
  await tx.storeExperienceScore.upsert({ where: { merchantId: event.merchantId }, create: { merchantId: event.merchantId, ...data }, update: data });
  const changed =
    !previous ||
    previous.score !== score.score ||
    previous.productScore !== score.product ||
    previous.logisticsScore !== score.logistics ||
    previous.serviceScore !== score.service ||
    previous.neutral !== score.neutral;
  if (!changed) return;
  work.emit(StoreExperienceScoreChangedEvent, {
    merchantId: event.merchantId,
    ...storeScoreFigures(score),
    previousScore: previous?.score ?? 0,
    window: { startTime: score.windowStart, endTime: score.windowEnd },
    policy: policyToProto(score.policy),
  });
};

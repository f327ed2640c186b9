import type { GovernanceStats as GovernanceStatsProto, MerchantServiceMetrics as MerchantServiceMetricsProto } from '@govern/contracts-consumer-experience';
import type { ComplaintTargetType, GovernanceStats, MerchantServiceMetrics, ServiceNormMetrics } from '@govern/consumer-experience-domain';
import { serviceNormMetricsToProto } from './care';
import { complaintTargetCodec } from './enums';

/** Domain figures (numbers) -> proto (int64 counts as bigint). */

/** A merchant's figures with its service-norm figures (issue 19: the service dimension of the store experience score). */
export const merchantMetricsToProto = (m: MerchantServiceMetrics, norms: ServiceNormMetrics): MerchantServiceMetricsProto => ({
  merchantId: m.merchantId,
  window: { startTime: m.window.start, endTime: m.window.end },
  orders: BigInt(m.orders),
  inStockOrdersDue: BigInt(m.inStockOrdersDue),
  dispatchedWithin48h: BigInt(m.dispatchedWithin48h),
  dispatchWithin48hRate: m.dispatchWithin48hRate,
  lateDispatches: BigInt(m.lateDispatches),
  fakeShipments: BigInt(m.fakeShipments),
  afterSales: BigInt(m.afterSales),
  avgResponseMinutes: m.avgResponseMinutes,
  disputes: BigInt(m.disputes),
  disputesLost: BigInt(m.disputesLost),
  disputeRate: m.disputeRate,
  complaints: BigInt(m.complaints),
  complaintRate: m.complaintRate,
  qualityReturns: BigInt(m.qualityReturns),
  qualityReturnRate: m.qualityReturnRate,
  positiveReviews: BigInt(m.positiveReviews),
  negativeReviews: BigInt(m.negativeReviews),
  contacts: BigInt(norms.contacts),
  contactResponseRate: norms.responseRate,
  contactBreaches: BigInt(norms.breaches),
  contactSatisfactionRate: norms.satisfactionRate,
  contactRatings: BigInt(norms.ratings),
  contactsJudged: BigInt(norms.judged),
  contactsAnswered: BigInt(norms.answered),
  contactFirstReplyP90Seconds: norms.firstReplyP90Ms / 1000,
  contactsResolved: BigInt(norms.resolved),
  contactRatingsSatisfied: BigInt(norms.satisfied),
});

/** Buyer-care figures of the governance report (issue 19). */
export interface CareReportFigures {
  norms: ServiceNormMetrics;
  careCasesOpened: number;
  careCasesResolved: number;
  careCasesResolvedByPlatform: number;
  newBuyerRatings: number;
  newBuyerSatisfied: number;
}

export const governanceStatsToProto = (s: GovernanceStats, care: CareReportFigures): GovernanceStatsProto => ({
  window: { startTime: s.window.start, endTime: s.window.end },
  orders: BigInt(s.orders),
  inStockOrdersDue: BigInt(s.inStockOrdersDue),
  dispatchedWithin48h: BigInt(s.dispatchedWithin48h),
  dispatchWithin48hRate: s.dispatchWithin48hRate,
  lateDispatches: BigInt(s.lateDispatches),
  fakeShipments: BigInt(s.fakeShipments),
  preSaleOrders: BigInt(s.preSaleOrders),
  afterSales: BigInt(s.afterSales),
  fastRefunds: BigInt(s.fastRefunds),
  fastRefundShare: s.fastRefundShare,
  preDispatchAfterSales: BigInt(s.preDispatchAfterSales),
  preDispatchFastRefunds: BigInt(s.preDispatchFastRefunds),
  preDispatchFastRefundShare: s.preDispatchFastRefundShare,
  refundedFen: s.refundedFen,
  insuranceSettlements: BigInt(s.insuranceSettlements),
  insurancePaidFen: s.insurancePaidFen,
  disputesDecided: BigInt(s.disputesDecided),
  compensations: BigInt(s.compensations),
  compensationPaidFen: s.compensationPaidFen,
  compensationRecoveredFen: s.compensationRecoveredFen,
  complaints: BigInt(s.complaints),
  complaintsByTarget: (Object.entries(s.complaintsByTarget) as [ComplaintTargetType, number][]).map(([target, count]) => ({
    targetType: complaintTargetCodec.toProto(target),
    count: BigInt(count),
  })),
  serviceNorms: serviceNormMetricsToProto(care.norms, ''),
  careCasesOpened: BigInt(care.careCasesOpened),
  careCasesResolved: BigInt(care.careCasesResolved),
  careCasesResolvedByPlatform: BigInt(care.careCasesResolvedByPlatform),
  newBuyerRatings: BigInt(care.newBuyerRatings),
  newBuyerSatisfied: BigInt(care.newBuyerSatisfied),
  newBuyerSatisfactionRate: care.newBuyerRatings > 0 ? care.newBuyerSatisfied / care.newBuyerRatings : 0,
});

import type { GovernanceStats as GovernanceStatsProto, MerchantServiceMetrics as MerchantServiceMetricsProto } from '@govern/contracts-consumer-experience';
import type { ComplaintTargetType, GovernanceStats, MerchantServiceMetrics } from '@govern/consumer-experience-domain';
import { complaintTargetCodec } from './enums';

/** Domain figures (numbers) -> proto (int64 counts as bigint). */

export const merchantMetricsToProto = (m: MerchantServiceMetrics): MerchantServiceMetricsProto => ({
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
});

export const governanceStatsToProto = (s: GovernanceStats): GovernanceStatsProto => ({
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
});

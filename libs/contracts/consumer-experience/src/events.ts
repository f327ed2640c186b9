/**
 * The governance events consumer-experience publishes: protobuf type, subject and codec of each.
 * Producers append them to their outbox; consumers in other services subscribe by these.
 */
import { defineEventType } from '@govern/contracts-common';
import {
  CompensationPaid,
  ComplaintFiled,
  ContentAttributionReported,
  DisputeDecided,
  FakeShipmentDetected,
  LateDispatchDetected,
  MerchantDepositTopUpRequested,
  MerchantServiceMetricsReported,
  OrderRecorded,
  ProductServiceStatsReported,
  RefundIssued,
} from './gen';

export const OrderRecordedEvent = defineEventType<OrderRecorded>('govern.consumer_experience.v1.OrderRecorded', 'govern.consumer_experience.order.recorded', OrderRecorded);
export const MerchantServiceMetricsReportedEvent = defineEventType<MerchantServiceMetricsReported>('govern.consumer_experience.v1.MerchantServiceMetricsReported', 'govern.consumer_experience.merchant_service_metrics.reported', MerchantServiceMetricsReported);
export const ContentAttributionReportedEvent = defineEventType<ContentAttributionReported>('govern.consumer_experience.v1.ContentAttributionReported', 'govern.consumer_experience.content_attribution.reported', ContentAttributionReported);
export const ProductServiceStatsReportedEvent = defineEventType<ProductServiceStatsReported>('govern.consumer_experience.v1.ProductServiceStatsReported', 'govern.consumer_experience.product_service_stats.reported', ProductServiceStatsReported);
export const ComplaintFiledEvent = defineEventType<ComplaintFiled>('govern.consumer_experience.v1.ComplaintFiled', 'govern.consumer_experience.complaint.filed', ComplaintFiled);
export const CompensationPaidEvent = defineEventType<CompensationPaid>('govern.consumer_experience.v1.CompensationPaid', 'govern.consumer_experience.compensation.paid', CompensationPaid);
export const RefundIssuedEvent = defineEventType<RefundIssued>('govern.consumer_experience.v1.RefundIssued', 'govern.consumer_experience.refund.issued', RefundIssued);
export const FakeShipmentDetectedEvent = defineEventType<FakeShipmentDetected>('govern.consumer_experience.v1.FakeShipmentDetected', 'govern.consumer_experience.shipment.fake_detected', FakeShipmentDetected);
export const LateDispatchDetectedEvent = defineEventType<LateDispatchDetected>('govern.consumer_experience.v1.LateDispatchDetected', 'govern.consumer_experience.order.late_dispatch_detected', LateDispatchDetected);
export const MerchantDepositTopUpRequestedEvent = defineEventType<MerchantDepositTopUpRequested>('govern.consumer_experience.v1.MerchantDepositTopUpRequested', 'govern.consumer_experience.merchant_deposit.top_up_requested', MerchantDepositTopUpRequested);
export const DisputeDecidedEvent = defineEventType<DisputeDecided>('govern.consumer_experience.v1.DisputeDecided', 'govern.consumer_experience.dispute.decided', DisputeDecided);

/** Every event type consumer-experience publishes. */
export const consumerExperienceEvents = [OrderRecordedEvent, MerchantServiceMetricsReportedEvent, ContentAttributionReportedEvent, ProductServiceStatsReportedEvent, ComplaintFiledEvent, CompensationPaidEvent, RefundIssuedEvent, FakeShipmentDetectedEvent, LateDispatchDetectedEvent, MerchantDepositTopUpRequestedEvent, DisputeDecidedEvent] as const;

import {
  AfterSaleReason as AfterSaleReasonProto,
  AfterSaleStatus as AfterSaleStatusProto,
  AfterSaleType as AfterSaleTypeProto,
  CareCaseStatus as CareCaseStatusProto,
  CareKind as CareKindProto,
  CompensationCause as CompensationCauseProto,
  ComplaintCategory as ComplaintCategoryProto,
  ComplaintStatus as ComplaintStatusProto,
  ComplaintTargetType as ComplaintTargetTypeProto,
  ContactChannel as ContactChannelProto,
  ContactTopic as ContactTopicProto,
  DisputeOutcome as DisputeOutcomeProto,
  DisputeParty as DisputePartyProto,
  EntrySide as EntrySideProto,
  FastRefundOutcome as FastRefundOutcomeProto,
  FulfilmentType as FulfilmentTypeProto,
  LedgerAccountType as LedgerAccountTypeProto,
  MerchantAnswer as MerchantAnswerProto,
  OrderStatus as OrderStatusProto,
  RefundSource as RefundSourceProto,
  ReturnExemption as ReturnExemptionProto,
  TrackingScanType as TrackingScanTypeProto,
} from '@govern/contracts-consumer-experience';
import { protoEnum } from '@govern/platform-grpc';

/**
 * Proto enums <-> the words the domain and the database use (`FULFILMENT_TYPE_IN_STOCK` is
 * `IN_STOCK`), from the platform's one codec: UNSPECIFIED and unknown numbers read as undefined,
 * which the request checks report (REQUIRED, UNKNOWN_ENUM_VALUE).
 */

export type OrderStatus = 'PAID' | 'SHIPPED' | 'DELIVERED' | 'REFUNDED';
export type TrackingScanType = 'PICKUP' | 'IN_TRANSIT' | 'OUT_FOR_DELIVERY' | 'DELIVERED' | 'EXCEPTION';
export type MerchantAnswer = 'ACCEPT' | 'REJECT';
export type RefundSource = 'MERCHANT' | 'FUND';
export type ComplaintCategory =
  | 'MISLEADING_CLAIM'
  | 'COUNTERFEIT'
  | 'QUALITY'
  | 'FOOD_SAFETY'
  | 'PRICE_FRAUD'
  | 'LOGISTICS'
  | 'SERVICE_ATTITUDE'
  | 'HARMFUL_CONTENT'
  | 'OTHER';
export type ComplaintStatus = 'ROUTED' | 'RESOLVED';

export const fulfilmentCodec = protoEnum(FulfilmentTypeProto, 'FULFILMENT_TYPE_');
export const orderStatusCodec = protoEnum(OrderStatusProto, 'ORDER_STATUS_');
export const scanTypeCodec = protoEnum(TrackingScanTypeProto, 'TRACKING_SCAN_TYPE_');
export const returnExemptionCodec = protoEnum(ReturnExemptionProto, 'RETURN_EXEMPTION_');
export const afterSaleTypeCodec = protoEnum(AfterSaleTypeProto, 'AFTER_SALE_TYPE_');
export const afterSaleReasonCodec = protoEnum(AfterSaleReasonProto, 'AFTER_SALE_REASON_');
export const afterSaleStatusCodec = protoEnum(AfterSaleStatusProto, 'AFTER_SALE_STATUS_');
export const fastRefundOutcomeCodec = protoEnum(FastRefundOutcomeProto, 'FAST_REFUND_OUTCOME_');
export const merchantAnswerCodec = protoEnum(MerchantAnswerProto, 'MERCHANT_ANSWER_');
export const disputePartyCodec = protoEnum(DisputePartyProto, 'DISPUTE_PARTY_');
export const disputeOutcomeCodec = protoEnum(DisputeOutcomeProto, 'DISPUTE_OUTCOME_');
export const refundSourceCodec = protoEnum(RefundSourceProto, 'REFUND_SOURCE_');
export const complaintTargetCodec = protoEnum(ComplaintTargetTypeProto, 'COMPLAINT_TARGET_TYPE_');
export const complaintCategoryCodec = protoEnum(ComplaintCategoryProto, 'COMPLAINT_CATEGORY_');
export const complaintStatusCodec = protoEnum(ComplaintStatusProto, 'COMPLAINT_STATUS_');
export const compensationCauseCodec = protoEnum(CompensationCauseProto, 'COMPENSATION_CAUSE_');
export const ledgerAccountTypeCodec = protoEnum(LedgerAccountTypeProto, 'LEDGER_ACCOUNT_TYPE_');
export const entrySideCodec = protoEnum(EntrySideProto, 'ENTRY_SIDE_');
export const contactChannelCodec = protoEnum(ContactChannelProto, 'CONTACT_CHANNEL_');
export const contactTopicCodec = protoEnum(ContactTopicProto, 'CONTACT_TOPIC_');
export const careKindCodec = protoEnum(CareKindProto, 'CARE_KIND_');
export const careCaseStatusCodec = protoEnum(CareCaseStatusProto, 'CARE_CASE_STATUS_');

export type CareCaseStatus = 'OPEN' | 'RESOLVED_BY_MERCHANT' | 'RESOLVED_BY_PLATFORM';

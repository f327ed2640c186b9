import {
  AfterSaleReason as AfterSaleReasonProto,
  AfterSaleStatus as AfterSaleStatusProto,
  AfterSaleType as AfterSaleTypeProto,
  CompensationCause as CompensationCauseProto,
  ComplaintCategory as ComplaintCategoryProto,
  ComplaintStatus as ComplaintStatusProto,
  ComplaintTargetType as ComplaintTargetTypeProto,
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
import type {
  AfterSaleReason,
  AfterSaleStatus,
  AfterSaleType,
  CompensationCause,
  ComplaintTargetType,
  DisputeOutcome,
  DisputeParty,
  EntrySide,
  FastRefundOutcome,
  Fulfilment,
  LedgerAccountType,
  ReturnExemption,
} from '@govern/consumer-experience-domain';

/**
 * Proto enums <-> the domain's words. A proto value `FULFILMENT_TYPE_IN_STOCK` is the domain's
 * `IN_STOCK`; UNSPECIFIED and unknown numbers map to undefined, which request validation reports.
 * The database stores the domain's words.
 */
export interface EnumCodec<P extends number, D extends string> {
  toDomain(value: P | number | undefined): D | undefined;
  toProto(value: D | string | null | undefined): P;
  readonly values: readonly D[];
}

const enumCodec = <P extends number, D extends string>(protoEnum: Record<string, string | number>, prefix: string): EnumCodec<P, D> => {
  const byNumber = new Map<number, D>();
  const byWord = new Map<string, P>();
  for (const [name, number] of Object.entries(protoEnum)) {
    if (typeof number !== 'number' || !name.startsWith(prefix) || name.endsWith('_UNSPECIFIED')) continue;
    const word = name.slice(prefix.length) as D;
    byNumber.set(number, word);
    byWord.set(word, number as P);
  }
  return {
    toDomain: (value) => (value === undefined ? undefined : byNumber.get(value)),
    toProto: (value) => (value ? (byWord.get(value) ?? (0 as P)) : (0 as P)),
    values: [...byNumber.values()],
  };
};

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

export const fulfilmentCodec = enumCodec<FulfilmentTypeProto, Fulfilment>(FulfilmentTypeProto, 'FULFILMENT_TYPE_');
export const orderStatusCodec = enumCodec<OrderStatusProto, OrderStatus>(OrderStatusProto, 'ORDER_STATUS_');
export const scanTypeCodec = enumCodec<TrackingScanTypeProto, TrackingScanType>(TrackingScanTypeProto, 'TRACKING_SCAN_TYPE_');
export const returnExemptionCodec = enumCodec<ReturnExemptionProto, ReturnExemption>(ReturnExemptionProto, 'RETURN_EXEMPTION_');
export const afterSaleTypeCodec = enumCodec<AfterSaleTypeProto, AfterSaleType>(AfterSaleTypeProto, 'AFTER_SALE_TYPE_');
export const afterSaleReasonCodec = enumCodec<AfterSaleReasonProto, AfterSaleReason>(AfterSaleReasonProto, 'AFTER_SALE_REASON_');
export const afterSaleStatusCodec = enumCodec<AfterSaleStatusProto, AfterSaleStatus>(AfterSaleStatusProto, 'AFTER_SALE_STATUS_');
export const fastRefundOutcomeCodec = enumCodec<FastRefundOutcomeProto, FastRefundOutcome>(FastRefundOutcomeProto, 'FAST_REFUND_OUTCOME_');
export const merchantAnswerCodec = enumCodec<MerchantAnswerProto, MerchantAnswer>(MerchantAnswerProto, 'MERCHANT_ANSWER_');
export const disputePartyCodec = enumCodec<DisputePartyProto, DisputeParty>(DisputePartyProto, 'DISPUTE_PARTY_');
export const disputeOutcomeCodec = enumCodec<DisputeOutcomeProto, DisputeOutcome>(DisputeOutcomeProto, 'DISPUTE_OUTCOME_');
export const refundSourceCodec = enumCodec<RefundSourceProto, RefundSource>(RefundSourceProto, 'REFUND_SOURCE_');
export const complaintTargetCodec = enumCodec<ComplaintTargetTypeProto, ComplaintTargetType>(ComplaintTargetTypeProto, 'COMPLAINT_TARGET_TYPE_');
export const complaintCategoryCodec = enumCodec<ComplaintCategoryProto, ComplaintCategory>(ComplaintCategoryProto, 'COMPLAINT_CATEGORY_');
export const complaintStatusCodec = enumCodec<ComplaintStatusProto, ComplaintStatus>(ComplaintStatusProto, 'COMPLAINT_STATUS_');
export const compensationCauseCodec = enumCodec<CompensationCauseProto, CompensationCause>(CompensationCauseProto, 'COMPENSATION_CAUSE_');
export const ledgerAccountTypeCodec = enumCodec<LedgerAccountTypeProto, LedgerAccountType>(LedgerAccountTypeProto, 'LEDGER_ACCOUNT_TYPE_');
export const entrySideCodec = enumCodec<EntrySideProto, EntrySide>(EntrySideProto, 'ENTRY_SIDE_');

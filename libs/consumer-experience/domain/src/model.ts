/**
 * Vocabulary of consumer-experience rules. The string unions mirror the proto enums of
 * govern.consumer_experience.v1 without their prefix (FULFILMENT_TYPE_IN_STOCK -> 'IN_STOCK'),
 * so the gRPC edge maps them one to one. Money is bigint fen; time is Date.
 */
import type { PolicyRef, Reason } from '@govern/policy-core';

export type Fulfilment = 'IN_STOCK' | 'PRE_SALE';

export type AfterSaleType = 'REFUND_ONLY' | 'RETURN_AND_REFUND' | 'EXCHANGE';

export type AfterSaleReason =
  | 'NO_REASON_7_DAYS'
  | 'NOT_WANTED_BEFORE_DISPATCH'
  | 'QUALITY_DEFECT'
  | 'NOT_AS_DESCRIBED'
  | 'COUNTERFEIT'
  | 'MISSING_PARTS'
  | 'WRONG_ITEM'
  | 'DAMAGED_IN_TRANSIT'
  | 'NOT_RECEIVED'
  | 'LATE_DISPATCH'
  | 'OTHER';

export type AfterSaleStatus =
  | 'AWAITING_MERCHANT'
  | 'AWAITING_RETURN'
  | 'RETURN_IN_TRANSIT'
  | 'MERCHANT_REJECTED'
  | 'IN_DISPUTE'
  | 'AWAITING_MERCHANT_PAYMENT'
  | 'REFUNDED'
  | 'EXCHANGED'
  | 'CLOSED';

export type ReturnExemption = 'CUSTOM_MADE' | 'PERISHABLE' | 'DIGITAL_UNSEALED' | 'PERIODICAL' | 'HYGIENE_OPENED';

export type FastRefundOutcome = 'GRANTED' | 'GRANTED_ON_PICKUP' | 'DENIED' | 'NOT_APPLICABLE';

export type DisputeParty = 'BUYER' | 'MERCHANT' | 'PLATFORM';

export type DisputeOutcome = 'BUYER_FAVOURED' | 'PARTIAL' | 'MERCHANT_FAVOURED';

export type ComplaintTargetType = 'CONTENT' | 'PRODUCT' | 'MERCHANT' | 'SERVICE';

export type CompensationCause =
  | 'DISPUTE_UNPAID'
  | 'FAILED_INSPECTION'
  | 'MERCHANT_REMOVED'
  | 'FRAUD'
  | 'FOOD_SAFETY'
  | 'LATE_DISPATCH'
  /** New-buyer care (issue 19): the platform steps in for a stuck first order and pays the buyer back. */
  | 'NEW_BUYER_CARE';

/** Standing of a merchant as this service learns it from merchant-access events. */
export interface MerchantStanding {
  status: 'ACTIVE' | 'RESTRICTED' | 'SUSPENDED' | 'REMOVED';
  /** Store experience score 1.0-5.0; undefined while neutral or unknown. */
  storeScore?: number;
}

/** Durable timers the service persists and fires; domain functions only say which and when. */
export type TimerKind =
  | 'DISPATCH_DEADLINE'
  | 'FIRST_SCAN_DEADLINE'
  | 'MERCHANT_RESPONSE_DEADLINE'
  | 'DISPUTE_PAYMENT_DEADLINE';

export interface Timer {
  kind: TimerKind;
  /** Id of the order or after-sale the timer belongs to. */
  subjectId: string;
  dueAt: Date;
}

/** A decision with its explanation: every rule outcome carries reasons and the policy it used. */
export interface Explained {
  reasons: Reason[];
  policy: PolicyRef;
}

/** Reasons that count as quality-related returns in service metrics and product stats. */
export const QUALITY_REASONS: ReadonlySet<AfterSaleReason> = new Set<AfterSaleReason>([
  'QUALITY_DEFECT',
  'NOT_AS_DESCRIBED',
  'COUNTERFEIT',
  'MISSING_PARTS',
]);

export const isQualityReason = (reason: AfterSaleReason): boolean => QUALITY_REASONS.has(reason);

export const policyRef = (policy: { name: string; version: string }): PolicyRef => ({
  name: policy.name,
  version: policy.version,
});

export const addMs = (at: Date, ms: number): Date => new Date(at.getTime() + ms);

export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
export const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** fen as a readable yuan string for reason messages and evidence, e.g. 12345n -> "123.45". */
export const yuan = (fen: bigint): string => {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
};

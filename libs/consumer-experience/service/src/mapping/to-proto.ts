import type { PolicyRef as PolicyRefProto, Reason as ReasonProto } from '@govern/contracts-common';
import type {
  AfterSale,
  Compensation,
  Complaint,
  LedgerEntry,
  MerchantDeposit,
  Order,
  Refund,
  Review,
  Shipment,
} from '@govern/contracts-consumer-experience';
import type {
  AfterSaleChangeRow,
  AfterSaleRow,
  ComplaintRow,
  CompensationRow,
  LedgerEntryRow,
  MerchantDepositRow,
  OrderRow,
  Prisma,
  RefundRow,
  ReviewRow,
  ShipmentRow,
} from '@govern/consumer-experience-data-access';
import { orderIdentityOf, parseAccount, type EntrySide } from '@govern/consumer-experience-domain';
import type { Reason } from '@govern/policy-core';
import {
  afterSaleReasonCodec,
  afterSaleStatusCodec,
  afterSaleTypeCodec,
  compensationCauseCodec,
  complaintCategoryCodec,
  complaintStatusCodec,
  complaintTargetCodec,
  disputeOutcomeCodec,
  disputePartyCodec,
  entrySideCodec,
  fastRefundOutcomeCodec,
  fulfilmentCodec,
  ledgerAccountTypeCodec,
  merchantAnswerCodec,
  orderStatusCodec,
  refundSourceCodec,
  returnExemptionCodec,
} from './enums';

/** Database rows -> proto resources. Rows hold the domain's words and JSON reasons. */

/** Reasons as stored (JSON) — the domain's Reason shape. */
export const reasonsToJson = (reasons: readonly Reason[]): Prisma.JsonArray =>
  reasons.map((r) => ({ code: r.code, message: r.message, evidence: { ...r.evidence }, weight: r.weight }));

export const reasonsFromJson = (json: Prisma.JsonValue | null | undefined): Reason[] => {
  if (!Array.isArray(json)) return [];
  return json.map((item) => {
    const r = (item ?? {}) as { code?: string; message?: string; evidence?: Record<string, string>; weight?: number };
    return { code: r.code ?? '', message: r.message ?? '', evidence: r.evidence ?? {}, weight: r.weight ?? 0 };
  });
};

/** A JSONB list of strings (evidence references, return exemptions). */
export const stringsFromJson = (json: Prisma.JsonValue | null | undefined): string[] =>
  Array.isArray(json) ? json.filter((item): item is string => typeof item === 'string') : [];

export const reasonsToProto = (reasons: readonly Reason[]): ReasonProto[] =>
  reasons.map((r) => ({ code: r.code, message: r.message, evidence: { ...r.evidence }, weight: Math.round(r.weight) }));

export const policyToProto = (name: string | null | undefined, version: string | null | undefined): PolicyRefProto | undefined =>
  name && version ? { name, version } : undefined;

const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

export const shipmentToProto = (s: ShipmentRow): Shipment => ({
  trackingNumber: s.trackingNumber,
  carrierCode: s.carrierCode,
  shippedAt: s.shippedAt,
  firstScanDueAt: orUndefined(s.firstScanDueAt),
  firstScanAt: orUndefined(s.firstScanAt),
  pickupAt: orUndefined(s.pickupAt),
  deliveredAt: orUndefined(s.deliveredAt),
  fakeShipment: s.fakeShipment,
  dispatchedOnTime: s.dispatchedOnTime ?? false,
});

export const orderToProto = (o: OrderRow, forwardShipment?: ShipmentRow | null): Order => ({
  ...orderIdentityOf(o),
  attributedContentId: o.contentId ?? '',
  attributedCreatorId: o.creatorId ?? '',
  amountFen: o.amountFen,
  paidAt: o.paidAt,
  fulfilment: fulfilmentCodec.toProto(o.fulfilment),
  promisedDispatchAt: orUndefined(o.promisedDispatchAt),
  dispatchDueAt: o.dispatchDueAt,
  status: orderStatusCodec.toProto(o.status),
  returnExemptions: stringsFromJson(o.returnExemptions).map((e) => returnExemptionCodec.toProto(e)),
  shipment: forwardShipment ? shipmentToProto(forwardShipment) : undefined,
  lateDispatch: o.lateDispatch,
  lateDispatchCompensationFen: o.lateDispatchFen,
  refundedFen: o.refundedFen,
  compensatedFen: o.punitiveFen + o.lateDispatchFen,
  createTime: o.createdAt,
  reasons: reasonsToProto(reasonsFromJson(o.promiseReasons)),
  policy: policyToProto(o.promisePolicyName, o.promisePolicyVersion),
});

export const refundToProto = (r: RefundRow): Refund => ({
  refundId: r.refundId,
  orderId: r.orderId,
  afterSaleId: r.afterSaleId ?? '',
  amountFen: r.amountFen,
  fast: r.fast,
  source: refundSourceCodec.toProto(r.source),
  issueTime: r.issuedAt,
});

export interface AfterSaleView {
  afterSale: AfterSaleRow;
  changes: readonly AfterSaleChangeRow[];
  refunds: readonly RefundRow[];
  returnShipment?: ShipmentRow | null | undefined;
}

export const afterSaleToProto = ({ afterSale: a, changes, refunds, returnShipment }: AfterSaleView): AfterSale => ({
  afterSaleId: a.afterSaleId,
  orderId: a.orderId,
  buyerId: a.buyerId,
  merchantId: a.merchantId,
  type: afterSaleTypeCodec.toProto(a.type),
  reason: afterSaleReasonCodec.toProto(a.reason),
  amountFen: a.amountFen,
  description: a.description,
  evidenceRefs: stringsFromJson(a.evidenceRefs),
  status: afterSaleStatusCodec.toProto(a.status),
  createTime: a.createdAt,
  requestedBeforeDispatch: a.requestedBeforeDispatch,
  reasons: reasonsToProto(reasonsFromJson(a.reasons)),
  policy: policyToProto(a.policyName, a.policyVersion),
  fastRefund: {
    outcome: fastRefundOutcomeCodec.toProto(a.fastRefundOutcome),
    preDispatch: a.requestedBeforeDispatch,
    refundFen: a.fastRefundFen,
    reasons: reasonsToProto(reasonsFromJson(a.fastRefundReasons)),
    policy: policyToProto(a.fastRefundPolicyName, a.fastRefundPolicyVersion),
    decideTime: a.fastRefundDecidedAt,
  },
  merchantResponseDueAt: orUndefined(a.merchantResponseDueAt),
  merchantAnswer: merchantAnswerCodec.toProto(a.merchantAnswer),
  merchantNote: a.merchantNote ?? '',
  merchantResponseTime: orUndefined(a.merchantRespondedAt),
  returnShipment: returnShipment ? shipmentToProto(returnShipment) : undefined,
  insurance:
    a.insuranceFen === null
      ? undefined
      : {
          amountFen: a.insuranceFen,
          reasons: reasonsToProto(reasonsFromJson(a.insuranceReasons)),
          policy: policyToProto(a.insurancePolicyName, a.insurancePolicyVersion),
          settleTime: orUndefined(a.insuranceSettledAt),
        },
  returnFee:
    a.returnFeePolicyVersion === null
      ? undefined
      : {
          owedFen: a.returnFeeOwedFen,
          settleTime: orUndefined(a.returnFeeSettledAt),
          settledBy: a.returnFeeSettledBy ?? '',
          ledgerTransactionId: a.returnFeeTransactionId ?? '',
          reasons: reasonsToProto(reasonsFromJson(a.returnFeeReasons)),
          policy: policyToProto(a.returnFeePolicyName, a.returnFeePolicyVersion),
        },
  dispute:
    a.escalatedAt === null
      ? undefined
      : {
          escalatedBy: disputePartyCodec.toProto(a.escalatedBy),
          statement: a.disputeStatement ?? '',
          escalateTime: a.escalatedAt,
          outcome: disputeOutcomeCodec.toProto(a.disputeOutcome),
          awardFen: a.awardFen ?? 0n,
          decidedBy: a.disputeDecidedBy ?? '',
          reasons: reasonsToProto(reasonsFromJson(a.disputeReasons)),
          policy: policyToProto(a.disputePolicyName, a.disputePolicyVersion),
          decideTime: orUndefined(a.disputeDecidedAt),
          merchantPaymentDueAt: orUndefined(a.paymentDueAt),
        },
  refunds: refunds.map(refundToProto),
  history: changes.map((c) => ({
    status: afterSaleStatusCodec.toProto(c.status),
    reasons: reasonsToProto(reasonsFromJson(c.reasons)),
    policy: policyToProto(c.policyName, c.policyVersion),
    changeTime: c.changedAt,
  })),
});

/** What a complaint is about and says: the same on the resource and on ComplaintFiled. */
export const complaintSubjectToProto = (c: ComplaintRow) => ({
  targetType: complaintTargetCodec.toProto(c.targetType),
  targetId: c.targetId,
  merchantId: c.merchantId ?? '',
  orderId: c.orderId ?? '',
  category: complaintCategoryCodec.toProto(c.category),
  text: c.text,
});

export const complaintToProto = (c: ComplaintRow): Complaint => ({
  complaintId: c.complaintId,
  buyerId: c.buyerId,
  ...complaintSubjectToProto(c),
  evidenceRefs: stringsFromJson(c.evidenceRefs),
  status: complaintStatusCodec.toProto(c.status),
  routedTo: c.routedTo,
  createTime: c.createdAt,
});

export const compensationToProto = (c: CompensationRow): Compensation => ({
  compensationId: c.compensationId,
  orderId: c.orderId,
  buyerId: c.buyerId,
  merchantId: c.merchantId,
  cause: compensationCauseCodec.toProto(c.cause),
  amountFen: c.amountFen,
  recoveredFen: c.recoveredFen,
  outstandingFen: c.outstandingFen,
  topUpRequested: c.topUpRequested,
  reasons: reasonsToProto(reasonsFromJson(c.reasons)),
  policy: policyToProto(c.policyName, c.policyVersion),
  ledgerTransactionId: c.ledgerTransactionId,
  triggeredBy: c.triggeredBy,
  payTime: c.paidAt,
  afterSaleId: c.afterSaleId ?? '',
  evidenceRef: c.evidenceRef ?? '',
  productId: c.productId,
});

export const depositToProto = (d: MerchantDepositRow): MerchantDeposit => ({
  merchantId: d.merchantId,
  balanceFen: d.balanceFen,
  minimumFen: d.minimumFen,
  owedFen: d.owedFen,
  topUpRequested: d.topUpRequested,
  topUpRequestedFen: d.topUpRequestedFen,
  updateTime: d.updatedAt,
});

export const ledgerEntryToProto = (e: LedgerEntryRow): LedgerEntry => {
  const account = parseAccount(e.account);
  return {
    entryId: e.id.toString(),
    transactionId: e.transactionId,
    account: e.account,
    accountType: ledgerAccountTypeCodec.toProto(account.type),
    ownerId: account.ownerId ?? '',
    side: entrySideCodec.toProto(e.side as EntrySide),
    amountFen: e.amountFen,
    orderId: e.orderId ?? '',
    memo: e.memo,
    postTime: e.postedAt,
  };
};

export const reviewToProto = (r: ReviewRow): Review => ({ orderId: r.orderId, rating: r.rating, text: r.text, createTime: r.createdAt });

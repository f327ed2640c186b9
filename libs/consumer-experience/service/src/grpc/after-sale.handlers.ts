import {
  DecideDisputeRequest,
  DecideDisputeResponse,
  EscalateDisputeRequest,
  EscalateDisputeResponse,
  type GetAfterSaleRequest,
  type GetAfterSaleResponse,
  type ListAfterSalesRequest,
  type ListAfterSalesResponse,
  RecordReturnShipmentRequest,
  RecordReturnShipmentResponse,
  RequestAfterSaleRequest,
  RequestAfterSaleResponse,
  RespondAfterSaleRequest,
  RespondAfterSaleResponse,
  SettleReturnShippingFeeRequest,
  SettleReturnShippingFeeResponse,
} from '@govern/contracts-consumer-experience';
import { INVALID, isInvalid, type Checked } from '@govern/platform-grpc';
import type { Reason } from '@govern/policy-core';
import { listAfterSales } from '../adapters/lists.queries';
import { afterSaleReasonCodec, afterSaleStatusCodec, afterSaleTypeCodec, disputeOutcomeCodec, disputePartyCodec, merchantAnswerCodec } from '../mapping/enums';
import { afterSaleToProto, refundToProto } from '../mapping/to-proto';
import { decideDispute, escalateDispute, loadAfterSaleView, recordReturnShipment, requestAfterSale, respondAfterSale } from '../use-cases/after-sales';
import { settleReturnShippingFee } from '../use-cases/return-fee';
import { type Call, ConsumerExperienceChecks, type HandlerKit, MAX_TRACKING_NUMBER, mutate, orderBuyerOrMerchant, read, timePage } from './handler-kit';

/** A ruling's reasons: a bounded list, each with a code, bounded words and bounded evidence. */
const MAX_RULING_REASONS = 20;

const rulingReasons = (checks: ConsumerExperienceChecks, reasons: readonly Reason[]): Checked<Reason[]> => {
  if (isInvalid(checks.bounded('reasons', reasons, { maxItems: MAX_RULING_REASONS }))) return INVALID;
  const checked = reasons.map((reason, i) => {
    const code = checks.id(`reasons[${i}].code`, reason.code);
    const message = checks.optionalText(`reasons[${i}].message`, reason.message);
    const evidence = checks.evidence(`reasons[${i}].evidence`, reason.evidence, {
      maxEntries: MAX_RULING_REASONS,
      keyMaxChars: checks.limits.idMaxChars,
      valueMaxChars: checks.limits.textMaxChars,
    });
    if (isInvalid(code) || isInvalid(message) || isInvalid(evidence)) return INVALID;
    return { code, message, evidence, weight: reason.weight };
  });
  return checked.some(isInvalid) ? INVALID : (checked as Reason[]);
};

/** After-sales: the buyer's request, the merchant's answer, disputes and rulings, the return parcel, and the lists. */
export const afterSaleHandlers = (kit: HandlerKit) => ({
  requestAfterSale(request: RequestAfterSaleRequest, call: Call): Promise<RequestAfterSaleResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      const type = checks.enumValue('type', afterSaleTypeCodec, request.type);
      // An exchange moves goods, not money.
      const amountFen =
        type === 'EXCHANGE'
          ? checks.check(request.amountFen === 0n, 'amount_fen', 'must be 0 for an exchange', 'EXCHANGE_HAS_NO_AMOUNT')
            ? 0n
            : INVALID
          : checks.amountFen('amount_fen', request.amountFen);
      return checks.done(
        {
          orderId: checks.id('order_id', request.orderId),
          buyerId: checks.id('buyer_id', request.buyerId),
          type,
          reason: checks.enumValue('reason', afterSaleReasonCodec, request.reason),
          amountFen,
          description: checks.optionalText('description', request.description),
          evidenceRefs: checks.evidenceRefs('evidence_refs', request.evidenceRefs),
          goodsUnsealed: request.goodsUnsealed,
          buyerTrustScore: request.buyerTrustScore === undefined ? undefined : checks.number('buyer_trust_score', request.buyerTrustScore, { min: 0, max: 100 }),
        },
        'AFTER_SALE.INVALID',
      );
    };
    return mutate(kit, call, 'RequestAfterSale', { request: RequestAfterSaleRequest, response: RequestAfterSaleResponse }, request, check, async (work, command) => {
      const result = await requestAfterSale(work, command);
      return { afterSale: afterSaleToProto(result.view), refund: result.refund ? refundToProto(result.refund) : undefined };
    });
  },

  respondAfterSale(request: RespondAfterSaleRequest, call: Call): Promise<RespondAfterSaleResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      const answer = checks.enumValue('answer', merchantAnswerCodec, request.answer);
      return checks.done(
        {
          afterSaleId: checks.id('after_sale_id', request.afterSaleId),
          merchantId: checks.id('merchant_id', request.merchantId),
          answer,
          // A refusal says why.
          note: checks.string('note', request.note, { required: answer === 'REJECT' }),
          evidenceRefs: checks.evidenceRefs('evidence_refs', request.evidenceRefs),
        },
        'AFTER_SALE.INVALID_ANSWER',
      );
    };
    return mutate(kit, call, 'RespondAfterSale', { request: RespondAfterSaleRequest, response: RespondAfterSaleResponse }, request, check, async (work, answer) => {
      const result = await respondAfterSale(work, answer);
      return { afterSale: afterSaleToProto(result.view), refund: result.refund ? refundToProto(result.refund) : undefined };
    });
  },

  escalateDispute(request: EscalateDisputeRequest, call: Call): Promise<EscalateDisputeResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      return checks.done(
        {
          afterSaleId: checks.id('after_sale_id', request.afterSaleId),
          escalatedBy: checks.enumValue('escalated_by', disputePartyCodec, request.escalatedBy),
          statement: checks.optionalText('statement', request.statement),
          evidenceRefs: checks.evidenceRefs('evidence_refs', request.evidenceRefs),
        },
        'DISPUTE.INVALID',
      );
    };
    return mutate(kit, call, 'EscalateDispute', { request: EscalateDisputeRequest, response: EscalateDisputeResponse }, request, check, async (work, dispute) => ({
      afterSale: afterSaleToProto(await escalateDispute(work, dispute)),
    }));
  },

  decideDispute(request: DecideDisputeRequest, call: Call): Promise<DecideDisputeResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      const outcome = checks.enumValue('outcome', disputeOutcomeCodec, request.outcome);
      // An award is a part of what was asked: only a PARTIAL ruling names one.
      const awardFen =
        outcome === 'PARTIAL'
          ? checks.amountFen('award_fen', request.awardFen)
          : checks.check(request.awardFen === 0n, 'award_fen', 'is only for a PARTIAL ruling', 'AWARD_NOT_PARTIAL')
            ? 0n
            : INVALID;
      return checks.done(
        {
          afterSaleId: checks.id('after_sale_id', request.afterSaleId),
          operatorId: checks.id('operator_id', request.operatorId),
          outcome,
          awardFen,
          reasons: rulingReasons(checks, request.reasons),
        },
        'DISPUTE.INVALID_RULING',
      );
    };
    return mutate(kit, call, 'DecideDispute', { request: DecideDisputeRequest, response: DecideDisputeResponse }, request, check, async (work, ruling) => ({
      afterSale: afterSaleToProto(await decideDispute(work, ruling)),
    }));
  },

  recordReturnShipment(request: RecordReturnShipmentRequest, call: Call): Promise<RecordReturnShipmentResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      return checks.done(
        {
          afterSaleId: checks.id('after_sale_id', request.afterSaleId),
          trackingNumber: checks.id('tracking_number', request.trackingNumber, MAX_TRACKING_NUMBER),
          carrierCode: checks.id('carrier_code', request.carrierCode),
          shippedAt: checks.timestamp('shipped_at', request.shippedAt, { now: kit.deps.clock.now() }),
          shippingFeeFen: checks.amountFen('shipping_fee_fen', request.shippingFeeFen, { allowZero: true }),
        },
        'RETURN.INVALID',
      );
    };
    return mutate(kit, call, 'RecordReturnShipment', { request: RecordReturnShipmentRequest, response: RecordReturnShipmentResponse }, request, check, async (work, shipment) => ({
      afterSale: afterSaleToProto(await recordReturnShipment(work, shipment)),
    }));
  },

  settleReturnShippingFee(request: SettleReturnShippingFeeRequest, call: Call): Promise<SettleReturnShippingFeeResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      return checks.done({ afterSaleId: checks.id('after_sale_id', request.afterSaleId), merchantId: checks.id('merchant_id', request.merchantId) }, 'RETURN_FEE.INVALID');
    };
    return mutate(kit, call, 'SettleReturnShippingFee', { request: SettleReturnShippingFeeRequest, response: SettleReturnShippingFeeResponse }, request, check, async (work, input) => ({
      afterSale: afterSaleToProto(await settleReturnShippingFee(work, input)),
    }));
  },

  async getAfterSale(request: GetAfterSaleRequest, call: Call): Promise<GetAfterSaleResponse> {
    const checks = new ConsumerExperienceChecks();
    const { afterSaleId } = checks.done({ afterSaleId: checks.id('after_sale_id', request.afterSaleId) }, 'AFTER_SALE.INVALID');
    return { afterSale: afterSaleToProto(await read(kit, call, (_tx, db) => loadAfterSaleView(db, afterSaleId))) };
  },

  async listAfterSales(request: ListAfterSalesRequest, call: Call): Promise<ListAfterSalesResponse> {
    const checks = new ConsumerExperienceChecks();
    const { size, after, ...filter } = checks.done(
      {
        ...orderBuyerOrMerchant(checks, request, request),
        status: checks.optionalEnum('status', afterSaleStatusCodec, request.status),
        ...timePage(checks, request),
      },
      'AFTER_SALE.INVALID_LIST',
    );
    const page = await read(kit, call, (tx) => listAfterSales(tx, filter, { size, after }));
    return { afterSales: page.items.map(afterSaleToProto), nextPageToken: page.nextPageToken };
  },
});

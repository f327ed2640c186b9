import type { TimeWindow } from '@govern/contracts-common';
import {
  ContributeToFundRequest,
  ContributeToFundResponse,
  DecideDisputeRequest,
  DecideDisputeResponse,
  DepositMerchantFundsRequest,
  DepositMerchantFundsResponse,
  EscalateDisputeRequest,
  EscalateDisputeResponse,
  FileComplaintRequest,
  FileComplaintResponse,
  PayAdvanceCompensationRequest,
  PayAdvanceCompensationResponse,
  RecordOrderRequest,
  RecordOrderResponse,
  RecordReturnShipmentRequest,
  RecordReturnShipmentResponse,
  RecordReviewRequest,
  RecordReviewResponse,
  RecordShipmentRequest,
  RecordShipmentResponse,
  RecordTrackingScanRequest,
  RecordTrackingScanResponse,
  RequestAfterSaleRequest,
  RequestAfterSaleResponse,
  RespondAfterSaleRequest,
  RespondAfterSaleResponse,
  type ConsumerExperienceServiceDefinition,
  type FundLedger,
} from '@govern/contracts-consumer-experience';
import type { ConsumerExperienceTx, PrismaClient } from '@govern/consumer-experience-data-access';
import {
  checkAmount,
  checkPastTimestamp,
  parseAccount,
  planDispatchPromise,
  validateComplaint,
  validateRecordOrder,
  type Window,
} from '@govern/consumer-experience-domain';
import { runTransaction, type DatabaseConnection } from '@govern/platform-db';
import type { GrpcServiceImplementation } from '@govern/platform-grpc';
import type { UnitsOfWork } from '@govern/platform-runtime';
import { DomainError, Violations, type Reason } from '@govern/policy-core';
import { fundLedgerState, listLedgerEntries, type FundLedgerState } from '../adapters/ledger.repository';
import {
  afterSaleReasonCodec,
  afterSaleStatusCodec,
  afterSaleTypeCodec,
  compensationCauseCodec,
  complaintCategoryCodec,
  complaintTargetCodec,
  disputeOutcomeCodec,
  disputePartyCodec,
  fulfilmentCodec,
  merchantAnswerCodec,
  orderStatusCodec,
  returnExemptionCodec,
  scanTypeCodec,
} from '../mapping/enums';
import { cursorTime, decodePageToken, encodePageToken } from '../mapping/page-token';
import { governanceStatsToProto, merchantMetricsToProto } from '../mapping/stats';
import {
  afterSaleToProto,
  complaintToProto,
  compensationToProto,
  depositToProto,
  ledgerEntryToProto,
  orderToProto,
  refundToProto,
  reviewToProto,
} from '../mapping/to-proto';
import {
  decideDispute,
  escalateDispute,
  loadAfterSaleView,
  recordReturnShipment,
  requestAfterSale,
  respondAfterSale,
} from '../use-cases/after-sales';
import { fileComplaint } from '../use-cases/complaints';
import { contributeToFund, depositMerchantFunds, getMerchantDeposit, payAdvanceCompensation } from '../use-cases/fund';
import { loadOrderView, recordOrder, recordReview, recordShipment, recordTrackingScan } from '../use-cases/orders';
import { depositView } from '../use-cases/payouts';
import { governanceFigures, merchantMetrics } from '../adapters/metrics.queries';
import { reportWindow } from '../use-cases/reports';
import type { ServiceDeps, Work } from '../use-cases/work';
import { boundedText, checkAll, evidenceList, MAX_ID_LENGTH, optionalId, pageSizeOf, requireEnum, requireId } from './request-checks';

/**
 * The gRPC edge: request checks (every violation at once, proto field paths), then the use case in
 * one transaction — `runMutation` for every mutation (idempotent by request_id, deadline honoured),
 * a read transaction for queries — and the mapping back to proto.
 */

export interface HandlerDeps extends ServiceDeps {
  database: DatabaseConnection<PrismaClient>;
  units: UnitsOfWork<ConsumerExperienceTx, Work>;
}

interface Codec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;
const DEFAULT_LEDGER_PAGE = 100;
const MAX_LEDGER_PAGE = 1000;
const MAX_TRACKING_NUMBER = 64;
const MAX_LOCATION = 256;
const MAX_RULING_REASONS = 20;

const toFundLedgerProto = (state: FundLedgerState, asOf: Date): FundLedger => ({
  fundBalanceFen: state.fundBalanceFen,
  receivablesOutstandingFen: state.receivablesOutstandingFen,
  depositsHeldFen: state.depositsHeldFen,
  totalDebitsFen: state.totalDebitsFen,
  totalCreditsFen: state.totalCreditsFen,
  balanced: state.totalDebitsFen === state.totalCreditsFen && state.unbalancedTransactions === 0n,
  transactionCount: state.transactionCount,
  asOfTime: asOf,
});

const checkWindow = (v: Violations, field: string, window: TimeWindow | undefined, required: boolean): Window | undefined => {
  if (!window) {
    v.check(!required, field, 'is required', 'REQUIRED');
    return undefined;
  }
  const ok =
    v.check(window.startTime !== undefined, `${field}.start_time`, 'is required', 'REQUIRED') &&
    v.check(window.endTime !== undefined, `${field}.end_time`, 'is required', 'REQUIRED');
  if (!ok || !window.startTime || !window.endTime) return undefined;
  if (!v.check(window.startTime.getTime() < window.endTime.getTime(), `${field}.end_time`, 'must be after start_time', 'EMPTY_WINDOW')) return undefined;
  return { start: window.startTime, end: window.endTime };
};

const checkRulingReasons = (v: Violations, reasons: readonly Reason[]): void => {
  if (!v.maxItems('reasons', reasons, MAX_RULING_REASONS)) return;
  reasons.forEach((r, i) => {
    requireId(v, `reasons[${i}].code`, r.code);
    boundedText(v, `reasons[${i}].message`, r.message);
    v.check(Object.keys(r.evidence).length <= MAX_RULING_REASONS, `reasons[${i}].evidence`, `must have at most ${MAX_RULING_REASONS} entries`, 'TOO_MANY_ITEMS');
    for (const [key, value] of Object.entries(r.evidence)) {
      v.maxLength(`reasons[${i}].evidence`, key, MAX_ID_LENGTH);
      boundedText(v, `reasons[${i}].evidence[${key.slice(0, MAX_ID_LENGTH)}]`, value);
    }
  });
};

export const createConsumerExperienceHandlers = (deps: HandlerDeps): GrpcServiceImplementation<ConsumerExperienceServiceDefinition> => {
  const { database, clock } = deps;

  /**
   * A mutation in one unit of work, idempotent by request_id. `check` holds the request's checks that
   * depend on the clock: a retry they would now refuse gets the answer stored for it instead.
   */
  const mutate = <Req extends { requestId: string }, Res, Checked = undefined>(
    rpc: string,
    request: Req,
    codecs: { request: Codec<Req>; response: Codec<Res> },
    deadline: Date | undefined,
    run: (work: Work, checked: Checked) => Promise<Res>,
    check?: () => Checked,
  ): Promise<Res> =>
    deps.units.mutation(
      { scope: `consumer_experience.${rpc}`, request, requestCodec: codecs.request, responseCodec: codecs.response, deadline, ...(check ? { check } : {}) },
      run,
    );

  /**
   * Reads in a platform transaction too (the caller's deadline bounds them): Prisma joins its
   * pipelined connection, so the relation queries Prisma runs side by side for an `include` are
   * pipelined instead of queued on one connection (node-postgres' "client.query() when the client
   * is already executing a query" deprecation, seen under Prisma's own interactive transactions).
   */
  const read = <R>(deadline: Date | undefined, run: (tx: ConsumerExperienceTx) => Promise<R>): Promise<R> =>
    runTransaction(database, (t) => run(t.tx), { deadline });

  return {
    async recordOrder(request, context) {
      // Checked against the clock at each call: a retry whose paid_at has since aged is answered from
      // its stored answer (the unit of work's `check`).
      const checkRequest = () => {
        const now = clock.now();
        let fulfilment: ReturnType<typeof fulfilmentCodec.toDomain>;
        const exemptions = request.returnExemptions.map((e) => returnExemptionCodec.toDomain(e));
        checkAll(
          'ORDER.INVALID',
          (v) => {
            requireId(v, 'request_id', request.requestId);
            // Presence is the domain's check (validateRecordOrder); length is the edge's.
            v.maxLength('order_id', request.orderId, MAX_ID_LENGTH);
            v.maxLength('buyer_id', request.buyerId, MAX_ID_LENGTH);
            v.maxLength('merchant_id', request.merchantId, MAX_ID_LENGTH);
            v.maxLength('product_id', request.productId, MAX_ID_LENGTH);
            v.maxLength('sku_id', request.skuId, MAX_ID_LENGTH);
            v.maxLength('category_code', request.categoryCode, MAX_ID_LENGTH);
            optionalId(v, 'attributed_content_id', request.attributedContentId);
            optionalId(v, 'attributed_creator_id', request.attributedCreatorId);
            v.check(!request.attributedCreatorId || Boolean(request.attributedContentId), 'attributed_creator_id', 'needs attributed_content_id', 'CREATOR_WITHOUT_CONTENT');
            if (v.maxItems('return_exemptions', request.returnExemptions, returnExemptionCodec.values.length)) {
              exemptions.forEach((e, i) => v.check(e !== undefined, `return_exemptions[${i}]`, `must be one of ${returnExemptionCodec.values.join(', ')}`, 'UNKNOWN_EXEMPTION'));
            }
          },
          () => {
            fulfilment = fulfilmentCodec.toDomain(request.fulfilment);
            validateRecordOrder(
              {
                orderId: request.orderId,
                buyerId: request.buyerId,
                merchantId: request.merchantId,
                productId: request.productId,
                skuId: request.skuId,
                categoryCode: request.categoryCode,
                amountFen: request.amountFen,
                paidAt: request.paidAt,
                fulfilment,
                promisedDispatchAt: request.promisedDispatchAt,
              },
              now,
            );
          },
          () => {
            if (fulfilment === 'PRE_SALE' && request.paidAt) {
              planDispatchPromise({ orderId: request.orderId, fulfilment, paidAt: request.paidAt, promisedDispatchAt: request.promisedDispatchAt });
            }
          },
        );
        return {
          fulfilment: fulfilment as NonNullable<typeof fulfilment>,
          exemptions: [...new Set(exemptions.filter((e): e is NonNullable<typeof e> => e !== undefined))],
        };
      };
      return mutate('RecordOrder', request, { request: RecordOrderRequest, response: RecordOrderResponse }, context.deadline, async (work, checked) => {
        const view = await recordOrder(work, {
          orderId: request.orderId,
          buyerId: request.buyerId,
          merchantId: request.merchantId,
          productId: request.productId,
          skuId: request.skuId,
          categoryCode: request.categoryCode,
          contentId: request.attributedContentId || undefined,
          creatorId: request.attributedCreatorId || undefined,
          amountFen: request.amountFen,
          paidAt: request.paidAt as Date,
          fulfilment: checked.fulfilment,
          promisedDispatchAt: request.promisedDispatchAt,
          returnExemptions: checked.exemptions,
        });
        return { order: orderToProto(view.order, view.forwardShipment) };
      }, checkRequest);
    },

    async getOrder(request, context) {
      checkAll('ORDER.INVALID', (v) => requireId(v, 'order_id', request.orderId));
      const view = await read(context.deadline, (tx) => loadOrderView(tx, request.orderId));
      return { order: orderToProto(view.order, view.forwardShipment) };
    },

    async listOrders(request, context) {
      const v = new Violations();
      v.check(Boolean(request.buyerId || request.merchantId || request.productId), 'buyer_id', 'one of buyer_id, merchant_id or product_id is required', 'FILTER_REQUIRED');
      optionalId(v, 'buyer_id', request.buyerId);
      optionalId(v, 'merchant_id', request.merchantId);
      optionalId(v, 'product_id', request.productId);
      const status = request.status ? requireEnum(v, 'status', request.status, orderStatusCodec) : undefined;
      const size = pageSizeOf(v, request.pageSize, DEFAULT_PAGE, MAX_PAGE);
      const cursor = decodePageToken(v, request.pageToken);
      const after = cursorTime(v, cursor);
      v.throwIfAny('ORDER.INVALID_LIST');
      const rows = await read(context.deadline, (tx) =>
        tx.order.findMany({
          where: {
            ...(request.buyerId ? { buyerId: request.buyerId } : {}),
            ...(request.merchantId ? { merchantId: request.merchantId } : {}),
            ...(request.productId ? { productId: request.productId } : {}),
            ...(status ? { status } : {}),
            ...(after && cursor ? { OR: [{ paidAt: { lt: after } }, { paidAt: after, orderId: { lt: cursor.id } }] } : {}),
          },
          include: { shipments: { where: { kind: 'FORWARD' } } },
          orderBy: [{ paidAt: 'desc' }, { orderId: 'desc' }],
          take: size + 1,
        }),
      );
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return {
        orders: page.map(({ shipments, ...order }) => orderToProto(order, shipments[0])),
        nextPageToken: rows.length > size && last ? encodePageToken({ key: last.paidAt.toISOString(), id: last.orderId }) : '',
      };
    },

    async recordShipment(request, context) {
      const checkRequest = () => {
        const now = clock.now();
        checkAll('SHIPMENT.INVALID', (v) => {
          requireId(v, 'request_id', request.requestId);
          requireId(v, 'order_id', request.orderId);
          v.require('tracking_number', request.trackingNumber);
          v.maxLength('tracking_number', request.trackingNumber, MAX_TRACKING_NUMBER);
          requireId(v, 'carrier_code', request.carrierCode);
          checkPastTimestamp(v, 'shipped_at', request.shippedAt, now);
          optionalId(v, 'after_sale_id', request.afterSaleId);
        });
      };
      return mutate('RecordShipment', request, { request: RecordShipmentRequest, response: RecordShipmentResponse }, context.deadline, async (work) => {
        const view = await recordShipment(work, {
          orderId: request.orderId,
          trackingNumber: request.trackingNumber,
          carrierCode: request.carrierCode,
          shippedAt: request.shippedAt as Date,
          afterSaleId: request.afterSaleId || undefined,
        });
        return { order: orderToProto(view.order, view.forwardShipment) };
      }, checkRequest);
    },

    async recordTrackingScan(request, context) {
      const checkRequest = () => {
        const now = clock.now();
        let scanType: ReturnType<typeof scanTypeCodec.toDomain>;
        checkAll('SCAN.INVALID', (v) => {
          requireId(v, 'request_id', request.requestId);
          v.require('tracking_number', request.trackingNumber);
          v.maxLength('tracking_number', request.trackingNumber, MAX_TRACKING_NUMBER);
          requireId(v, 'carrier_code', request.carrierCode);
          scanType = requireEnum(v, 'scan_type', request.scanType, scanTypeCodec);
          checkPastTimestamp(v, 'scanned_at', request.scannedAt, now);
          v.maxLength('location', request.location, MAX_LOCATION);
        });
        return { scanType: scanType as NonNullable<typeof scanType> };
      };
      return mutate(
        'RecordTrackingScan',
        request,
        { request: RecordTrackingScanRequest, response: RecordTrackingScanResponse },
        context.deadline,
        async (work, checked) => {
          const result = await recordTrackingScan(work, {
            trackingNumber: request.trackingNumber,
            carrierCode: request.carrierCode,
            scanType: checked.scanType,
            scannedAt: request.scannedAt as Date,
            location: request.location,
          });
          return {
            order: orderToProto(result.order.order, result.order.forwardShipment),
            afterSale: result.afterSale ? afterSaleToProto(result.afterSale) : undefined,
            refund: result.refund ? refundToProto(result.refund) : undefined,
          };
        },
        checkRequest,
      );
    },

    async requestAfterSale(request, context) {
      let type: ReturnType<typeof afterSaleTypeCodec.toDomain>;
      let reason: ReturnType<typeof afterSaleReasonCodec.toDomain>;
      checkAll('AFTER_SALE.INVALID', (v) => {
        requireId(v, 'request_id', request.requestId);
        requireId(v, 'order_id', request.orderId);
        requireId(v, 'buyer_id', request.buyerId);
        type = requireEnum(v, 'type', request.type, afterSaleTypeCodec);
        reason = requireEnum(v, 'reason', request.reason, afterSaleReasonCodec);
        if (type === 'EXCHANGE') v.check(request.amountFen === 0n, 'amount_fen', 'must be 0 for an exchange', 'EXCHANGE_HAS_NO_AMOUNT');
        else checkAmount(v, 'amount_fen', request.amountFen);
        boundedText(v, 'description', request.description);
        evidenceList(v, 'evidence_refs', request.evidenceRefs);
        if (request.buyerTrustScore !== undefined) {
          v.check(request.buyerTrustScore >= 0 && request.buyerTrustScore <= 100, 'buyer_trust_score', 'must be between 0 and 100', 'OUT_OF_RANGE');
        }
      });
      return mutate('RequestAfterSale', request, { request: RequestAfterSaleRequest, response: RequestAfterSaleResponse }, context.deadline, async (work) => {
        const result = await requestAfterSale(work, {
          orderId: request.orderId,
          buyerId: request.buyerId,
          type: type as NonNullable<typeof type>,
          reason: reason as NonNullable<typeof reason>,
          amountFen: request.amountFen,
          description: request.description,
          evidenceRefs: request.evidenceRefs,
          goodsUnsealed: request.goodsUnsealed,
          buyerTrustScore: request.buyerTrustScore,
        });
        return { afterSale: afterSaleToProto(result.view), refund: result.refund ? refundToProto(result.refund) : undefined };
      });
    },

    async respondAfterSale(request, context) {
      let answer: ReturnType<typeof merchantAnswerCodec.toDomain>;
      checkAll('AFTER_SALE.INVALID_ANSWER', (v) => {
        requireId(v, 'request_id', request.requestId);
        requireId(v, 'after_sale_id', request.afterSaleId);
        requireId(v, 'merchant_id', request.merchantId);
        answer = requireEnum(v, 'answer', request.answer, merchantAnswerCodec);
        if (answer === 'REJECT') v.require('note', request.note);
        boundedText(v, 'note', request.note);
        evidenceList(v, 'evidence_refs', request.evidenceRefs);
      });
      return mutate('RespondAfterSale', request, { request: RespondAfterSaleRequest, response: RespondAfterSaleResponse }, context.deadline, async (work) => {
        const result = await respondAfterSale(work, {
          afterSaleId: request.afterSaleId,
          merchantId: request.merchantId,
          answer: answer as NonNullable<typeof answer>,
          note: request.note,
          evidenceRefs: request.evidenceRefs,
        });
        return { afterSale: afterSaleToProto(result.view), refund: result.refund ? refundToProto(result.refund) : undefined };
      });
    },

    async escalateDispute(request, context) {
      let party: ReturnType<typeof disputePartyCodec.toDomain>;
      checkAll('DISPUTE.INVALID', (v) => {
        requireId(v, 'request_id', request.requestId);
        requireId(v, 'after_sale_id', request.afterSaleId);
        party = requireEnum(v, 'escalated_by', request.escalatedBy, disputePartyCodec);
        boundedText(v, 'statement', request.statement);
        evidenceList(v, 'evidence_refs', request.evidenceRefs);
      });
      return mutate('EscalateDispute', request, { request: EscalateDisputeRequest, response: EscalateDisputeResponse }, context.deadline, async (work) => {
        const view = await escalateDispute(work, {
          afterSaleId: request.afterSaleId,
          escalatedBy: party as NonNullable<typeof party>,
          statement: request.statement,
          evidenceRefs: request.evidenceRefs,
        });
        return { afterSale: afterSaleToProto(view) };
      });
    },

    async decideDispute(request, context) {
      let outcome: ReturnType<typeof disputeOutcomeCodec.toDomain>;
      checkAll('DISPUTE.INVALID_RULING', (v) => {
        requireId(v, 'request_id', request.requestId);
        requireId(v, 'after_sale_id', request.afterSaleId);
        requireId(v, 'operator_id', request.operatorId);
        outcome = requireEnum(v, 'outcome', request.outcome, disputeOutcomeCodec);
        if (outcome === 'PARTIAL') checkAmount(v, 'award_fen', request.awardFen);
        else v.check(request.awardFen === 0n, 'award_fen', 'is only for a PARTIAL ruling', 'AWARD_NOT_PARTIAL');
        checkRulingReasons(v, request.reasons);
      });
      return mutate('DecideDispute', request, { request: DecideDisputeRequest, response: DecideDisputeResponse }, context.deadline, async (work) => {
        const view = await decideDispute(work, {
          afterSaleId: request.afterSaleId,
          outcome: outcome as NonNullable<typeof outcome>,
          awardFen: request.awardFen,
          operatorId: request.operatorId,
          reasons: request.reasons.map((r) => ({ code: r.code, message: r.message, evidence: { ...r.evidence }, weight: r.weight })),
        });
        return { afterSale: afterSaleToProto(view) };
      });
    },

    async recordReturnShipment(request, context) {
      const checkRequest = () => {
        const now = clock.now();
        checkAll('RETURN.INVALID', (v) => {
          requireId(v, 'request_id', request.requestId);
          requireId(v, 'after_sale_id', request.afterSaleId);
          v.require('tracking_number', request.trackingNumber);
          v.maxLength('tracking_number', request.trackingNumber, MAX_TRACKING_NUMBER);
          requireId(v, 'carrier_code', request.carrierCode);
          checkPastTimestamp(v, 'shipped_at', request.shippedAt, now);
          checkAmount(v, 'shipping_fee_fen', request.shippingFeeFen, { allowZero: true });
        });
      };
      return mutate('RecordReturnShipment', request, { request: RecordReturnShipmentRequest, response: RecordReturnShipmentResponse }, context.deadline, async (work) => {
        const view = await recordReturnShipment(work, {
          afterSaleId: request.afterSaleId,
          trackingNumber: request.trackingNumber,
          carrierCode: request.carrierCode,
          shippedAt: request.shippedAt as Date,
          shippingFeeFen: request.shippingFeeFen,
        });
        return { afterSale: afterSaleToProto(view) };
      }, checkRequest);
    },

    async getAfterSale(request, context) {
      checkAll('AFTER_SALE.INVALID', (v) => requireId(v, 'after_sale_id', request.afterSaleId));
      return { afterSale: afterSaleToProto(await read(context.deadline, (tx) => loadAfterSaleView(tx, request.afterSaleId))) };
    },

    async listAfterSales(request, context) {
      const v = new Violations();
      v.check(Boolean(request.orderId || request.buyerId || request.merchantId), 'order_id', 'one of order_id, buyer_id or merchant_id is required', 'FILTER_REQUIRED');
      optionalId(v, 'order_id', request.orderId);
      optionalId(v, 'buyer_id', request.buyerId);
      optionalId(v, 'merchant_id', request.merchantId);
      const status = request.status ? requireEnum(v, 'status', request.status, afterSaleStatusCodec) : undefined;
      const size = pageSizeOf(v, request.pageSize, DEFAULT_PAGE, MAX_PAGE);
      const cursor = decodePageToken(v, request.pageToken);
      const after = cursorTime(v, cursor);
      v.throwIfAny('AFTER_SALE.INVALID_LIST');
      const rows = await read(context.deadline, (tx) =>
        tx.afterSale.findMany({
          where: {
            ...(request.orderId ? { orderId: request.orderId } : {}),
            ...(request.buyerId ? { buyerId: request.buyerId } : {}),
            ...(request.merchantId ? { merchantId: request.merchantId } : {}),
            ...(status ? { status } : {}),
            ...(after && cursor ? { OR: [{ createdAt: { lt: after } }, { createdAt: after, afterSaleId: { lt: cursor.id } }] } : {}),
          },
          include: { changes: { orderBy: { id: 'asc' } }, refunds: { orderBy: { issuedAt: 'asc' } }, shipments: { where: { kind: 'RETURN' } } },
          orderBy: [{ createdAt: 'desc' }, { afterSaleId: 'desc' }],
          take: size + 1,
        }),
      );
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return {
        afterSales: page.map(({ changes, refunds, shipments, ...afterSale }) => afterSaleToProto({ afterSale, changes, refunds, returnShipment: shipments[0] })),
        nextPageToken: rows.length > size && last ? encodePageToken({ key: last.createdAt.toISOString(), id: last.afterSaleId }) : '',
      };
    },

    async fileComplaint(request, context) {
      let targetType: ReturnType<typeof complaintTargetCodec.toDomain>;
      let category: ReturnType<typeof complaintCategoryCodec.toDomain>;
      checkAll(
        'COMPLAINT.INVALID',
        (v) => {
          requireId(v, 'request_id', request.requestId);
          v.maxLength('buyer_id', request.buyerId, MAX_ID_LENGTH);
          v.maxLength('target_id', request.targetId, MAX_ID_LENGTH);
          optionalId(v, 'order_id', request.orderId);
          optionalId(v, 'merchant_id', request.merchantId);
          category = requireEnum(v, 'category', request.category, complaintCategoryCodec);
        },
        () => {
          targetType = complaintTargetCodec.toDomain(request.targetType);
          validateComplaint({
            buyerId: request.buyerId,
            targetType,
            targetId: request.targetId,
            orderId: request.orderId,
            text: request.text,
            evidenceRefs: request.evidenceRefs,
          });
        },
      );
      return mutate('FileComplaint', request, { request: FileComplaintRequest, response: FileComplaintResponse }, context.deadline, async (work) => {
        const complaint = await fileComplaint(work, {
          buyerId: request.buyerId,
          targetType: targetType as NonNullable<typeof targetType>,
          targetId: request.targetId,
          orderId: request.orderId || undefined,
          merchantId: request.merchantId || undefined,
          category: category as NonNullable<typeof category>,
          text: request.text,
          evidenceRefs: request.evidenceRefs,
        });
        return { complaint: complaintToProto(complaint) };
      });
    },

    async getComplaint(request, context) {
      checkAll('COMPLAINT.INVALID', (v) => requireId(v, 'complaint_id', request.complaintId));
      const complaint = await read(context.deadline, (tx) => tx.complaint.findUnique({ where: { complaintId: request.complaintId } }));
      if (!complaint) throw new DomainError('NOT_FOUND', 'COMPLAINT.NOT_FOUND', `Unknown complaint ${request.complaintId}`, { complaint_id: request.complaintId });
      return { complaint: complaintToProto(complaint) };
    },

    async listComplaints(request, context) {
      const v = new Violations();
      const targetType = request.targetType ? requireEnum(v, 'target_type', request.targetType, complaintTargetCodec) : undefined;
      v.check(Boolean(targetType || request.merchantId || request.buyerId), 'target_type', 'one of target_type, merchant_id or buyer_id is required', 'FILTER_REQUIRED');
      v.check(!request.targetId || Boolean(targetType), 'target_id', 'needs target_type', 'TARGET_TYPE_REQUIRED');
      optionalId(v, 'target_id', request.targetId);
      optionalId(v, 'merchant_id', request.merchantId);
      optionalId(v, 'buyer_id', request.buyerId);
      const size = pageSizeOf(v, request.pageSize, DEFAULT_PAGE, MAX_PAGE);
      const cursor = decodePageToken(v, request.pageToken);
      const after = cursorTime(v, cursor);
      v.throwIfAny('COMPLAINT.INVALID_LIST');
      const rows = await read(context.deadline, (tx) =>
        tx.complaint.findMany({
          where: {
            ...(targetType ? { targetType } : {}),
            ...(request.targetId ? { targetId: request.targetId } : {}),
            ...(request.merchantId ? { merchantId: request.merchantId } : {}),
            ...(request.buyerId ? { buyerId: request.buyerId } : {}),
            ...(after && cursor ? { OR: [{ createdAt: { lt: after } }, { createdAt: after, complaintId: { lt: cursor.id } }] } : {}),
          },
          orderBy: [{ createdAt: 'desc' }, { complaintId: 'desc' }],
          take: size + 1,
        }),
      );
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return {
        complaints: page.map(complaintToProto),
        nextPageToken: rows.length > size && last ? encodePageToken({ key: last.createdAt.toISOString(), id: last.complaintId }) : '',
      };
    },

    async recordReview(request, context) {
      checkAll('REVIEW.INVALID', (v) => {
        requireId(v, 'request_id', request.requestId);
        requireId(v, 'order_id', request.orderId);
        requireId(v, 'buyer_id', request.buyerId);
        v.check(Number.isInteger(request.rating) && request.rating >= 1 && request.rating <= 5, 'rating', 'must be 1 to 5', 'OUT_OF_RANGE');
        boundedText(v, 'text', request.text);
      });
      return mutate('RecordReview', request, { request: RecordReviewRequest, response: RecordReviewResponse }, context.deadline, async (work) => {
        const review = await recordReview(work, { orderId: request.orderId, buyerId: request.buyerId, rating: request.rating, text: request.text });
        return { review: reviewToProto(review) };
      });
    },

    async payAdvanceCompensation(request, context) {
      let cause: ReturnType<typeof compensationCauseCodec.toDomain>;
      checkAll('COMPENSATION.INVALID', (v) => {
        requireId(v, 'request_id', request.requestId);
        requireId(v, 'order_id', request.orderId);
        requireId(v, 'operator_id', request.operatorId);
        cause = requireEnum(v, 'cause', request.cause, compensationCauseCodec);
        if (cause === 'DISPUTE_UNPAID') requireId(v, 'after_sale_id', request.afterSaleId);
        else optionalId(v, 'after_sale_id', request.afterSaleId);
        v.maxLength('evidence_ref', request.evidenceRef, 512);
        boundedText(v, 'note', request.note);
      });
      return mutate('PayAdvanceCompensation', request, { request: PayAdvanceCompensationRequest, response: PayAdvanceCompensationResponse }, context.deadline, async (work) => {
        const paid = await payAdvanceCompensation(work, {
          orderId: request.orderId,
          cause: cause as NonNullable<typeof cause>,
          afterSaleId: request.afterSaleId || undefined,
          operatorId: request.operatorId,
          evidenceRef: request.evidenceRef || undefined,
          note: request.note || undefined,
        });
        return { compensation: compensationToProto(paid.compensation), deposit: depositToProto(paid.deposit) };
      });
    },

    async listCompensations(request, context) {
      const v = new Violations();
      v.check(Boolean(request.orderId || request.buyerId || request.merchantId), 'order_id', 'one of order_id, buyer_id or merchant_id is required', 'FILTER_REQUIRED');
      optionalId(v, 'order_id', request.orderId);
      optionalId(v, 'buyer_id', request.buyerId);
      optionalId(v, 'merchant_id', request.merchantId);
      const cause = request.cause ? requireEnum(v, 'cause', request.cause, compensationCauseCodec) : undefined;
      const size = pageSizeOf(v, request.pageSize, DEFAULT_PAGE, MAX_PAGE);
      const cursor = decodePageToken(v, request.pageToken);
      const after = cursorTime(v, cursor);
      v.throwIfAny('COMPENSATION.INVALID_LIST');
      const rows = await read(context.deadline, (tx) =>
        tx.compensation.findMany({
          where: {
            ...(request.orderId ? { orderId: request.orderId } : {}),
            ...(request.buyerId ? { buyerId: request.buyerId } : {}),
            ...(request.merchantId ? { merchantId: request.merchantId } : {}),
            ...(cause ? { cause } : {}),
            ...(after && cursor ? { OR: [{ paidAt: { lt: after } }, { paidAt: after, compensationId: { lt: cursor.id } }] } : {}),
          },
          orderBy: [{ paidAt: 'desc' }, { compensationId: 'desc' }],
          take: size + 1,
        }),
      );
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return {
        compensations: page.map(compensationToProto),
        nextPageToken: rows.length > size && last ? encodePageToken({ key: last.paidAt.toISOString(), id: last.compensationId }) : '',
      };
    },

    async depositMerchantFunds(request, context) {
      checkAll('DEPOSIT.INVALID', (v) => {
        requireId(v, 'request_id', request.requestId);
        requireId(v, 'merchant_id', request.merchantId);
        checkAmount(v, 'amount_fen', request.amountFen);
        requireId(v, 'payment_ref', request.paymentRef);
      });
      return mutate('DepositMerchantFunds', request, { request: DepositMerchantFundsRequest, response: DepositMerchantFundsResponse }, context.deadline, async (work) => {
        const deposit = await depositMerchantFunds(work, { merchantId: request.merchantId, amountFen: request.amountFen, paymentRef: request.paymentRef });
        return { deposit: depositToProto(deposit) };
      });
    },

    async contributeToFund(request, context) {
      checkAll('FUND.INVALID', (v) => {
        requireId(v, 'request_id', request.requestId);
        checkAmount(v, 'amount_fen', request.amountFen);
        requireId(v, 'payment_ref', request.paymentRef);
      });
      return mutate('ContributeToFund', request, { request: ContributeToFundRequest, response: ContributeToFundResponse }, context.deadline, async (work) => {
        const state = await contributeToFund(work, { amountFen: request.amountFen, paymentRef: request.paymentRef });
        return { ledger: toFundLedgerProto(state, work.now) };
      });
    },

    async getMerchantDeposit(request, context) {
      checkAll('DEPOSIT.INVALID', (v) => requireId(v, 'merchant_id', request.merchantId));
      const deposit = await read(context.deadline, (tx) => getMerchantDeposit(tx, request.merchantId));
      return { deposit: depositToProto(depositView(deposit)) };
    },

    async getFundLedger(_request, context) {
      const state = await read(context.deadline, (tx) => fundLedgerState(tx));
      return { ledger: toFundLedgerProto(state, clock.now()) };
    },

    async listLedgerEntries(request, context) {
      const v = new Violations();
      if (request.account && v.maxLength('account', request.account, MAX_ID_LENGTH + 'MERCHANT_DEPOSIT:'.length)) {
        try {
          parseAccount(request.account);
        } catch {
          v.add('account', 'is not a ledger account (e.g. FUND, MERCHANT_DEPOSIT:<merchant_id>)', 'UNKNOWN_ACCOUNT');
        }
      }
      optionalId(v, 'order_id', request.orderId);
      const size = pageSizeOf(v, request.pageSize, DEFAULT_LEDGER_PAGE, MAX_LEDGER_PAGE);
      const cursor = decodePageToken(v, request.pageToken);
      // A ledger entry id: digits that fit a BIGINT, or the token was not issued here.
      if (cursor && (!/^\d{1,19}$/.test(cursor.key) || BigInt(cursor.key) > 9_223_372_036_854_775_807n)) v.add('page_token', 'is not a token this service issued', 'INVALID_PAGE_TOKEN');
      v.throwIfAny('LEDGER.INVALID_LIST');
      const rows = await read(context.deadline, (tx) =>
        listLedgerEntries(tx, { account: request.account || undefined, orderId: request.orderId || undefined, afterId: cursor ? BigInt(cursor.key) : undefined, limit: size + 1 }),
      );
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return {
        entries: page.map(ledgerEntryToProto),
        nextPageToken: rows.length > size && last ? encodePageToken({ key: last.id.toString(), id: last.id.toString() }) : '',
      };
    },

    async getMerchantServiceMetrics(request, context) {
      const now = clock.now();
      let window: Window | undefined;
      checkAll('METRICS.INVALID', (v) => {
        requireId(v, 'merchant_id', request.merchantId);
        window = checkWindow(v, 'window', request.window, false);
      });
      const metrics = await read(context.deadline, (tx) => merchantMetrics(tx, request.merchantId, window ?? reportWindow(now), now));
      return { metrics: merchantMetricsToProto(metrics) };
    },

    async getGovernanceStats(request, context) {
      const now = clock.now();
      let window: Window | undefined;
      checkAll('STATS.INVALID', (v) => {
        window = checkWindow(v, 'window', request.window, true);
      });
      const stats = await read(context.deadline, (tx) => governanceFigures(tx, window as Window, now));
      return { stats: governanceStatsToProto(stats) };
    },
  };
};


import { CompensationPaidEvent, MerchantDepositTopUpRequestedEvent, RefundIssuedEvent } from '@govern/contracts-consumer-experience';
import type { AfterSaleRow, CompensationRow, MerchantDepositRow, OrderRow, RefundRow } from '@govern/consumer-experience-data-access';
import {
  advanceCompensationPosting,
  applyRefund,
  type AdvanceCompensationPosting,
  COMPENSATION_POLICY,
  depositPosting,
  fundContributionPosting,
  insuranceSettlementPosting,
  merchantRefundPosting,
  promiseFactsOf,
  refusalError,
  returnFeeMerchantPosting,
  topUpFor,
  type AfterSaleReason,
  type CompensationCause,
  type OrderPayouts,
  type Posting,
} from '@govern/consumer-experience-domain';
import type { UnitDecisionToRecord } from '@govern/platform-decisions';
import type { Reason } from '@govern/policy-core';
import { writePostings, type PostingToWrite } from '../adapters/ledger.repository';
import {
  addAfterSaleRefunds,
  insertCompensations,
  insertRefunds,
  lockDeposits as lockDepositRows,
  refundedAfterSales,
  updateDeposits,
  updateOrderTotals,
} from '../adapters/payouts.repository';
import { compensationDecisions } from '../decisions/decision-kinds';
import { afterSaleReasonCodec, compensationCauseCodec, refundSourceCodec } from '../mapping/enums';
import { reasonsToJson } from '../mapping/to-proto';
import type { Work } from './work';

/**
 * The money desk of one unit of work: every refund and every fund payment goes through here.
 *
 * Callers hand in orders they have locked (`lockOrder` / `lockOrdersWhere`); the desk keeps each
 * order's payouts in memory and asks the domain before each payment (`applyRefund`,
 * `planAdvanceCompensation`), so within one transaction — and, thanks to the row lock, across
 * concurrent ones — no after-sale is refunded twice and no order is paid beyond its caps. Deposits
 * are locked when first needed (after the orders: one lock order everywhere). `write()` then
 * stores refunds, compensations, balanced ledger postings, order totals and deposits in a handful
 * of set-based statements, whatever the number of payments (a cascade pays thousands).
 */

export interface RefundRequest {
  order: OrderRow;
  afterSaleId?: string | undefined;
  afterSaleReason?: AfterSaleReason | undefined;
  amountFen: bigint;
  fast: boolean;
  /** The caller writes the after-sale row with this refund in its totals (a new after-sale): no update needed. */
  afterSaleRowCarriesRefund?: boolean;
}

export interface CompensationClaim {
  order: OrderRow;
  cause: CompensationCause;
  /** For DISPUTE_UNPAID and after-sale protection: the amount owed; otherwise the policy decides. */
  requestedFen?: bigint | undefined;
  afterSaleId?: string | undefined;
  afterSaleReason?: AfterSaleReason | undefined;
  /** Operator id, or "system" for timers and cascades. */
  triggeredBy: string;
  evidenceRef?: string | undefined;
  note?: string | undefined;
  /** Why the claim arose (e.g. the late-dispatch finding), kept before the amount's reasons. */
  reasons?: readonly Reason[];
}

export interface CompensationOutcome {
  compensation: CompensationRow;
  /** The refund row when the cause is of the refund kind (the fund pays the price back). */
  refund?: RefundRow;
  deposit: MerchantDepositRow;
}

interface BookEntry {
  order: OrderRow;
  payouts: OrderPayouts;
  changed: boolean;
  /** Refunded when locked, to tell which orders this desk paid back in full. */
  refundedAtLockFen: bigint;
}

interface DepositEntry {
  row: MerchantDepositRow;
  requestedBefore: { requested: boolean; amountFen: bigint };
  changed: boolean;
}

export class Payouts {
  private readonly book = new Map<string, BookEntry>();
  private readonly deposits = new Map<string, DepositEntry>();
  private readonly refunds: RefundRow[] = [];
  private readonly compensations: CompensationRow[] = [];
  private readonly postings: PostingToWrite[] = [];
  private readonly afterSaleRefunds = new Map<string, { amountFen: bigint; fast: boolean }>();
  /** The fund's decisions, recorded with the payments they made (a cascade's in one statement). */
  private readonly decisions: UnitDecisionToRecord[] = [];

  private constructor(private readonly work: Work) {}

  /**
   * Opens the desk over locked orders. `afterSalesToSettle` are the after-sales this desk may refund,
   * read under those locks: their refunded totals say which were paid already. Without them the desk
   * reads the orders' refunds instead (one query).
   */
  static async open(work: Work, lockedOrders: readonly OrderRow[], afterSalesToSettle?: readonly AfterSaleRow[]): Promise<Payouts> {
    const desk = new Payouts(work);
    if (lockedOrders.length === 0) return desk;
    const refunded = afterSalesToSettle
      ? afterSalesToSettle.filter((a) => a.refundedFen > 0n).map((a) => ({ order_id: a.orderId, after_sale_id: a.afterSaleId }))
      : await refundedAfterSales(work.sql, lockedOrders.map((o) => o.orderId));
    const byOrder = new Map<string, string[]>();
    for (const r of refunded) byOrder.set(r.order_id, [...(byOrder.get(r.order_id) ?? []), r.after_sale_id]);
    for (const order of lockedOrders) {
      desk.book.set(order.orderId, {
        order,
        changed: false,
        refundedAtLockFen: order.refundedFen,
        payouts: {
          priceFen: order.amountFen,
          refundedFen: order.refundedFen,
          refundedAfterSaleIds: byOrder.get(order.orderId) ?? [],
          punitiveFen: order.punitiveFen,
          lateDispatchFen: order.lateDispatchFen,
        },
      });
    }
    return desk;
  }

  /** The order as it stands after the payments so far. */
  order(orderId: string): OrderRow {
    const entry = this.entry(orderId);
    return { ...entry.order, ...this.totalsOf(entry) };
  }

  /** Orders refunded in full by this desk's payments (their open after-sales have nothing left to decide). */
  fullyRefundedOrderIds(): string[] {
    return [...this.book.values()]
      .filter((e) => e.payouts.refundedFen >= e.payouts.priceFen && e.refundedAtLockFen < e.payouts.priceFen)
      .map((e) => e.order.orderId);
  }

  /** A refund paid by the merchant (its settlement): normal or fast. Throws when the order's cap forbids it. */
  refund(request: RefundRequest): RefundRow {
    const entry = this.entry(request.order.orderId);
    entry.payouts = applyRefund(entry.payouts, { amountFen: request.amountFen, afterSaleId: request.afterSaleId });
    entry.changed = true;
    const { order } = entry;
    const transactionId = this.work.newId();
    this.post(transactionId, merchantRefundPosting({ orderId: order.orderId, merchantId: order.merchantId, amountFen: request.amountFen, fast: request.fast }));
    const refund = this.recordRefund(order, {
      afterSaleId: request.afterSaleId ?? null,
      amountFen: request.amountFen,
      fast: request.fast,
      source: 'MERCHANT',
      compensationId: null,
      ledgerTransactionId: transactionId,
      afterSaleReason: request.afterSaleReason,
      afterSaleRowCarriesRefund: request.afterSaleRowCarriesRefund,
    });
    return refund;
  }

  /**
   * Advance compensation: the fund pays the buyer first and recovers from the merchant's deposit
   * (the rest becomes a receivable, and a top-up is requested below the minimum). Throws
   * FAILED_PRECONDITION when the order's caps leave nothing to pay for this cause.
   */
  async compensate(claim: CompensationClaim): Promise<CompensationOutcome> {
    const entry = this.entry(claim.order.orderId);
    const { order } = entry;
    const deposit = await this.deposit(order.merchantId);
    const evaluation = await this.work.deps.decisions.evaluateWithShadow(compensationDecisions, {
      at: this.work.now,
      orderId: order.orderId,
      merchantId: order.merchantId,
      cause: claim.cause,
      categoryCode: order.categoryCode,
      requestedFen: claim.requestedFen,
      afterSaleId: claim.afterSaleId,
      payouts: entry.payouts,
      deposit: { balanceFen: deposit.row.balanceFen, minimumFen: deposit.row.minimumFen, owedFen: deposit.row.owedFen },
      promise: promiseFactsOf(),
    });
    // A refusal is not recorded: the unit fails with it (or the cascade skips the order), nothing is paid.
    if (evaluation.outcome.outcome === 'REFUSED') throw refusalError(evaluation.outcome);
    const { plan } = evaluation.outcome;
    entry.payouts = plan.payouts;
    entry.changed = true;
    this.recover(deposit, plan);
    const transactionId = this.work.newId();
    this.post(transactionId, plan.posting);
    const compensationId = this.work.newId();
    this.decisions.push({ evaluation, decisionId: compensationId });
    const compensation: CompensationRow = {
      compensationId,
      orderId: order.orderId,
      afterSaleId: claim.afterSaleId ?? null,
      buyerId: order.buyerId,
      merchantId: order.merchantId,
      productId: order.productId,
      cause: claim.cause,
      amountFen: plan.amountFen,
      recoveredFen: plan.recoveredFen,
      outstandingFen: plan.outstandingFen,
      topUpRequested: plan.topUp.requested,
      reasons: reasonsToJson([...(claim.reasons ?? []), ...plan.reasons]),
      policyName: plan.policy.name,
      policyVersion: plan.policy.version,
      ledgerTransactionId: transactionId,
      triggeredBy: claim.triggeredBy,
      evidenceRef: claim.evidenceRef ?? null,
      note: claim.note ?? null,
      paidAt: this.work.now,
    };
    this.compensations.push(compensation);
    this.work.emit(CompensationPaidEvent, {
      compensationId: compensation.compensationId,
      orderId: order.orderId,
      buyerId: order.buyerId,
      merchantId: order.merchantId,
      amountFen: plan.amountFen,
      cause: compensationCauseCodec.toProto(claim.cause),
      recoveredFen: plan.recoveredFen,
      outstandingFen: plan.outstandingFen,
      productId: order.productId,
    });
    const refund =
      plan.kind === 'REFUND'
        ? this.recordRefund(order, {
            afterSaleId: claim.afterSaleId ?? null,
            amountFen: plan.amountFen,
            fast: false,
            source: 'FUND',
            compensationId: compensation.compensationId,
            ledgerTransactionId: transactionId,
            afterSaleReason: claim.afterSaleReason,
          })
        : undefined;
    return { compensation, deposit: { ...deposit.row }, ...(refund ? { refund } : {}) };
  }

  /** Money a merchant transfers in: what it owes the fund is settled first, the rest raises its deposit. */
  async creditDeposit(merchantId: string, amountFen: bigint, transactionId: string): Promise<MerchantDepositRow> {
    const deposit = await this.deposit(merchantId);
    const credited = depositPosting(
      { balanceFen: deposit.row.balanceFen, minimumFen: deposit.row.minimumFen, owedFen: deposit.row.owedFen },
      { merchantId, amountFen },
    );
    this.post(transactionId, credited.posting);
    deposit.row = {
      ...deposit.row,
      balanceFen: credited.deposit.balanceFen,
      owedFen: credited.deposit.owedFen,
      topUpRequested: credited.topUp.requested,
      topUpRequestedFen: credited.topUp.amountFen,
      updatedAt: this.work.now,
    };
    deposit.changed = true;
    return { ...deposit.row };
  }

  /** Capital entering the fund (the platform's allocation). */
  contributeToFund(amountFen: bigint, transactionId: string): void {
    this.post(transactionId, fundContributionPosting(amountFen));
  }

  /**
   * Return freight the merchant owed the buyer (outside the order's caps: it is not the price):
   * paid by the merchant from its settlement, or by the fund, which recovers it from the deposit
   * at once (the rest a receivable, a top-up requested). Returns the ledger transaction.
   */
  async payReturnFee(order: OrderRow, amountFen: bigint, by: 'MERCHANT' | 'PLATFORM'): Promise<{ transactionId: string; recoveredFen: bigint }> {
    this.entry(order.orderId);
    const transactionId = this.work.newId();
    const payment = { orderId: order.orderId, merchantId: order.merchantId, amountFen };
    if (by === 'MERCHANT') {
      this.post(transactionId, returnFeeMerchantPosting(payment));
      return { transactionId, recoveredFen: 0n };
    }
    const deposit = await this.deposit(order.merchantId);
    const plan = advanceCompensationPosting({ ...payment, memo: 'RETURN_FEE.FUND_PAY' }, deposit.row);
    this.post(transactionId, plan.posting);
    this.recover(deposit, plan);
    return { transactionId, recoveredFen: plan.recoveredFen };
  }

  /** Return-shipping insurance paid by the insurer (outside the order's caps); returns the ledger transaction. */
  settleInsurance(orderId: string, amountFen: bigint): string {
    const transactionId = this.work.newId();
    this.post(transactionId, insuranceSettlementPosting({ orderId, amountFen }));
    return transactionId;
  }

  /**
   * Locks the deposits of these merchants (creating them at the policy's default minimum until
   * merchant-access tells theirs), in merchant_id order. Cascades call it once up front.
   */
  async lockDeposits(merchantIds: readonly string[]): Promise<void> {
    const missing = [...new Set(merchantIds)].filter((id) => !this.deposits.has(id)).sort();
    if (missing.length === 0) return;
    for (const row of await lockDepositRows(this.work.sql, missing, COMPENSATION_POLICY.deposit.defaultMinimumFen, this.work.now)) {
      this.deposits.set(row.merchantId, { row, requestedBefore: { requested: row.topUpRequested, amountFen: row.topUpRequestedFen }, changed: false });
    }
  }

  /**
   * Stores everything paid so far: one statement per table, sent without waiting (they go out with
   * the unit's effects and COMMIT). The desk can keep paying afterwards.
   *
   * With `withEffects`, the refund rows and the orders' new totals go out inside the unit's effects
   * statement instead of as statements of their own (`sendWithEffects`): only for a unit that writes
   * once and reads none of it back (the fast refund). The ledger postings keep their own statement:
   * it is a WITH of its own, which PostgreSQL does not nest in another's.
   */
  async write(options: { withEffects?: boolean } = {}): Promise<void> {
    const { sql: db, now } = this.work;
    const rows = options.withEffects ? this.work.withEffectsSql : db;
    writePostings(db, this.postings.splice(0));
    insertRefunds(rows, this.refunds.splice(0));
    insertCompensations(db, this.compensations.splice(0));
    await this.work.recordDecisions(this.decisions.splice(0));
    const changedOrders = [...this.book.values()].filter((e) => e.changed);
    if (changedOrders.length > 0) {
      const totals = changedOrders.map((e) => ({ entry: e, ...this.totalsOf(e) }));
      updateOrderTotals(
        rows,
        totals.map((t) => ({ orderId: t.entry.order.orderId, refundedFen: t.refundedFen, punitiveFen: t.punitiveFen, lateDispatchFen: t.lateDispatchFen, status: t.status })),
        now,
      );
      for (const t of totals) {
        // A paid-back order that never shipped will not ship: its dispatch clock stops.
        if (t.status === 'REFUNDED' && t.entry.order.shippedAt === null) this.work.cancel('DISPATCH_DEADLINE', t.entry.order.orderId);
        t.entry.order = { ...t.entry.order, refundedFen: t.refundedFen, punitiveFen: t.punitiveFen, lateDispatchFen: t.lateDispatchFen, status: t.status };
        t.entry.changed = false;
      }
    }
    addAfterSaleRefunds(db, this.afterSaleRefunds, now);
    this.afterSaleRefunds.clear();
    const changedDeposits = [...this.deposits.values()].filter((d) => d.changed);
    if (changedDeposits.length > 0) {
      updateDeposits(
        db,
        changedDeposits.map((d) => d.row),
        now,
      );
      for (const d of changedDeposits) {
        const grew = d.row.topUpRequested && (!d.requestedBefore.requested || d.row.topUpRequestedFen > d.requestedBefore.amountFen);
        if (grew) {
          this.work.emit(MerchantDepositTopUpRequestedEvent, {
            merchantId: d.row.merchantId,
            balanceFen: d.row.balanceFen,
            minimumFen: d.row.minimumFen,
            owedFen: d.row.owedFen,
            requestedFen: d.row.topUpRequestedFen,
          });
        }
        d.requestedBefore = { requested: d.row.topUpRequested, amountFen: d.row.topUpRequestedFen };
        d.changed = false;
      }
    }
  }

  private entry(orderId: string): BookEntry {
    const entry = this.book.get(orderId);
    // A payment on an order the caller did not lock would escape the per-order serialisation.
    if (!entry) throw new Error(`order ${orderId} was not locked before paying on it`);
    return entry;
  }

  private async deposit(merchantId: string): Promise<DepositEntry> {
    await this.lockDeposits([merchantId]);
    const deposit = this.deposits.get(merchantId);
    if (!deposit) throw new Error(`deposit of ${merchantId} could not be locked`);
    return deposit;
  }

  private totalsOf(entry: BookEntry): Pick<OrderRow, 'refundedFen' | 'punitiveFen' | 'lateDispatchFen' | 'status'> {
    const { payouts, order } = entry;
    return {
      refundedFen: payouts.refundedFen,
      punitiveFen: payouts.punitiveFen,
      lateDispatchFen: payouts.lateDispatchFen,
      status: payouts.refundedFen >= payouts.priceFen ? 'REFUNDED' : order.status,
    };
  }

  /** The deposit after the fund recovered a payment from it (what it lacked owed, a top-up requested). */
  private recover(deposit: DepositEntry, plan: Pick<AdvanceCompensationPosting, 'deposit' | 'topUp'>): void {
    deposit.row = {
      ...deposit.row,
      balanceFen: plan.deposit.balanceFen,
      owedFen: plan.deposit.owedFen,
      topUpRequested: plan.topUp.requested,
      topUpRequestedFen: plan.topUp.amountFen,
      updatedAt: this.work.now,
    };
    deposit.changed = true;
  }

  private post(transactionId: string, posting: Posting): void {
    this.postings.push({ transactionId, posting, postedAt: this.work.now });
  }

  private recordRefund(
    order: OrderRow,
    refund: Pick<RefundRow, 'afterSaleId' | 'amountFen' | 'fast' | 'source' | 'compensationId' | 'ledgerTransactionId'> & {
      afterSaleReason?: AfterSaleReason | undefined;
      afterSaleRowCarriesRefund?: boolean | undefined;
    },
  ): RefundRow {
    const row: RefundRow = {
      refundId: this.work.newId(),
      orderId: order.orderId,
      afterSaleId: refund.afterSaleId,
      buyerId: order.buyerId,
      amountFen: refund.amountFen,
      fast: refund.fast,
      source: refund.source,
      compensationId: refund.compensationId,
      ledgerTransactionId: refund.ledgerTransactionId,
      issuedAt: this.work.now,
    };
    this.refunds.push(row);
    if (row.afterSaleId && !refund.afterSaleRowCarriesRefund) {
      const before = this.afterSaleRefunds.get(row.afterSaleId);
      this.afterSaleRefunds.set(row.afterSaleId, { amountFen: (before?.amountFen ?? 0n) + row.amountFen, fast: (before?.fast ?? false) || row.fast });
    }
    this.work.emit(RefundIssuedEvent, {
      refundId: row.refundId,
      orderId: order.orderId,
      afterSaleId: row.afterSaleId ?? '',
      amountFen: row.amountFen,
      fast: row.fast,
      buyerId: order.buyerId,
      merchantId: order.merchantId,
      productId: order.productId,
      contentId: order.contentId ?? '',
      reason: afterSaleReasonCodec.toProto(refund.afterSaleReason),
      source: refundSourceCodec.toProto(row.source),
    });
    // Refunds move the content item's refund rate.
    this.work.touch({ contentId: order.contentId });
    return row;
  }
}

/** A deposit's state for responses, with the top-up it needs now. */
export const depositView = (row: MerchantDepositRow): MerchantDepositRow => {
  const topUp = topUpFor({ balanceFen: row.balanceFen, minimumFen: row.minimumFen, owedFen: row.owedFen });
  return { ...row, topUpRequested: topUp.requested, topUpRequestedFen: topUp.amountFen };
};

import {
  ContributeToFundRequest,
  ContributeToFundResponse,
  DepositMerchantFundsRequest,
  DepositMerchantFundsResponse,
  type FundLedger,
  type GetFundLedgerRequest,
  type GetFundLedgerResponse,
  type GetMerchantDepositRequest,
  type GetMerchantDepositResponse,
  type ListCompensationsRequest,
  type ListCompensationsResponse,
  type ListLedgerEntriesRequest,
  type ListLedgerEntriesResponse,
  PayAdvanceCompensationRequest,
  PayAdvanceCompensationResponse,
} from '@govern/contracts-consumer-experience';
import { parseAccount } from '@govern/consumer-experience-domain';
import { INVALID, isInvalid, sequencePageToken, type Checked } from '@govern/platform-grpc';
import { REASON } from '@govern/policy-core';
import { fundLedgerState, type FundLedgerState } from '../adapters/ledger.repository';
import { listCompensations, listLedgerPage } from '../adapters/lists.queries';
import { compensationCauseCodec } from '../mapping/enums';
import { compensationToProto, depositToProto, ledgerEntryToProto } from '../mapping/to-proto';
import { contributeToFund, depositMerchantFunds, getMerchantDeposit, payAdvanceCompensation } from '../use-cases/fund';
import { depositView } from '../use-cases/payouts';
import { type Call, ConsumerExperienceChecks, type HandlerKit, LEDGER_PAGE, MAX_EVIDENCE_REF, mutate, orderBuyerOrMerchant, read, timePage } from './handler-kit';

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

/** A ledger account filter: FUND, or a per-merchant account such as MERCHANT_DEPOSIT:<merchant_id>. */
const ledgerAccount = (checks: ConsumerExperienceChecks, account: string): Checked<string | undefined> => {
  const text = checks.optionalId('account', account, checks.limits.idMaxChars + 'MERCHANT_DEPOSIT:'.length);
  if (isInvalid(text) || text === undefined) return text;
  try {
    parseAccount(text);
    return text;
  } catch {
    checks.add('account', 'is not a ledger account (e.g. FUND, MERCHANT_DEPOSIT:<merchant_id>)', REASON.INVALID_FORMAT);
    return INVALID;
  }
};

/** The consumer protection fund: advance compensation, merchant deposits, contributions, and its double-entry ledger. */
export const fundHandlers = (kit: HandlerKit) => ({
  payAdvanceCompensation(request: PayAdvanceCompensationRequest, call: Call): Promise<PayAdvanceCompensationResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      const cause = checks.enumValue('cause', compensationCauseCodec, request.cause);
      const claim = checks.done(
        {
          orderId: checks.id('order_id', request.orderId),
          operatorId: checks.id('operator_id', request.operatorId),
          cause,
          // An unpaid award is paid for the after-sale whose ruling went unpaid.
          afterSaleId: cause === 'DISPUTE_UNPAID' ? checks.id('after_sale_id', request.afterSaleId) : checks.optionalId('after_sale_id', request.afterSaleId),
          evidenceRef: checks.optionalId('evidence_ref', request.evidenceRef, MAX_EVIDENCE_REF),
          note: checks.optionalText('note', request.note),
        },
        'COMPENSATION.INVALID',
      );
      return { ...claim, note: claim.note || undefined };
    };
    return mutate(kit, call, 'PayAdvanceCompensation', { request: PayAdvanceCompensationRequest, response: PayAdvanceCompensationResponse }, request, check, async (work, claim) => {
      const paid = await payAdvanceCompensation(work, claim);
      return { compensation: compensationToProto(paid.compensation), deposit: depositToProto(paid.deposit) };
    });
  },

  async listCompensations(request: ListCompensationsRequest, call: Call): Promise<ListCompensationsResponse> {
    const checks = new ConsumerExperienceChecks();
    const { size, after, ...filter } = checks.done(
      {
        ...orderBuyerOrMerchant(checks, request),
        cause: checks.optionalEnum('cause', compensationCauseCodec, request.cause),
        ...timePage(checks, request),
      },
      'COMPENSATION.INVALID_LIST',
    );
    const page = await read(kit, call, (tx) => listCompensations(tx, filter, { size, after }));
    return { compensations: page.items.map(compensationToProto), nextPageToken: page.nextPageToken };
  },

  depositMerchantFunds(request: DepositMerchantFundsRequest, call: Call): Promise<DepositMerchantFundsResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      return checks.done(
        {
          merchantId: checks.id('merchant_id', request.merchantId),
          amountFen: checks.amountFen('amount_fen', request.amountFen),
          paymentRef: checks.id('payment_ref', request.paymentRef),
        },
        'DEPOSIT.INVALID',
      );
    };
    return mutate(kit, call, 'DepositMerchantFunds', { request: DepositMerchantFundsRequest, response: DepositMerchantFundsResponse }, request, check, async (work, deposit) => ({
      deposit: depositToProto(await depositMerchantFunds(work, deposit)),
    }));
  },

  contributeToFund(request: ContributeToFundRequest, call: Call): Promise<ContributeToFundResponse> {
    const check = () => {
      const checks = new ConsumerExperienceChecks();
      checks.requestId(request.requestId);
      return checks.done({ amountFen: checks.amountFen('amount_fen', request.amountFen), paymentRef: checks.id('payment_ref', request.paymentRef) }, 'FUND.INVALID');
    };
    return mutate(kit, call, 'ContributeToFund', { request: ContributeToFundRequest, response: ContributeToFundResponse }, request, check, async (work, contribution) => ({
      ledger: toFundLedgerProto(await contributeToFund(work, contribution), work.now),
    }));
  },

  async getMerchantDeposit(request: GetMerchantDepositRequest, call: Call): Promise<GetMerchantDepositResponse> {
    const checks = new ConsumerExperienceChecks();
    const { merchantId } = checks.done({ merchantId: checks.id('merchant_id', request.merchantId) }, 'DEPOSIT.INVALID');
    const deposit = await read(kit, call, (tx) => getMerchantDeposit(tx, merchantId));
    return { deposit: depositToProto(depositView(deposit)) };
  },

  async getFundLedger(_request: GetFundLedgerRequest, call: Call): Promise<GetFundLedgerResponse> {
    const state = await read(kit, call, (tx) => fundLedgerState(tx));
    return { ledger: toFundLedgerProto(state, kit.deps.clock.now()) };
  },

  async listLedgerEntries(request: ListLedgerEntriesRequest, call: Call): Promise<ListLedgerEntriesResponse> {
    const checks = new ConsumerExperienceChecks();
    const { size, after, ...filter } = checks.done(
      {
        account: ledgerAccount(checks, request.account),
        orderId: checks.optionalId('order_id', request.orderId),
        size: checks.pageSize(request.pageSize, LEDGER_PAGE),
        after: checks.pageToken(sequencePageToken, request.pageToken),
      },
      'LEDGER.INVALID_LIST',
    );
    const page = await read(kit, call, (tx) => listLedgerPage(tx, filter, { size, afterId: after?.[0] }));
    return { entries: page.items.map(ledgerEntryToProto), nextPageToken: page.nextPageToken };
  },
});

import { DomainError, reason, type Reason } from '@govern/policy-core';
import { maxBig, minBig } from './model';

/**
 * The consumer protection fund's double-entry ledger, as pure postings. A posting is one balanced
 * transaction: its debits equal its credits, every amount is a positive bigint of fen. An account's
 * balance is its credits minus its debits ("money in the bucket"), so a debit takes money out of
 * an account and a credit puts it in; the sum of all balances is always zero.
 *
 * Accounts: FUND, MERCHANT_DEPOSIT:<merchant>, MERCHANT_RECEIVABLE:<merchant> (negative while the
 * merchant owes the fund), MERCHANT_SETTLEMENT:<merchant> (pays the merchant's own refunds),
 * BUYER_PAYOUT (everything paid out to buyers), RETURN_INSURANCE (the insurer), EXTERNAL (money
 * entering from outside: fund capital, deposit transfers).
 *
 * FUND is kept on an accrual basis: when the fund pays a buyer for a merchant, the part it cannot
 * recover from the deposit at once becomes a receivable (a claim on the merchant) rather than a
 * loss; `writeOffReceivablePosting` turns a claim that will never be paid into a loss.
 */

export type EntrySide = 'DEBIT' | 'CREDIT';

export type LedgerAccountType =
  | 'FUND'
  | 'MERCHANT_DEPOSIT'
  | 'MERCHANT_RECEIVABLE'
  | 'MERCHANT_SETTLEMENT'
  | 'BUYER_PAYOUT'
  | 'RETURN_INSURANCE'
  | 'EXTERNAL';

export const ACCOUNTS = {
  FUND: 'FUND',
  BUYER_PAYOUT: 'BUYER_PAYOUT',
  RETURN_INSURANCE: 'RETURN_INSURANCE',
  EXTERNAL: 'EXTERNAL',
  merchantDeposit: (merchantId: string) => `MERCHANT_DEPOSIT:${merchantId}`,
  merchantReceivable: (merchantId: string) => `MERCHANT_RECEIVABLE:${merchantId}`,
  merchantSettlement: (merchantId: string) => `MERCHANT_SETTLEMENT:${merchantId}`,
} as const;

const PER_MERCHANT: ReadonlySet<string> = new Set(['MERCHANT_DEPOSIT', 'MERCHANT_RECEIVABLE', 'MERCHANT_SETTLEMENT']);
const SHARED: ReadonlySet<string> = new Set(['FUND', 'BUYER_PAYOUT', 'RETURN_INSURANCE', 'EXTERNAL']);

/** Splits an account name into its type and owner; throws on a name that is not a ledger account. */
export const parseAccount = (account: string): { type: LedgerAccountType; ownerId?: string } => {
  const colon = account.indexOf(':');
  const type = colon < 0 ? account : account.slice(0, colon);
  const owner = colon < 0 ? undefined : account.slice(colon + 1);
  if (SHARED.has(type) && owner === undefined) return { type: type as LedgerAccountType };
  if (PER_MERCHANT.has(type) && owner) return { type: type as LedgerAccountType, ownerId: owner };
  throw new DomainError('INVALID_ARGUMENT', 'LEDGER.UNKNOWN_ACCOUNT', `Not a ledger account: ${account}`, { account });
};

export interface LedgerEntry {
  account: string;
  side: EntrySide;
  amountFen: bigint;
}

export interface Posting {
  /** What the transaction does, e.g. "COMPENSATION.PAY" or "REFUND.FAST". */
  memo: string;
  orderId?: string;
  entries: LedgerEntry[];
}

/** Moves money from one account to another: a debit and a matching credit. Zero moves nothing. */
export const transfer = (from: string, to: string, amountFen: bigint): LedgerEntry[] =>
  amountFen === 0n
    ? []
    : [
        { account: from, side: 'DEBIT', amountFen },
        { account: to, side: 'CREDIT', amountFen },
      ];

export const totals = (entries: readonly LedgerEntry[]): { debitsFen: bigint; creditsFen: bigint } => {
  let debitsFen = 0n;
  let creditsFen = 0n;
  for (const e of entries) {
    if (e.side === 'DEBIT') debitsFen += e.amountFen;
    else creditsFen += e.amountFen;
  }
  return { debitsFen, creditsFen };
};

export const isBalanced = (posting: Posting): boolean => {
  const { debitsFen, creditsFen } = totals(posting.entries);
  return posting.entries.length > 0 && debitsFen === creditsFen && posting.entries.every((e) => e.amountFen > 0n);
};

/** Builds a posting and refuses an unbalanced one, or one with a non-positive amount or unknown account. */
export const post = (memo: string, entries: LedgerEntry[], orderId?: string): Posting => {
  for (const e of entries) parseAccount(e.account);
  const posting: Posting = orderId === undefined ? { memo, entries } : { memo, orderId, entries };
  if (!isBalanced(posting)) {
    const { debitsFen, creditsFen } = totals(entries);
    throw new DomainError('FAILED_PRECONDITION', 'LEDGER.UNBALANCED', `Posting ${memo} does not balance`, {
      debits_fen: debitsFen.toString(),
      credits_fen: creditsFen.toString(),
    });
  }
  return posting;
};

/** Balances after postings (credits minus debits per account), starting from `opening`. */
export const applyPostings = (opening: ReadonlyMap<string, bigint>, postings: readonly Posting[]): Map<string, bigint> => {
  const balances = new Map(opening);
  for (const p of postings) {
    for (const e of p.entries) {
      const delta = e.side === 'CREDIT' ? e.amountFen : -e.amountFen;
      balances.set(e.account, (balances.get(e.account) ?? 0n) + delta);
    }
  }
  return balances;
};

/** The fund's capital (the source's ¥200M) entering the ledger. */
export const fundContributionPosting = (amountFen: bigint): Posting =>
  post('FUND.CONTRIBUTION', transfer(ACCOUNTS.EXTERNAL, ACCOUNTS.FUND, amountFen));

/** A refund the merchant pays (normal or fast), from its pending settlement. */
export const merchantRefundPosting = (refund: { orderId: string; merchantId: string; amountFen: bigint; fast: boolean }): Posting =>
  post(
    refund.fast ? 'REFUND.FAST' : 'REFUND',
    transfer(ACCOUNTS.merchantSettlement(refund.merchantId), ACCOUNTS.BUYER_PAYOUT, refund.amountFen),
    refund.orderId,
  );

/** Return-shipping insurance paid by the insurer to the buyer. */
export const insuranceSettlementPosting = (settlement: { orderId: string; amountFen: bigint }): Posting =>
  post('RETURN_INSURANCE.SETTLE', transfer(ACCOUNTS.RETURN_INSURANCE, ACCOUNTS.BUYER_PAYOUT, settlement.amountFen), settlement.orderId);

/** Return freight the merchant owed the buyer (issue 19), paid by the merchant from its settlement. */
export const returnFeeMerchantPosting = (payment: { orderId: string; merchantId: string; amountFen: bigint }): Posting =>
  post('RETURN_FEE.MERCHANT_PAY', transfer(ACCOUNTS.merchantSettlement(payment.merchantId), ACCOUNTS.BUYER_PAYOUT, payment.amountFen), payment.orderId);

/** A merchant's deposit as the ledger sees it. */
export interface DepositState {
  balanceFen: bigint;
  minimumFen: bigint;
  /** Owed to the fund beyond the deposit (the receivable, as a positive number). */
  owedFen: bigint;
}

export interface TopUp {
  requested: boolean;
  /** Enough to settle what is owed and restore the minimum. */
  amountFen: bigint;
  reasons: Reason[];
}

export const topUpFor = (deposit: DepositState): TopUp => {
  const shortfall = maxBig(deposit.minimumFen - deposit.balanceFen, 0n);
  const amountFen = shortfall + deposit.owedFen;
  return {
    requested: amountFen > 0n,
    amountFen,
    reasons:
      amountFen > 0n
        ? [
            reason('DEPOSIT.TOP_UP_REQUESTED', 'The deposit is below its minimum or money is owed to the fund', {
              balance_fen: deposit.balanceFen.toString(),
              minimum_fen: deposit.minimumFen.toString(),
              owed_fen: deposit.owedFen.toString(),
              top_up_fen: amountFen.toString(),
            }),
          ]
        : [],
  };
};

/** Money a merchant transfers in goes to its deposit; what it owes the fund is settled from it first. */
export const depositPosting = (
  deposit: DepositState,
  transferIn: { merchantId: string; amountFen: bigint },
): { posting: Posting; deposit: DepositState; settledFen: bigint; topUp: TopUp } => {
  const afterCredit = deposit.balanceFen + transferIn.amountFen;
  const settledFen = minBig(maxBig(afterCredit, 0n), deposit.owedFen);
  const next: DepositState = { balanceFen: afterCredit - settledFen, minimumFen: deposit.minimumFen, owedFen: deposit.owedFen - settledFen };
  const posting = post('DEPOSIT.CREDIT', [
    ...transfer(ACCOUNTS.EXTERNAL, ACCOUNTS.merchantDeposit(transferIn.merchantId), transferIn.amountFen),
    ...transfer(ACCOUNTS.merchantDeposit(transferIn.merchantId), ACCOUNTS.merchantReceivable(transferIn.merchantId), settledFen),
  ]);
  return { posting, deposit: next, settledFen, topUp: topUpFor(next) };
};

export interface AdvanceCompensationPosting {
  posting: Posting;
  /** Recovered from the deposit at once. */
  recoveredFen: bigint;
  /** Still owed by the merchant (added to its receivable). */
  outstandingFen: bigint;
  deposit: DepositState;
  topUp: TopUp;
}

/**
 * The fund pays the buyer first, then recovers from the merchant's deposit as much as it holds;
 * the rest becomes a receivable and a top-up is requested when the deposit falls below its minimum.
 * One balanced transaction.
 */
export const advanceCompensationPosting = (
  payment: { orderId: string; merchantId: string; amountFen: bigint; memo?: string },
  deposit: DepositState,
): AdvanceCompensationPosting => {
  const recoveredFen = minBig(maxBig(deposit.balanceFen, 0n), payment.amountFen);
  const outstandingFen = payment.amountFen - recoveredFen;
  const posting = post(
    payment.memo ?? 'COMPENSATION.PAY',
    [
      ...transfer(ACCOUNTS.FUND, ACCOUNTS.BUYER_PAYOUT, payment.amountFen),
      ...transfer(ACCOUNTS.merchantDeposit(payment.merchantId), ACCOUNTS.FUND, recoveredFen),
      ...transfer(ACCOUNTS.merchantReceivable(payment.merchantId), ACCOUNTS.FUND, outstandingFen),
    ],
    payment.orderId,
  );
  const next: DepositState = {
    balanceFen: deposit.balanceFen - recoveredFen,
    minimumFen: deposit.minimumFen,
    owedFen: deposit.owedFen + outstandingFen,
  };
  return { posting, recoveredFen, outstandingFen, deposit: next, topUp: topUpFor(next) };
};

/** A claim on a merchant that will never be paid (e.g. removed with nothing left) becomes the fund's loss. */
export const writeOffReceivablePosting = (claim: { merchantId: string; amountFen: bigint }): Posting =>
  post('RECEIVABLE.WRITE_OFF', transfer(ACCOUNTS.FUND, ACCOUNTS.merchantReceivable(claim.merchantId), claim.amountFen));

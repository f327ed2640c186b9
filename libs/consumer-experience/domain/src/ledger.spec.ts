import { seededRandom } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNTS,
  advanceCompensationPosting,
  applyPostings,
  depositPosting,
  fundContributionPosting,
  insuranceSettlementPosting,
  isBalanced,
  merchantRefundPosting,
  parseAccount,
  post,
  totals,
  transfer,
  writeOffReceivablePosting,
  type DepositState,
  type Posting,
} from './ledger';

const sumOfBalances = (balances: Map<string, bigint>) => [...balances.values()].reduce((a, b) => a + b, 0n);

describe('postings', () => {
  it('refuses an unbalanced posting, a non-positive amount and an unknown account', () => {
    expect(() => post('X', [{ account: 'FUND', side: 'DEBIT', amountFen: 10n }])).toThrow(expect.objectContaining({ code: 'LEDGER.UNBALANCED' }) as Error);
    expect(() =>
      post('X', [
        { account: 'FUND', side: 'DEBIT', amountFen: -5n },
        { account: 'BUYER_PAYOUT', side: 'CREDIT', amountFen: -5n },
      ]),
    ).toThrow(expect.objectContaining({ code: 'LEDGER.UNBALANCED' }) as Error);
    expect(() => post('X', transfer('FUND', 'WALLET', 5n))).toThrow(expect.objectContaining({ code: 'LEDGER.UNKNOWN_ACCOUNT' }) as Error);
    expect(() => post('X', [])).toThrow(expect.objectContaining({ code: 'LEDGER.UNBALANCED' }) as Error);
  });

  it('names per-merchant accounts with their owner', () => {
    expect(parseAccount(ACCOUNTS.merchantDeposit('m-1'))).toEqual({ type: 'MERCHANT_DEPOSIT', ownerId: 'm-1' });
    expect(parseAccount('FUND')).toEqual({ type: 'FUND' });
    expect(() => parseAccount('MERCHANT_DEPOSIT')).toThrow();
    expect(() => parseAccount('FUND:x')).toThrow();
  });

  it('moves refunds from the merchant settlement and insurance from the insurer to the buyer', () => {
    const balances = applyPostings(new Map(), [
      merchantRefundPosting({ orderId: 'o-1', merchantId: 'm-1', amountFen: 800n, fast: true }),
      insuranceSettlementPosting({ orderId: 'o-1', amountFen: 1_200n }),
    ]);
    expect(balances.get('MERCHANT_SETTLEMENT:m-1')).toBe(-800n);
    expect(balances.get('RETURN_INSURANCE')).toBe(-1_200n);
    expect(balances.get('BUYER_PAYOUT')).toBe(2_000n);
  });
});

describe('advance compensation', () => {
  const deposit: DepositState = { balanceFen: 50_000n, minimumFen: 40_000n, owedFen: 0n };

  it('pays the buyer from the fund and recovers all of it from a deposit that holds enough', () => {
    const r = advanceCompensationPosting({ orderId: 'o-1', merchantId: 'm-1', amountFen: 5_000n }, deposit);
    expect(isBalanced(r.posting)).toBe(true);
    expect(r).toMatchObject({ recoveredFen: 5_000n, outstandingFen: 0n, deposit: { balanceFen: 45_000n, owedFen: 0n } });
    expect(r.topUp.requested).toBe(false);
    const balances = applyPostings(new Map([['FUND', 1_000_000n], ['MERCHANT_DEPOSIT:m-1', 50_000n], ['EXTERNAL', -1_050_000n]]), [r.posting]);
    expect(balances.get('FUND')).toBe(1_000_000n);
    expect(balances.get('BUYER_PAYOUT')).toBe(5_000n);
    expect(balances.get('MERCHANT_DEPOSIT:m-1')).toBe(45_000n);
  });

  it('requests a top-up when recovery takes the deposit below its minimum', () => {
    const r = advanceCompensationPosting({ orderId: 'o-1', merchantId: 'm-1', amountFen: 20_000n }, deposit);
    expect(r.deposit.balanceFen).toBe(30_000n);
    expect(r.topUp).toMatchObject({ requested: true, amountFen: 10_000n });
    expect(r.topUp.reasons[0]?.code).toBe('DEPOSIT.TOP_UP_REQUESTED');
  });

  it('recovers what the deposit holds and books the rest as a receivable', () => {
    const r = advanceCompensationPosting({ orderId: 'o-1', merchantId: 'm-1', amountFen: 70_000n }, deposit);
    expect(r).toMatchObject({ recoveredFen: 50_000n, outstandingFen: 20_000n, deposit: { balanceFen: 0n, owedFen: 20_000n } });
    expect(r.topUp.amountFen).toBe(60_000n);
    const balances = applyPostings(new Map(), [r.posting]);
    expect(balances.get('MERCHANT_RECEIVABLE:m-1')).toBe(-20_000n);
    expect(balances.get('BUYER_PAYOUT')).toBe(70_000n);
    expect(totals(r.posting.entries)).toEqual({ debitsFen: 140_000n, creditsFen: 140_000n });
  });

  it('settles what is owed first when the merchant tops up', () => {
    const owing: DepositState = { balanceFen: 0n, minimumFen: 40_000n, owedFen: 20_000n };
    const r = depositPosting(owing, { merchantId: 'm-1', amountFen: 50_000n });
    expect(r).toMatchObject({ settledFen: 20_000n, deposit: { balanceFen: 30_000n, owedFen: 0n } });
    expect(r.topUp.amountFen).toBe(10_000n);
    const balances = applyPostings(new Map([['MERCHANT_RECEIVABLE:m-1', -20_000n], ['FUND', 20_000n]]), [r.posting]);
    expect(balances.get('MERCHANT_RECEIVABLE:m-1')).toBe(0n);
    expect(balances.get('MERCHANT_DEPOSIT:m-1')).toBe(30_000n);
  });
});

describe('balance invariant', () => {
  it('keeps every posting balanced, all balances summing to zero and deposits matching the ledger over a random history', () => {
    const random = seededRandom(2026);
    const merchants = ['m-1', 'm-2', 'm-3'];
    const deposits = new Map<string, DepositState>(merchants.map((m) => [m, { balanceFen: 0n, minimumFen: 30_000n, owedFen: 0n }]));
    const postings: Posting[] = [fundContributionPosting(20_000_000_000n)];
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random.next() * xs.length)] as T;
    const amount = () => BigInt(1 + Math.floor(random.next() * 80_000));
    for (let i = 0; i < 2_000; i += 1) {
      const m = pick(merchants);
      const d = deposits.get(m) as DepositState;
      const roll = random.next();
      if (roll < 0.3) {
        const r = depositPosting(d, { merchantId: m, amountFen: amount() });
        deposits.set(m, r.deposit);
        postings.push(r.posting);
      } else if (roll < 0.6) {
        const r = advanceCompensationPosting({ orderId: `o-${i}`, merchantId: m, amountFen: amount() }, d);
        deposits.set(m, r.deposit);
        postings.push(r.posting);
      } else if (roll < 0.8) {
        postings.push(merchantRefundPosting({ orderId: `o-${i}`, merchantId: m, amountFen: amount(), fast: random.next() < 0.5 }));
      } else if (roll < 0.95) {
        postings.push(insuranceSettlementPosting({ orderId: `o-${i}`, amountFen: amount() }));
      } else if (d.owedFen > 0n) {
        postings.push(writeOffReceivablePosting({ merchantId: m, amountFen: d.owedFen }));
        deposits.set(m, { ...d, owedFen: 0n });
      }
    }
    expect(postings.every(isBalanced)).toBe(true);
    const balances = applyPostings(new Map(), postings);
    expect(sumOfBalances(balances)).toBe(0n);
    for (const m of merchants) {
      const d = deposits.get(m) as DepositState;
      expect(balances.get(ACCOUNTS.merchantDeposit(m)) ?? 0n).toBe(d.balanceFen);
      expect(-(balances.get(ACCOUNTS.merchantReceivable(m)) ?? 0n)).toBe(d.owedFen);
      expect(d.balanceFen >= 0n).toBe(true);
    }
  });
});

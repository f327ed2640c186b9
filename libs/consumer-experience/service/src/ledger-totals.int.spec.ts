import { ConsumerExperienceMigrations } from '@govern/consumer-experience-data-access';
import { applyMigrations } from '@govern/platform-db';
import { createTestDatabase, migrationsBefore } from '@govern/platform-testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldLedgerTotals } from './adapters/ledger.repository';
import { startFixture, type Fixture } from './testing/service-fixture';

/**
 * The fund's ledger state comes from running totals (migration 20261207300000_ledger_totals), not
 * from summing every entry: checked against that sum after postings of every kind, with change rows
 * folded and not, with postings and folds running at once, and on a ledger that existed before the
 * migration.
 */

/** The ledger's state summed from every entry and transaction, as GetFundLedger computed it before. */
const SUMMED = `
  WITH per_account AS (
    SELECT account,
           sum(CASE WHEN side = 'CREDIT' THEN amount_fen ELSE -amount_fen END) AS balance,
           sum(amount_fen) FILTER (WHERE side = 'DEBIT') AS debits,
           sum(amount_fen) FILTER (WHERE side = 'CREDIT') AS credits
      FROM ledger_entries GROUP BY account)
  SELECT coalesce(sum(balance) FILTER (WHERE account = 'FUND'), 0)::text AS "fundBalanceFen",
         coalesce(-sum(balance) FILTER (WHERE starts_with(account, 'MERCHANT_RECEIVABLE:')), 0)::text AS "receivablesOutstandingFen",
         coalesce(sum(balance) FILTER (WHERE starts_with(account, 'MERCHANT_DEPOSIT:')), 0)::text AS "depositsHeldFen",
         coalesce(sum(debits), 0)::text AS "totalDebitsFen",
         coalesce(sum(credits), 0)::text AS "totalCreditsFen",
         (SELECT count(*) FROM (
            SELECT transaction_id FROM ledger_entries GROUP BY transaction_id
            HAVING sum(CASE WHEN side = 'DEBIT' THEN amount_fen ELSE -amount_fen END) <> 0) AS u)::text AS "unbalancedTransactions",
         (SELECT count(*) FROM ledger_transactions)::text AS "transactionCount"
    FROM per_account`;

const summedFigures = async (db: pg.Pool): Promise<Record<string, bigint>> => {
  const { rows } = await db.query<Record<string, string>>(SUMMED);
  return Object.fromEntries(Object.entries(rows[0] ?? {}).map(([key, value]) => [key, BigInt(value)]));
};

/** The summed state as GetFundLedger answers it (balanced: debits equal credits and no transaction unbalanced). */
const summed = async (db: pg.Pool) => {
  const { unbalancedTransactions, ...figures } = await summedFigures(db);
  return { ...figures, balanced: figures.totalDebitsFen === figures.totalCreditsFen && unbalancedTransactions === 0n };
};

describe('the fund ledger from running totals (gRPC + Postgres)', () => {
  let f: Fixture;
  let db: pg.Pool;

  beforeAll(async () => {
    // Folded only when the test says so: the background fold would race the "not folded" checks.
    f = await startFixture({ ledgerFoldIntervalMs: 3_600_000 });
    db = new pg.Pool({ connectionString: f.sut.database.url, max: 4 });
  });
  afterAll(async () => {
    await db?.end();
    await f?.stop();
  });

  /** GetFundLedger's figures (without the time it was read at). */
  const state = async () => {
    const { ledger } = await f.client.getFundLedger({});
    if (!ledger) throw new Error('GetFundLedger answered no ledger');
    const { asOfTime: _at, ...figures } = ledger;
    return figures;
  };
  const pending = async (): Promise<number> => Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger_total_changes')).rows[0]?.n);

  it('answers what summing every entry answers, before and after the changes are folded, for every kind of posting', async () => {
    await f.client.contributeToFund({ requestId: f.id('req'), amountFen: 500_000n, paymentRef: f.id('pay') });
    const merchantId = f.id('merchant');
    await f.client.depositMerchantFunds({ requestId: f.id('req'), merchantId, amountFen: 20_000n, paymentRef: f.id('pay') });
    // A late order: the fund compensates the buyer and recovers from the merchant's deposit.
    const orderId = await f.recordOrder({ merchantId });
    f.clock.advance(48 * 3_600_000);
    await f.sut.runDueJobs();
    // A fast refund before dispatch.
    const refunded = await f.recordOrder({ merchantId });
    await f.client.requestAfterSale(f.afterSaleRequest({ orderId: refunded, buyerId: 'buyer-1' }));
    expect((await f.client.getOrder({ orderId })).order?.lateDispatch).toBe(true);

    expect(await pending()).toBeGreaterThan(0);
    const before = await state();
    expect(before).toEqual(await summed(db));
    expect(before.transactionCount).toBeGreaterThanOrEqual(4n);
    expect(before.balanced).toBe(true);
    expect(await foldLedgerTotals(db)).toBeGreaterThan(0);
    expect(await pending()).toBe(0);
    expect(await state()).toEqual(before);

    // ContributeToFund answers the state with its own posting, inside its transaction.
    const contributed = await f.client.contributeToFund({ requestId: f.id('req'), amountFen: 1_000n, paymentRef: f.id('pay') });
    expect(contributed.ledger?.fundBalanceFen).toBe(before.fundBalanceFen + 1_000n);
    expect(contributed.ledger?.transactionCount).toBe(before.transactionCount + 1n);
    expect(await state()).toEqual(await summed(db));
  });

  it('counts every posting once while postings and folds run at once', async () => {
    const contributions = Array.from({ length: 40 }, (_, i) => f.client.contributeToFund({ requestId: f.id('req'), amountFen: BigInt(100 + i), paymentRef: f.id('pay') }));
    const folds = Array.from({ length: 8 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 15));
      return foldLedgerTotals(db);
    });
    await Promise.all([...contributions, ...folds]);
    expect(await state()).toEqual(await summed(db));
    await foldLedgerTotals(db);
    expect(await state()).toEqual(await summed(db));
  });

  it('refuses to change or remove a posted entry or transaction', async () => {
    await expect(db.query(`UPDATE ledger_entries SET amount_fen = amount_fen + 1 WHERE id = (SELECT min(id) FROM ledger_entries)`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM ledger_transactions WHERE transaction_id = (SELECT min(transaction_id) FROM ledger_transactions)`)).rejects.toThrow(/append-only/);
  });
});

describe('the ledger totals migration on an existing ledger (Postgres)', () => {
  it('starts the totals from the entries and transactions already posted', async () => {
    const earlier = migrationsBefore(ConsumerExperienceMigrations, '20261207300000_ledger_totals');
    const database = await createTestDatabase({ prefix: 'ce_ledger_totals' });
    const db = new pg.Pool({ connectionString: database.url, max: 2 });
    try {
      await applyMigrations({ connectionString: database.url, migrationsDir: earlier.dir });
      // A ledger as it stood: a balanced contribution, a balanced recovery, one unbalanced transaction.
      await db.query(`INSERT INTO ledger_accounts (account, account_type, owner_id, created_at) VALUES
        ('FUND', 'FUND', NULL, now()), ('CAPITAL', 'CAPITAL', NULL, now()),
        ('MERCHANT_RECEIVABLE:m-1', 'MERCHANT_RECEIVABLE', 'm-1', now()), ('MERCHANT_DEPOSIT:m-1', 'MERCHANT_DEPOSIT', 'm-1', now())`);
      await db.query(`INSERT INTO ledger_transactions (transaction_id, memo, posted_at) VALUES ('t-1', 'capital', now()), ('t-2', 'recovery', now()), ('t-3', 'broken', now())`);
      await db.query(`INSERT INTO ledger_entries (transaction_id, account, side, amount_fen, memo, posted_at) VALUES
        ('t-1', 'CAPITAL', 'DEBIT', 10000, 'capital', now()), ('t-1', 'FUND', 'CREDIT', 10000, 'capital', now()),
        ('t-2', 'MERCHANT_DEPOSIT:m-1', 'DEBIT', 3000, 'recovery', now()), ('t-2', 'MERCHANT_RECEIVABLE:m-1', 'CREDIT', 3000, 'recovery', now()),
        ('t-3', 'FUND', 'DEBIT', 7, 'broken', now())`);
      const expected = await summedFigures(db);

      await applyMigrations({ connectionString: database.url, migrationsDir: ConsumerExperienceMigrations });
      const { rows } = await db.query<Record<string, string>>(
        `SELECT coalesce(sum(credits_fen - debits_fen) FILTER (WHERE scope = 'FUND'), 0)::text AS "fundBalanceFen",
                coalesce(-sum(credits_fen - debits_fen) FILTER (WHERE scope = 'MERCHANT_RECEIVABLE'), 0)::text AS "receivablesOutstandingFen",
                coalesce(sum(credits_fen - debits_fen) FILTER (WHERE scope = 'MERCHANT_DEPOSIT'), 0)::text AS "depositsHeldFen",
                coalesce(sum(debits_fen), 0)::text AS "totalDebitsFen", coalesce(sum(credits_fen), 0)::text AS "totalCreditsFen",
                coalesce(sum(unbalanced_transactions), 0)::text AS "unbalancedTransactions", coalesce(sum(transactions), 0)::text AS "transactionCount"
           FROM ledger_totals`,
      );
      expect(Object.fromEntries(Object.entries(rows[0] ?? {}).map(([key, value]) => [key, BigInt(value)]))).toEqual(expected);
      expect(expected).toMatchObject({ fundBalanceFen: 9_993n, unbalancedTransactions: 1n, transactionCount: 3n, receivablesOutstandingFen: -3_000n, depositsHeldFen: -3_000n });
    } finally {
      await db.end();
      await database.drop();
      earlier.remove();
    }
  });
});

import type { ConsumerExperienceTx, LedgerEntryRow } from '@govern/consumer-experience-data-access';
import { parseAccount, type Posting } from '@govern/consumer-experience-domain';
import type pg from 'pg';
import { sql, type Sql } from '@govern/platform-db';

/**
 * The fund's double-entry ledger in PostgreSQL. Postings come from the domain's `post()`, which
 * refuses an unbalanced one; here they are written with their accounts in one statement per batch
 * (any number of postings), inside the caller's transaction, so a posting and the state change it
 * pays for commit together. The statement is sent without waiting: it leaves with the unit's other
 * writes and COMMIT, and fails the unit if it fails.
 */
export interface PostingToWrite {
  transactionId: string;
  posting: Posting;
  postedAt: Date;
}

export const writePostings = (db: Sql, postings: readonly PostingToWrite[]): void => {
  if (postings.length === 0) return;
  const accounts = new Map<string, { type: string; ownerId: string | null }>();
  const txIds: string[] = [];
  const txMemos: string[] = [];
  const txOrders: (string | null)[] = [];
  const txTimes: Date[] = [];
  const entryTx: string[] = [];
  const entryAccount: string[] = [];
  const entrySide: string[] = [];
  const entryAmount: bigint[] = [];
  const entryOrder: (string | null)[] = [];
  const entryMemo: string[] = [];
  const entryTime: Date[] = [];
  for (const { transactionId, posting, postedAt } of postings) {
    txIds.push(transactionId);
    txMemos.push(posting.memo);
    txOrders.push(posting.orderId ?? null);
    txTimes.push(postedAt);
    for (const entry of posting.entries) {
      if (!accounts.has(entry.account)) {
        const parsed = parseAccount(entry.account);
        accounts.set(entry.account, { type: parsed.type, ownerId: parsed.ownerId ?? null });
      }
      entryTx.push(transactionId);
      entryAccount.push(entry.account);
      entrySide.push(entry.side);
      entryAmount.push(entry.amountFen);
      entryOrder.push(posting.orderId ?? null);
      entryMemo.push(posting.memo);
      entryTime.push(postedAt);
    }
  }
  const accountNames = [...accounts.keys()];
  const postedAt = txTimes[0];
  db.send(sql`
    WITH new_accounts AS (
      INSERT INTO ledger_accounts (account, account_type, owner_id, created_at)
      SELECT a.account, a.account_type, a.owner_id, ${postedAt}::timestamptz
        FROM unnest(${accountNames}::text[], ${accountNames.map((a) => accounts.get(a)?.type)}::text[], ${accountNames.map((a) => accounts.get(a)?.ownerId ?? null)}::text[])
             AS a(account, account_type, owner_id)
      ON CONFLICT (account) DO NOTHING),
    new_transactions AS (
      INSERT INTO ledger_transactions (transaction_id, memo, order_id, posted_at)
      SELECT * FROM unnest(${txIds}::text[], ${txMemos}::text[], ${txOrders}::text[], ${txTimes}::timestamptz[]))
    INSERT INTO ledger_entries (transaction_id, account, side, amount_fen, order_id, memo, posted_at)
    SELECT e.transaction_id, e.account, e.side, e.amount_fen, e.order_id, e.memo, e.posted_at
      FROM unnest(${entryTx}::text[], ${entryAccount}::text[], ${entrySide}::text[], ${entryAmount}::bigint[], ${entryOrder}::text[],
                  ${entryMemo}::text[], ${entryTime}::timestamptz[])
           WITH ORDINALITY AS e(transaction_id, account, side, amount_fen, order_id, memo, posted_at, n)
     ORDER BY e.n`);
};

export interface FundLedgerState {
  fundBalanceFen: bigint;
  receivablesOutstandingFen: bigint;
  depositsHeldFen: bigint;
  totalDebitsFen: bigint;
  totalCreditsFen: bigint;
  /** Transactions whose debits and credits differ (always 0 unless something is badly wrong). */
  unbalancedTransactions: bigint;
  transactionCount: bigint;
}

/**
 * Balances are credits minus debits; a receivable is negative while the merchant owes the fund.
 * Read from the ledger's running totals and the changes not yet folded into them (migration
 * 20261207300000_ledger_totals), in one statement: one snapshot, so a fold committing meanwhile is
 * seen whole or not at all. Inside a posting's transaction it includes that posting.
 */
export const fundLedgerState = async (tx: ConsumerExperienceTx): Promise<FundLedgerState> => {
  const [row] = await tx.$queryRawUnsafe<
    {
      fund: bigint;
      receivables: bigint;
      deposits: bigint;
      debits: bigint;
      credits: bigint;
      unbalanced: bigint;
      transactions: bigint;
    }[]
  >(
    `SELECT coalesce(sum(credits_fen - debits_fen) FILTER (WHERE scope = 'FUND'), 0)::bigint AS fund,
            coalesce(-sum(credits_fen - debits_fen) FILTER (WHERE scope = 'MERCHANT_RECEIVABLE'), 0)::bigint AS receivables,
            coalesce(sum(credits_fen - debits_fen) FILTER (WHERE scope = 'MERCHANT_DEPOSIT'), 0)::bigint AS deposits,
            coalesce(sum(debits_fen), 0)::bigint AS debits,
            coalesce(sum(credits_fen), 0)::bigint AS credits,
            coalesce(sum(unbalanced_transactions), 0)::bigint AS unbalanced,
            coalesce(sum(transactions), 0)::bigint AS transactions
       FROM (SELECT scope, debits_fen, credits_fen, transactions, unbalanced_transactions FROM ledger_totals
             UNION ALL
             SELECT scope, debits_fen, credits_fen, transactions, unbalanced_transactions FROM ledger_total_changes) AS t`,
  );
  return {
    fundBalanceFen: row?.fund ?? 0n,
    receivablesOutstandingFen: row?.receivables ?? 0n,
    depositsHeldFen: row?.deposits ?? 0n,
    totalDebitsFen: row?.debits ?? 0n,
    totalCreditsFen: row?.credits ?? 0n,
    unbalancedTransactions: row?.unbalanced ?? 0n,
    transactionCount: row?.transactions ?? 0n,
  };
};

/**
 * Folds the committed change rows into the running totals, in one statement: the rows it deletes
 * are the ones it adds, so a reader counts each change once, before or after. Two folds at once
 * (replicas) do not count a row twice: the second's DELETE waits for the first's and then skips the
 * rows it removed. Returns how many change rows were folded.
 */
export const foldLedgerTotals = async (pool: Pick<pg.Pool, 'query'>): Promise<number> => {
  const { rows } = await pool.query<{ folded: string }>(
    `WITH folded AS (DELETE FROM ledger_total_changes RETURNING scope, debits_fen, credits_fen, transactions, unbalanced_transactions),
          added AS (
            INSERT INTO ledger_totals AS t (scope, debits_fen, credits_fen, transactions, unbalanced_transactions)
            SELECT scope, sum(debits_fen), sum(credits_fen), sum(transactions), sum(unbalanced_transactions) FROM folded GROUP BY scope
            ON CONFLICT (scope) DO UPDATE SET debits_fen = t.debits_fen + EXCLUDED.debits_fen, credits_fen = t.credits_fen + EXCLUDED.credits_fen,
                                              transactions = t.transactions + EXCLUDED.transactions,
                                              unbalanced_transactions = t.unbalanced_transactions + EXCLUDED.unbalanced_transactions)
     SELECT count(*)::text AS folded FROM folded`,
  );
  return Number(rows[0]?.folded ?? 0);
};

/** Entries in posting order (by id), optionally of one account or one order, after a cursor. */
export const listLedgerEntries = (
  tx: ConsumerExperienceTx,
  filter: { account?: string | undefined; orderId?: string | undefined; afterId?: bigint | undefined; limit: number },
): Promise<LedgerEntryRow[]> =>
  tx.ledgerEntry.findMany({
    where: {
      ...(filter.account ? { account: filter.account } : {}),
      ...(filter.orderId ? { orderId: filter.orderId } : {}),
      ...(filter.afterId !== undefined ? { id: { gt: filter.afterId } } : {}),
    },
    orderBy: { id: 'asc' },
    take: filter.limit,
  });

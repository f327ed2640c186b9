-- The ledger's running totals. GetFundLedger and ContributeToFund (inside its transaction) answered
-- the fund's balance, the receivables, the deposits, total debits and credits, the transactions and
-- the unbalanced ones by aggregating every entry and transaction ever posted: 1.3-2.1 s at 1.2
-- million entries, and the ledger only grows.
--
-- Each statement that posts adds one change row per scope it touched (a statement-level trigger over
-- the rows it inserted), and a background step folds the committed change rows into ledger_totals
-- (DELETE ... RETURNING, then one upsert per scope, in one statement: a change row is counted either
-- in the totals or among the changes, never both, whatever a reader's snapshot). No posting updates a
-- shared row, so concurrent postings never wait on each other; a reader sums ledger_totals and the
-- change rows not yet folded: two or three per posting statement since the last fold.
--
-- Scopes are the old query's classes of account: FUND, MERCHANT_RECEIVABLE:*, MERCHANT_DEPOSIT:*,
-- any other account (OTHER); '*' carries the counts of transactions and of unbalanced ones.
CREATE TABLE "ledger_totals" (
    "scope" TEXT NOT NULL,
    "debits_fen" BIGINT NOT NULL DEFAULT 0,
    "credits_fen" BIGINT NOT NULL DEFAULT 0,
    "transactions" BIGINT NOT NULL DEFAULT 0,
    "unbalanced_transactions" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "ledger_totals_pkey" PRIMARY KEY ("scope")
);

CREATE TABLE "ledger_total_changes" (
    "id" BIGSERIAL NOT NULL,
    "scope" TEXT NOT NULL,
    "debits_fen" BIGINT NOT NULL DEFAULT 0,
    "credits_fen" BIGINT NOT NULL DEFAULT 0,
    "transactions" BIGINT NOT NULL DEFAULT 0,
    "unbalanced_transactions" BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT "ledger_total_changes_pkey" PRIMARY KEY ("id")
);

CREATE FUNCTION "ledger_scope"("account" TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN account = 'FUND' THEN 'FUND'
              WHEN starts_with(account, 'MERCHANT_RECEIVABLE:') THEN 'MERCHANT_RECEIVABLE'
              WHEN starts_with(account, 'MERCHANT_DEPOSIT:') THEN 'MERCHANT_DEPOSIT'
              ELSE 'OTHER' END
$$;

-- One change row per scope a statement posted to, and one for its transactions: a posting's
-- transaction and entries go out in one statement (writePostings, the ledger repository), so its transactions are
-- the distinct transaction ids of the entries it inserted, and one whose entries do not balance is
-- counted as unbalanced.
CREATE FUNCTION "ledger_entries_count"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_total_changes (scope, debits_fen, credits_fen, transactions, unbalanced_transactions)
  SELECT ledger_scope(account),
         coalesce(sum(amount_fen) FILTER (WHERE side = 'DEBIT'), 0),
         coalesce(sum(amount_fen) FILTER (WHERE side = 'CREDIT'), 0), 0, 0
    FROM posted GROUP BY 1
  UNION ALL
  SELECT '*', 0, 0, count(*), count(*) FILTER (WHERE balance <> 0)
    FROM (SELECT sum(CASE WHEN side = 'DEBIT' THEN amount_fen ELSE -amount_fen END) AS balance FROM posted GROUP BY transaction_id) AS t
  HAVING count(*) > 0;
  RETURN NULL;
END;
$$;

-- Entries and transactions are never changed or removed once posted: the totals count each once.
CREATE FUNCTION "ledger_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;

-- Postings already made are counted under the same lock that makes later ones fire the triggers:
-- a posting in flight when the migration starts commits before it, one after waits for it.
LOCK TABLE "ledger_transactions", "ledger_entries" IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER "ledger_entries_count" AFTER INSERT ON "ledger_entries"
  REFERENCING NEW TABLE AS posted FOR EACH STATEMENT EXECUTE FUNCTION "ledger_entries_count"();
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "ledger_transactions_append_only" BEFORE UPDATE OR DELETE ON "ledger_transactions"
  FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();

INSERT INTO ledger_totals (scope, debits_fen, credits_fen)
SELECT ledger_scope(account),
       coalesce(sum(amount_fen) FILTER (WHERE side = 'DEBIT'), 0),
       coalesce(sum(amount_fen) FILTER (WHERE side = 'CREDIT'), 0)
  FROM ledger_entries GROUP BY 1;
INSERT INTO ledger_totals (scope, transactions, unbalanced_transactions)
SELECT '*', (SELECT count(*) FROM ledger_transactions),
       (SELECT count(*) FROM (
          SELECT transaction_id FROM ledger_entries GROUP BY transaction_id
          HAVING sum(CASE WHEN side = 'DEBIT' THEN amount_fen ELSE -amount_fen END) <> 0) AS unbalanced);

-- Return shipping the merchant owes the buyer beyond the return-shipping insurance (issue 19): a
-- return for the merchant's fault costs the buyer nothing, and the insurance pays at most its cap.
-- Settled by the merchant (SettleReturnShippingFee) or, for a new buyer past the care bound, by the
-- fund (recovered from the deposit). After-sales recorded before owe nothing.
ALTER TABLE "after_sales"
  ADD COLUMN "return_fee_owed_fen" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "return_fee_reasons" JSONB,
  ADD COLUMN "return_fee_policy_name" TEXT,
  ADD COLUMN "return_fee_policy_version" TEXT,
  ADD COLUMN "return_fee_settled_at" TIMESTAMPTZ(3),
  ADD COLUMN "return_fee_settled_by" TEXT,
  ADD COLUMN "return_fee_transaction_id" TEXT;

-- consumer-experience core tables (hand-written to match what Prisma generates for prisma/schema/consumer-experience.prisma).
-- Money is BIGINT fen; enumerations are TEXT holding the domain's words; lists are JSONB arrays.
-- CreateTable
CREATE TABLE "orders" (
    "order_id" TEXT NOT NULL,
    "buyer_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "sku_id" TEXT NOT NULL,
    "category_code" TEXT NOT NULL,
    "content_id" TEXT,
    "creator_id" TEXT,
    "amount_fen" BIGINT NOT NULL,
    "paid_at" TIMESTAMPTZ(3) NOT NULL,
    "fulfilment" TEXT NOT NULL,
    "promised_dispatch_at" TIMESTAMPTZ(3),
    "dispatch_due_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "return_exemptions" JSONB NOT NULL DEFAULT '[]',
    "shipped_at" TIMESTAMPTZ(3),
    "dispatched_on_time" BOOLEAN,
    "delivered_at" TIMESTAMPTZ(3),
    "fake_shipment" BOOLEAN NOT NULL DEFAULT false,
    "late_dispatch" BOOLEAN NOT NULL DEFAULT false,
    "late_dispatch_at" TIMESTAMPTZ(3),
    "refunded_fen" BIGINT NOT NULL DEFAULT 0,
    "punitive_fen" BIGINT NOT NULL DEFAULT 0,
    "late_dispatch_fen" BIGINT NOT NULL DEFAULT 0,
    "promise_reasons" JSONB NOT NULL,
    "promise_policy_name" TEXT NOT NULL,
    "promise_policy_version" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "orders_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "shipments" (
    "tracking_number" TEXT NOT NULL,
    "carrier_code" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "after_sale_id" TEXT,
    "shipped_at" TIMESTAMPTZ(3) NOT NULL,
    "first_scan_due_at" TIMESTAMPTZ(3),
    "first_scan_at" TIMESTAMPTZ(3),
    "pickup_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "fake_shipment" BOOLEAN NOT NULL DEFAULT false,
    "dispatched_on_time" BOOLEAN,
    "shipping_fee_fen" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "shipments_pkey" PRIMARY KEY ("tracking_number")
);

-- CreateTable
CREATE TABLE "tracking_scans" (
    "id" BIGSERIAL NOT NULL,
    "tracking_number" TEXT NOT NULL,
    "scan_type" TEXT NOT NULL,
    "scanned_at" TIMESTAMPTZ(3) NOT NULL,
    "location" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "tracking_scans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "after_sales" (
    "after_sale_id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "buyer_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "description" TEXT NOT NULL,
    "evidence_refs" JSONB NOT NULL DEFAULT '[]',
    "goods_unsealed" BOOLEAN NOT NULL,
    "buyer_trust_score" INTEGER,
    "status" TEXT NOT NULL,
    "requested_before_dispatch" BOOLEAN NOT NULL,
    "quality_return" BOOLEAN NOT NULL,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "fast_refund_outcome" TEXT NOT NULL,
    "fast_refund_fen" BIGINT NOT NULL,
    "fast_refund_reasons" JSONB NOT NULL,
    "fast_refund_policy_name" TEXT NOT NULL,
    "fast_refund_policy_version" TEXT NOT NULL,
    "fast_refund_decided_at" TIMESTAMPTZ(3) NOT NULL,
    "fast_refunded" BOOLEAN NOT NULL DEFAULT false,
    "merchant_answer_required" BOOLEAN NOT NULL,
    "merchant_response_due_at" TIMESTAMPTZ(3),
    "merchant_answer" TEXT,
    "merchant_note" TEXT,
    "merchant_evidence_refs" JSONB NOT NULL DEFAULT '[]',
    "merchant_responded_at" TIMESTAMPTZ(3),
    "escalated_by" TEXT,
    "dispute_statement" TEXT,
    "dispute_evidence_refs" JSONB NOT NULL DEFAULT '[]',
    "escalated_at" TIMESTAMPTZ(3),
    "dispute_outcome" TEXT,
    "award_fen" BIGINT,
    "dispute_decided_by" TEXT,
    "dispute_reasons" JSONB,
    "dispute_policy_name" TEXT,
    "dispute_policy_version" TEXT,
    "dispute_decided_at" TIMESTAMPTZ(3),
    "payment_due_at" TIMESTAMPTZ(3),
    "insurance_fen" BIGINT,
    "insurance_reasons" JSONB,
    "insurance_policy_name" TEXT,
    "insurance_policy_version" TEXT,
    "insurance_settled_at" TIMESTAMPTZ(3),
    "refunded_fen" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "after_sales_pkey" PRIMARY KEY ("after_sale_id")
);

-- CreateTable
CREATE TABLE "after_sale_changes" (
    "id" BIGSERIAL NOT NULL,
    "after_sale_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "after_sale_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refunds" (
    "refund_id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "after_sale_id" TEXT,
    "buyer_id" TEXT NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "fast" BOOLEAN NOT NULL,
    "source" TEXT NOT NULL,
    "compensation_id" TEXT,
    "ledger_transaction_id" TEXT NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "refunds_pkey" PRIMARY KEY ("refund_id")
);

-- CreateTable
CREATE TABLE "compensations" (
    "compensation_id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "after_sale_id" TEXT,
    "buyer_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "recovered_fen" BIGINT NOT NULL,
    "outstanding_fen" BIGINT NOT NULL,
    "top_up_requested" BOOLEAN NOT NULL,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "ledger_transaction_id" TEXT NOT NULL,
    "triggered_by" TEXT NOT NULL,
    "evidence_ref" TEXT,
    "note" TEXT,
    "paid_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "compensations_pkey" PRIMARY KEY ("compensation_id")
);

-- CreateTable
CREATE TABLE "merchant_standings" (
    "merchant_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "store_score" DOUBLE PRECISION,
    "status_changed_at" TIMESTAMPTZ(3) NOT NULL,
    "score_changed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "merchant_standings_pkey" PRIMARY KEY ("merchant_id")
);

-- CreateTable
CREATE TABLE "merchant_deposits" (
    "merchant_id" TEXT NOT NULL,
    "balance_fen" BIGINT NOT NULL DEFAULT 0,
    "minimum_fen" BIGINT NOT NULL,
    "owed_fen" BIGINT NOT NULL DEFAULT 0,
    "top_up_requested" BOOLEAN NOT NULL DEFAULT false,
    "top_up_requested_fen" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "merchant_deposits_pkey" PRIMARY KEY ("merchant_id")
);

-- CreateTable
CREATE TABLE "ledger_accounts" (
    "account" TEXT NOT NULL,
    "account_type" TEXT NOT NULL,
    "owner_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "ledger_accounts_pkey" PRIMARY KEY ("account")
);

-- CreateTable
CREATE TABLE "ledger_transactions" (
    "transaction_id" TEXT NOT NULL,
    "memo" TEXT NOT NULL,
    "order_id" TEXT,
    "posted_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "ledger_transactions_pkey" PRIMARY KEY ("transaction_id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" BIGSERIAL NOT NULL,
    "transaction_id" TEXT NOT NULL,
    "account" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "amount_fen" BIGINT NOT NULL,
    "order_id" TEXT,
    "memo" TEXT NOT NULL,
    "posted_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "complaints" (
    "complaint_id" TEXT NOT NULL,
    "buyer_id" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "merchant_id" TEXT,
    "order_id" TEXT,
    "product_id" TEXT,
    "content_id" TEXT,
    "category" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "evidence_refs" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL,
    "routed_to" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "complaints_pkey" PRIMARY KEY ("complaint_id")
);

-- CreateTable
CREATE TABLE "reviews" (
    "order_id" TEXT NOT NULL,
    "buyer_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "rating" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "reviews_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "inspection_compensation_runs" (
    "result_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "report_ref" TEXT NOT NULL,
    "failed_at" TIMESTAMPTZ(3) NOT NULL,
    "paid_since" TIMESTAMPTZ(3) NOT NULL,
    "reasons" JSONB NOT NULL,
    "last_order_id" TEXT,
    "chunks" INTEGER NOT NULL DEFAULT 0,
    "orders_compensated" INTEGER NOT NULL,
    "compensated_fen" BIGINT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    CONSTRAINT "inspection_compensation_runs_pkey" PRIMARY KEY ("result_id")
);

-- CreateTable
CREATE TABLE "merchant_removal_runs" (
    "removal_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "last_order_id" TEXT,
    "chunks" INTEGER NOT NULL DEFAULT 0,
    "orders_refunded" INTEGER NOT NULL,
    "after_sales_protected" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    CONSTRAINT "merchant_removal_runs_pkey" PRIMARY KEY ("removal_id")
);

-- CreateIndex
CREATE INDEX "orders_buyer_id_paid_at_idx" ON "orders"("buyer_id", "paid_at");

-- CreateIndex
CREATE INDEX "orders_merchant_id_paid_at_idx" ON "orders"("merchant_id", "paid_at");

-- CreateIndex
CREATE INDEX "orders_merchant_id_shipped_at_idx" ON "orders"("merchant_id", "shipped_at");

-- CreateIndex
CREATE INDEX "orders_product_id_paid_at_idx" ON "orders"("product_id", "paid_at");

-- CreateIndex
CREATE INDEX "orders_content_id_paid_at_idx" ON "orders"("content_id", "paid_at");

-- CreateIndex
CREATE INDEX "orders_paid_at_idx" ON "orders"("paid_at");

-- CreateIndex
CREATE INDEX "orders_dispatch_due_at_idx" ON "orders"("dispatch_due_at");

-- CreateIndex
CREATE INDEX "shipments_order_id_idx" ON "shipments"("order_id");

-- CreateIndex
CREATE INDEX "shipments_after_sale_id_idx" ON "shipments"("after_sale_id");

-- CreateIndex
CREATE INDEX "tracking_scans_tracking_number_scanned_at_idx" ON "tracking_scans"("tracking_number", "scanned_at");

-- CreateIndex
CREATE INDEX "after_sales_order_id_created_at_idx" ON "after_sales"("order_id", "created_at");

-- CreateIndex
CREATE INDEX "after_sales_buyer_id_created_at_idx" ON "after_sales"("buyer_id", "created_at");

-- CreateIndex
CREATE INDEX "after_sales_merchant_id_created_at_idx" ON "after_sales"("merchant_id", "created_at");

-- CreateIndex
CREATE INDEX "after_sales_created_at_idx" ON "after_sales"("created_at");

-- CreateIndex
CREATE INDEX "after_sales_dispute_decided_at_idx" ON "after_sales"("dispute_decided_at");

-- CreateIndex
CREATE INDEX "after_sales_insurance_settled_at_idx" ON "after_sales"("insurance_settled_at");

-- CreateIndex
CREATE INDEX "after_sale_changes_after_sale_id_id_idx" ON "after_sale_changes"("after_sale_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "refunds_after_sale_id_key" ON "refunds"("after_sale_id");

-- CreateIndex
CREATE INDEX "refunds_order_id_idx" ON "refunds"("order_id");

-- CreateIndex
CREATE INDEX "refunds_buyer_id_issued_at_idx" ON "refunds"("buyer_id", "issued_at");

-- CreateIndex
CREATE INDEX "refunds_issued_at_idx" ON "refunds"("issued_at");

-- CreateIndex
CREATE INDEX "compensations_order_id_paid_at_idx" ON "compensations"("order_id", "paid_at");

-- CreateIndex
CREATE INDEX "compensations_buyer_id_paid_at_idx" ON "compensations"("buyer_id", "paid_at");

-- CreateIndex
CREATE INDEX "compensations_merchant_id_paid_at_idx" ON "compensations"("merchant_id", "paid_at");

-- CreateIndex
CREATE INDEX "compensations_paid_at_idx" ON "compensations"("paid_at");

-- CreateIndex
CREATE INDEX "ledger_transactions_order_id_idx" ON "ledger_transactions"("order_id");

-- CreateIndex
CREATE INDEX "ledger_entries_transaction_id_idx" ON "ledger_entries"("transaction_id");

-- CreateIndex
CREATE INDEX "ledger_entries_account_id_idx" ON "ledger_entries"("account", "id");

-- CreateIndex
CREATE INDEX "ledger_entries_order_id_id_idx" ON "ledger_entries"("order_id", "id");

-- CreateIndex
CREATE INDEX "complaints_target_type_target_id_created_at_idx" ON "complaints"("target_type", "target_id", "created_at");

-- CreateIndex
CREATE INDEX "complaints_merchant_id_created_at_idx" ON "complaints"("merchant_id", "created_at");

-- CreateIndex
CREATE INDEX "complaints_buyer_id_created_at_idx" ON "complaints"("buyer_id", "created_at");

-- CreateIndex
CREATE INDEX "complaints_product_id_created_at_idx" ON "complaints"("product_id", "created_at");

-- CreateIndex
CREATE INDEX "complaints_content_id_created_at_idx" ON "complaints"("content_id", "created_at");

-- CreateIndex
CREATE INDEX "complaints_created_at_idx" ON "complaints"("created_at");

-- CreateIndex
CREATE INDEX "reviews_merchant_id_created_at_idx" ON "reviews"("merchant_id", "created_at");

-- CreateIndex
CREATE INDEX "reviews_product_id_created_at_idx" ON "reviews"("product_id", "created_at");

-- CreateIndex
CREATE INDEX "merchant_removal_runs_merchant_id_idx" ON "merchant_removal_runs"("merchant_id");

-- AddForeignKey
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("order_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_after_sale_id_fkey" FOREIGN KEY ("after_sale_id") REFERENCES "after_sales"("after_sale_id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tracking_scans" ADD CONSTRAINT "tracking_scans_tracking_number_fkey" FOREIGN KEY ("tracking_number") REFERENCES "shipments"("tracking_number") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "after_sales" ADD CONSTRAINT "after_sales_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("order_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "after_sale_changes" ADD CONSTRAINT "after_sale_changes_after_sale_id_fkey" FOREIGN KEY ("after_sale_id") REFERENCES "after_sales"("after_sale_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("order_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_after_sale_id_fkey" FOREIGN KEY ("after_sale_id") REFERENCES "after_sales"("after_sale_id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "compensations" ADD CONSTRAINT "compensations_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("order_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "ledger_transactions"("transaction_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_fkey" FOREIGN KEY ("account") REFERENCES "ledger_accounts"("account") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("order_id") ON DELETE RESTRICT ON UPDATE CASCADE;


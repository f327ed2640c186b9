-- merchant-access models (prisma/schema/merchant-access.prisma), written as `prisma migrate diff`
-- would generate them.

-- CreateTable
CREATE TABLE "applications" (
    "id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "company_name" TEXT NOT NULL,
    "credit_code_masked" TEXT NOT NULL,
    "legal_rep_name_masked" TEXT NOT NULL,
    "phone_masked" TEXT NOT NULL,
    "bank_account_masked" TEXT NOT NULL,
    "region_code" TEXT NOT NULL,
    "category_codes" JSONB NOT NULL,
    "registered_capital_fen" BIGINT NOT NULL DEFAULT 0,
    "risk_score" INTEGER NOT NULL,
    "band" TEXT NOT NULL,
    "ring_link" BOOLEAN NOT NULL DEFAULT false,
    "reasons" JSONB NOT NULL,
    "ring_links" JSONB NOT NULL,
    "approvable_category_codes" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "review_case_id" TEXT,
    "merchant_id" TEXT,

    CONSTRAINT "applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application_identifiers" (
    "application_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "application_identifiers_pkey" PRIMARY KEY ("application_id","kind","hash")
);

-- CreateTable
CREATE TABLE "merchants" (
    "id" TEXT NOT NULL,
    "application_id" TEXT NOT NULL,
    "company_name" TEXT NOT NULL,
    "credit_code_masked" TEXT NOT NULL,
    "onboarding_band" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "listing_quota" INTEGER NOT NULL,
    "deposit_fen" BIGINT NOT NULL,
    "deposit_forfeited_fen" BIGINT NOT NULL DEFAULT 0,
    "approved_category_codes" JSONB NOT NULL,
    "affiliate_eligible" BOOLEAN NOT NULL,
    "onboarded_at" TIMESTAMPTZ(3) NOT NULL,
    "removed_at" TIMESTAMPTZ(3),

    CONSTRAINT "merchants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ring_graph_entries" (
    "seq" BIGSERIAL NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "identifier_kind" TEXT,
    "identifier_hash" TEXT,
    "status" TEXT,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ring_graph_entries_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "violations" (
    "id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "zero_tolerance" BOOLEAN NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "appeal_deadline" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL,
    "source_ref" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "evidence" JSONB NOT NULL,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "overturned_at" TIMESTAMPTZ(3),
    "appeal_id" TEXT,

    CONSTRAINT "violations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sanctions" (
    "id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3),
    "trigger_points" INTEGER NOT NULL,
    "threshold" INTEGER NOT NULL,
    "zero_tolerance" BOOLEAN NOT NULL,
    "trigger_violation_id" TEXT NOT NULL,
    "violation_ids" JSONB NOT NULL,
    "deposit_forfeited_fen" BIGINT NOT NULL DEFAULT 0,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "lifted_at" TIMESTAMPTZ(3),
    "lift_cause" TEXT,

    CONSTRAINT "sanctions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review_cases" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "application_id" TEXT,
    "appeal_id" TEXT,
    "merchant_id" TEXT,
    "risk_score" INTEGER NOT NULL DEFAULT 0,
    "reasons" JSONB NOT NULL,
    "assignee_id" TEXT,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "sla_due_at" TIMESTAMPTZ(3) NOT NULL,
    "claimed_at" TIMESTAMPTZ(3),
    "decided_at" TIMESTAMPTZ(3),
    "review_decision" TEXT,
    "appeal_decision" TEXT,
    "note" TEXT NOT NULL DEFAULT '',
    "sla_breached" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "review_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "appeals" (
    "id" TEXT NOT NULL,
    "violation_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "statement" TEXT NOT NULL,
    "evidence_refs" JSONB NOT NULL,
    "review_case_id" TEXT NOT NULL,
    "filed_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "restored_points" INTEGER NOT NULL DEFAULT 0,
    "lifted_sanction_ids" JSONB NOT NULL,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,

    CONSTRAINT "appeals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service_metrics_reports" (
    "event_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "orders" BIGINT NOT NULL,
    "in_stock_orders_due" BIGINT NOT NULL,
    "dispatched_within_48h" BIGINT NOT NULL,
    "late_dispatches" BIGINT NOT NULL,
    "fake_shipments" BIGINT NOT NULL,
    "after_sales" BIGINT NOT NULL,
    "avg_response_minutes" DOUBLE PRECISION NOT NULL,
    "disputes" BIGINT NOT NULL,
    "disputes_lost" BIGINT NOT NULL,
    "complaints" BIGINT NOT NULL,
    "quality_returns" BIGINT NOT NULL,
    "positive_reviews" BIGINT NOT NULL,
    "negative_reviews" BIGINT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "service_metrics_reports_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "store_experience_scores" (
    "merchant_id" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "product_score" DOUBLE PRECISION NOT NULL,
    "logistics_score" DOUBLE PRECISION NOT NULL,
    "service_score" DOUBLE PRECISION NOT NULL,
    "neutral" BOOLEAN NOT NULL,
    "order_count" BIGINT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "components" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "store_experience_scores_pkey" PRIMARY KEY ("merchant_id")
);

-- CreateTable
CREATE TABLE "affiliate_sweeps" (
    "id" TEXT NOT NULL,
    "evaluated_at" TIMESTAMPTZ(3) NOT NULL,
    "evaluated_count" INTEGER NOT NULL,
    "cleared_count" INTEGER NOT NULL,
    "readmitted_count" INTEGER NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,

    CONSTRAINT "affiliate_sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "affiliate_changes" (
    "id" BIGSERIAL NOT NULL,
    "sweep_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "eligible" BOOLEAN NOT NULL,
    "store_experience_score" DOUBLE PRECISION NOT NULL,
    "reasons" JSONB NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "affiliate_changes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "applications_submitted_at_idx" ON "applications"("submitted_at");

-- CreateIndex
CREATE INDEX "applications_closed_at_idx" ON "applications"("closed_at");

-- CreateIndex
CREATE INDEX "application_identifiers_kind_hash_idx" ON "application_identifiers"("kind", "hash");

-- CreateIndex
CREATE UNIQUE INDEX "merchants_application_id_key" ON "merchants"("application_id");

-- CreateIndex
CREATE INDEX "merchants_status_idx" ON "merchants"("status");

-- CreateIndex
CREATE INDEX "merchants_onboarded_at_id_idx" ON "merchants"("onboarded_at", "id");

-- CreateIndex
CREATE INDEX "merchants_removed_at_idx" ON "merchants"("removed_at");

-- CreateIndex
CREATE UNIQUE INDEX "ring_graph_entries_identifier_key" ON "ring_graph_entries"("merchant_id", "identifier_kind", "identifier_hash");

-- CreateIndex
CREATE INDEX "violations_merchant_id_occurred_at_idx" ON "violations"("merchant_id", "occurred_at" DESC);

-- CreateIndex
CREATE INDEX "violations_recorded_at_idx" ON "violations"("recorded_at");

-- CreateIndex
CREATE INDEX "sanctions_merchant_id_idx" ON "sanctions"("merchant_id");

-- CreateIndex
CREATE INDEX "sanctions_starts_at_idx" ON "sanctions"("starts_at");

-- CreateIndex
CREATE INDEX "review_cases_status_sla_due_at_idx" ON "review_cases"("status", "sla_due_at");

-- CreateIndex
CREATE INDEX "review_cases_opened_at_idx" ON "review_cases"("opened_at");

-- CreateIndex
CREATE UNIQUE INDEX "appeals_violation_id_key" ON "appeals"("violation_id");

-- CreateIndex
CREATE INDEX "appeals_filed_at_idx" ON "appeals"("filed_at");

-- CreateIndex
CREATE INDEX "service_metrics_reports_merchant_id_window_end_idx" ON "service_metrics_reports"("merchant_id", "window_end");

-- CreateIndex
CREATE INDEX "affiliate_sweeps_evaluated_at_idx" ON "affiliate_sweeps"("evaluated_at");

-- CreateIndex
CREATE INDEX "affiliate_changes_changed_at_idx" ON "affiliate_changes"("changed_at");

-- CreateIndex
CREATE INDEX "affiliate_changes_merchant_id_idx" ON "affiliate_changes"("merchant_id");

-- AddForeignKey
ALTER TABLE "application_identifiers" ADD CONSTRAINT "application_identifiers_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "merchants" ADD CONSTRAINT "merchants_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ring_graph_entries" ADD CONSTRAINT "ring_graph_entries_merchant_id_fkey" FOREIGN KEY ("merchant_id") REFERENCES "merchants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "violations" ADD CONSTRAINT "violations_merchant_id_fkey" FOREIGN KEY ("merchant_id") REFERENCES "merchants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sanctions" ADD CONSTRAINT "sanctions_merchant_id_fkey" FOREIGN KEY ("merchant_id") REFERENCES "merchants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_violation_id_fkey" FOREIGN KEY ("violation_id") REFERENCES "violations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_merchant_id_fkey" FOREIGN KEY ("merchant_id") REFERENCES "merchants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "service_metrics_reports" ADD CONSTRAINT "service_metrics_reports_merchant_id_fkey" FOREIGN KEY ("merchant_id") REFERENCES "merchants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "store_experience_scores" ADD CONSTRAINT "store_experience_scores_merchant_id_fkey" FOREIGN KEY ("merchant_id") REFERENCES "merchants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "affiliate_changes" ADD CONSTRAINT "affiliate_changes_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "affiliate_sweeps"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "merchants" (
    "merchant_id" TEXT NOT NULL,
    "standing" TEXT NOT NULL,
    "approved_category_codes" JSONB NOT NULL DEFAULT '[]',
    "listing_quota" INTEGER NOT NULL DEFAULT 0,
    "store_score" DOUBLE PRECISION,
    "sanction_id" TEXT,
    "sanction_ends_at" TIMESTAMPTZ(3),
    "removed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "merchants_pkey" PRIMARY KEY ("merchant_id")
);

-- CreateTable
CREATE TABLE "products" (
    "product_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "sku_id" TEXT NOT NULL,
    "category_code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "brand" TEXT NOT NULL,
    "manufacturer" TEXT NOT NULL,
    "production_date" TIMESTAMPTZ(3),
    "batch_number" TEXT NOT NULL,
    "certificate_code" TEXT NOT NULL,
    "image_hashes" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL,
    "active_ban_id" TEXT,
    "quality_score" INTEGER NOT NULL,
    "quality_tier" TEXT NOT NULL,
    "orders" BIGINT,
    "quality_returns" BIGINT,
    "complaints" BIGINT,
    "positive_reviews" BIGINT,
    "negative_reviews" BIGINT,
    "stats_window_end" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "listings" (
    "listing_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "sku_id" TEXT NOT NULL,
    "category_code" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "title_fingerprint" TEXT NOT NULL,
    "title_shingles" JSONB NOT NULL DEFAULT '[]',
    "image_hashes" JSONB NOT NULL DEFAULT '[]',
    "price_fen" BIGINT NOT NULL,
    "last_evaluation_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "listings_pkey" PRIMARY KEY ("listing_id")
);

-- CreateTable
CREATE TABLE "listing_evaluations" (
    "evaluation_id" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "listing_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "sku_id" TEXT NOT NULL,
    "category_code" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "three_no" BOOLEAN NOT NULL,
    "zero_tolerance" BOOLEAN NOT NULL,
    "reasons" JSONB NOT NULL,
    "reason_codes" JSONB NOT NULL DEFAULT '[]',
    "claim_hits" JSONB NOT NULL,
    "title_fingerprint" TEXT NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "listing_evaluations_pkey" PRIMARY KEY ("evaluation_id")
);

-- CreateTable
CREATE TABLE "quality_scores" (
    "score_id" TEXT NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "product_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "tier" TEXT NOT NULL,
    "components" JSONB NOT NULL,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "quality_scores_pkey" PRIMARY KEY ("score_id")
);

-- CreateTable
CREATE TABLE "bans" (
    "ban_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "sku_id" TEXT NOT NULL,
    "category_code" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "source_ref" TEXT NOT NULL,
    "actor_id" TEXT NOT NULL,
    "banned_at" TIMESTAMPTZ(3) NOT NULL,
    "lifted_at" TIMESTAMPTZ(3),
    "unban_cause" TEXT,
    "unban_actor_id" TEXT,
    "unban_message" TEXT,
    "appeal_ids" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "bans_pkey" PRIMARY KEY ("ban_id")
);

-- CreateTable
CREATE TABLE "ban_appeals" (
    "appeal_id" TEXT NOT NULL,
    "ban_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "statement" TEXT NOT NULL,
    "evidence_refs" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL,
    "reviewer_id" TEXT,
    "decision_note" TEXT,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "filed_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "ban_appeals_pkey" PRIMARY KEY ("appeal_id")
);

-- CreateTable
CREATE TABLE "banned_listing_prints" (
    "listing_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "ban_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "title_fingerprint" TEXT NOT NULL,
    "image_hashes" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "banned_listing_prints_pkey" PRIMARY KEY ("listing_id")
);

-- CreateTable
CREATE TABLE "banned_image_hashes" (
    "image_hash" TEXT NOT NULL,
    "listing_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,

    CONSTRAINT "banned_image_hashes_pkey" PRIMARY KEY ("image_hash","listing_id")
);

-- CreateTable
CREATE TABLE "banned_title_shingles" (
    "shingle" TEXT NOT NULL,
    "listing_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,

    CONSTRAINT "banned_title_shingles_pkey" PRIMARY KEY ("shingle","listing_id")
);

-- CreateTable
CREATE TABLE "inspection_campaigns" (
    "campaign_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "budget_fen" BIGINT NOT NULL,
    "category_costs" JSONB NOT NULL,
    "default_cost_fen" BIGINT NOT NULL,
    "category_codes" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL,
    "seed" BIGINT,
    "planned_cost_fen" BIGINT NOT NULL DEFAULT 0,
    "sample_count" INTEGER NOT NULL DEFAULT 0,
    "candidate_count" INTEGER NOT NULL DEFAULT 0,
    "plan_reasons" JSONB NOT NULL DEFAULT '[]',
    "policy_name" TEXT,
    "policy_version" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "planned_at" TIMESTAMPTZ(3),

    CONSTRAINT "inspection_campaigns_pkey" PRIMARY KEY ("campaign_id")
);

-- CreateTable
CREATE TABLE "inspection_samples" (
    "sample_id" TEXT NOT NULL,
    "campaign_id" TEXT NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "product_id" TEXT NOT NULL,
    "sku_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "category_code" TEXT NOT NULL,
    "cost_fen" BIGINT NOT NULL,
    "basis" TEXT NOT NULL,
    "risk" DOUBLE PRECISION NOT NULL,
    "weight" DOUBLE PRECISION NOT NULL,
    "status" TEXT NOT NULL,
    "result_id" TEXT,

    CONSTRAINT "inspection_samples_pkey" PRIMARY KEY ("sample_id")
);

-- CreateTable
CREATE TABLE "lab_results" (
    "result_id" TEXT NOT NULL,
    "campaign_id" TEXT,
    "sample_id" TEXT,
    "product_id" TEXT NOT NULL,
    "sku_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "category_code" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "critical_defects" INTEGER NOT NULL,
    "major_defects" INTEGER NOT NULL,
    "minor_defects" INTEGER NOT NULL,
    "defects" JSONB NOT NULL,
    "severity" TEXT,
    "report_ref" TEXT NOT NULL,
    "lab_name" TEXT NOT NULL,
    "tested_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lab_results_pkey" PRIMARY KEY ("result_id")
);

-- CreateTable
CREATE TABLE "lot_switching_states" (
    "merchant_id" TEXT NOT NULL,
    "sku_id" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "normal_recent" JSONB NOT NULL DEFAULT '[]',
    "switching_score" INTEGER NOT NULL,
    "tightened_consecutive_accepted" INTEGER NOT NULL,
    "tightened_rejected" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lot_switching_states_pkey" PRIMARY KEY ("merchant_id","sku_id")
);

-- CreateTable
CREATE TABLE "lot_inspections" (
    "inspection_id" TEXT NOT NULL,
    "lot_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "sku_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "lot_size" BIGINT NOT NULL,
    "inspection_level" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "disposition" TEXT NOT NULL,
    "original_inspection" BOOLEAN NOT NULL,
    "critical_found" INTEGER NOT NULL,
    "major_found" INTEGER NOT NULL,
    "minor_found" INTEGER NOT NULL,
    "sample_size_inspected" INTEGER NOT NULL,
    "outcomes" JSONB NOT NULL,
    "stage_before" TEXT NOT NULL,
    "stage_after" TEXT NOT NULL,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "inspected_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lot_inspections_pkey" PRIMARY KEY ("inspection_id")
);

-- CreateTable
CREATE TABLE "brands" (
    "brand_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT NOT NULL,
    "aliases" JSONB NOT NULL DEFAULT '[]',
    "match_keys" JSONB NOT NULL DEFAULT '[]',
    "owner_id" TEXT NOT NULL,
    "trademark_number" TEXT NOT NULL,
    "authorisation_required" BOOLEAN NOT NULL,
    "category_codes" JSONB NOT NULL DEFAULT '[]',
    "registered_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "brands_pkey" PRIMARY KEY ("brand_id")
);

-- CreateTable
CREATE TABLE "brand_authorisations" (
    "authorisation_id" TEXT NOT NULL,
    "brand_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "category_codes" JSONB NOT NULL DEFAULT '[]',
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_until" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "granted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "brand_authorisations_pkey" PRIMARY KEY ("authorisation_id")
);

-- CreateTable
CREATE TABLE "ip_complaints" (
    "complaint_id" TEXT NOT NULL,
    "brand_id" TEXT NOT NULL,
    "complainant_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "statement" TEXT NOT NULL,
    "evidence_refs" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL,
    "counter_statement" TEXT,
    "counter_evidence_refs" JSONB NOT NULL DEFAULT '[]',
    "ban_id" TEXT,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "filed_at" TIMESTAMPTZ(3) NOT NULL,
    "counter_noticed_at" TIMESTAMPTZ(3),
    "restore_due_at" TIMESTAMPTZ(3),
    "escalated_at" TIMESTAMPTZ(3),
    "decided_at" TIMESTAMPTZ(3),
    "reviewer_id" TEXT,

    CONSTRAINT "ip_complaints_pkey" PRIMARY KEY ("complaint_id")
);

-- CreateIndex
CREATE INDEX "products_merchant_id_status_idx" ON "products"("merchant_id", "status");

-- CreateIndex
CREATE INDEX "products_category_code_status_idx" ON "products"("category_code", "status");

-- CreateIndex
CREATE INDEX "products_status_quality_tier_idx" ON "products"("status", "quality_tier");

-- CreateIndex
CREATE INDEX "listings_product_id_idx" ON "listings"("product_id");

-- CreateIndex
CREATE INDEX "listings_merchant_id_sku_id_idx" ON "listings"("merchant_id", "sku_id");

-- CreateIndex
CREATE INDEX "listing_evaluations_decided_at_idx" ON "listing_evaluations"("decided_at");

-- CreateIndex
CREATE INDEX "listing_evaluations_listing_id_decided_at_idx" ON "listing_evaluations"("listing_id", "decided_at");

-- CreateIndex
CREATE INDEX "listing_evaluations_product_id_decided_at_idx" ON "listing_evaluations"("product_id", "decided_at");

-- CreateIndex
CREATE INDEX "listing_evaluations_merchant_id_decided_at_idx" ON "listing_evaluations"("merchant_id", "decided_at");

-- CreateIndex
CREATE INDEX "quality_scores_product_id_seq_idx" ON "quality_scores"("product_id", "seq");

-- CreateIndex
CREATE INDEX "quality_scores_computed_at_idx" ON "quality_scores"("computed_at");

-- CreateIndex
CREATE INDEX "bans_product_id_idx" ON "bans"("product_id");

-- CreateIndex
CREATE INDEX "bans_merchant_id_banned_at_idx" ON "bans"("merchant_id", "banned_at");

-- CreateIndex
CREATE INDEX "bans_banned_at_idx" ON "bans"("banned_at");

-- CreateIndex
CREATE INDEX "bans_lifted_at_idx" ON "bans"("lifted_at");

-- CreateIndex
CREATE INDEX "ban_appeals_ban_id_idx" ON "ban_appeals"("ban_id");

-- CreateIndex
CREATE INDEX "ban_appeals_filed_at_idx" ON "ban_appeals"("filed_at");

-- CreateIndex
CREATE INDEX "ban_appeals_decided_at_idx" ON "ban_appeals"("decided_at");

-- CreateIndex
CREATE INDEX "banned_listing_prints_title_fingerprint_idx" ON "banned_listing_prints"("title_fingerprint");

-- CreateIndex
CREATE INDEX "banned_listing_prints_product_id_idx" ON "banned_listing_prints"("product_id");

-- CreateIndex
CREATE INDEX "banned_image_hashes_product_id_idx" ON "banned_image_hashes"("product_id");

-- CreateIndex
CREATE INDEX "banned_title_shingles_product_id_idx" ON "banned_title_shingles"("product_id");

-- CreateIndex
CREATE INDEX "inspection_campaigns_created_at_idx" ON "inspection_campaigns"("created_at");

-- CreateIndex
CREATE INDEX "inspection_campaigns_planned_at_idx" ON "inspection_campaigns"("planned_at");

-- CreateIndex
CREATE INDEX "inspection_samples_campaign_id_ordinal_idx" ON "inspection_samples"("campaign_id", "ordinal");

-- CreateIndex
CREATE INDEX "inspection_samples_product_id_idx" ON "inspection_samples"("product_id");

-- CreateIndex
CREATE UNIQUE INDEX "lab_results_sample_id_key" ON "lab_results"("sample_id");

-- CreateIndex
CREATE INDEX "lab_results_product_id_tested_at_idx" ON "lab_results"("product_id", "tested_at");

-- CreateIndex
CREATE INDEX "lab_results_recorded_at_idx" ON "lab_results"("recorded_at");

-- CreateIndex
CREATE INDEX "lot_inspections_merchant_id_sku_id_lot_id_idx" ON "lot_inspections"("merchant_id", "sku_id", "lot_id");

-- CreateIndex
CREATE INDEX "lot_inspections_inspected_at_idx" ON "lot_inspections"("inspected_at");

-- CreateIndex
CREATE UNIQUE INDEX "brands_name_key_key" ON "brands"("name_key");

-- CreateIndex
CREATE INDEX "brands_owner_id_idx" ON "brands"("owner_id");

-- CreateIndex
CREATE INDEX "brand_authorisations_merchant_id_brand_id_idx" ON "brand_authorisations"("merchant_id", "brand_id");

-- CreateIndex
CREATE INDEX "ip_complaints_product_id_idx" ON "ip_complaints"("product_id");

-- CreateIndex
CREATE INDEX "ip_complaints_filed_at_idx" ON "ip_complaints"("filed_at");

-- CreateIndex
CREATE INDEX "ip_complaints_decided_at_idx" ON "ip_complaints"("decided_at");

-- AddForeignKey
ALTER TABLE "listings" ADD CONSTRAINT "listings_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("product_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quality_scores" ADD CONSTRAINT "quality_scores_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("product_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bans" ADD CONSTRAINT "bans_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("product_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ban_appeals" ADD CONSTRAINT "ban_appeals_ban_id_fkey" FOREIGN KEY ("ban_id") REFERENCES "bans"("ban_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "banned_listing_prints" ADD CONSTRAINT "banned_listing_prints_listing_id_fkey" FOREIGN KEY ("listing_id") REFERENCES "listings"("listing_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inspection_samples" ADD CONSTRAINT "inspection_samples_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "inspection_campaigns"("campaign_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lab_results" ADD CONSTRAINT "lab_results_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("product_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brand_authorisations" ADD CONSTRAINT "brand_authorisations_brand_id_fkey" FOREIGN KEY ("brand_id") REFERENCES "brands"("brand_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ip_complaints" ADD CONSTRAINT "ip_complaints_brand_id_fkey" FOREIGN KEY ("brand_id") REFERENCES "brands"("brand_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ip_complaints" ADD CONSTRAINT "ip_complaints_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("product_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Not expressible in the Prisma schema (partial indexes), documented on the models:
-- a product has at most one ban in force, so a concurrent second ban of it fails instead of
-- publishing a second ProductBanned.
CREATE UNIQUE INDEX "bans_one_in_force_per_product" ON "bans"("product_id") WHERE "status" <> 'LIFTED';

-- CreateTable
CREATE TABLE "content_items" (
    "content_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "creator_id" TEXT NOT NULL,
    "livestream_id" TEXT,
    "title" TEXT NOT NULL,
    "captions" TEXT NOT NULL,
    "transcript" TEXT NOT NULL,
    "media_fingerprint" TEXT,
    "tier" TEXT NOT NULL,
    "traffic_weight" DOUBLE PRECISION NOT NULL,
    "latest_assessment_id" TEXT,
    "engagement" JSONB,
    "attribution_orders" BIGINT NOT NULL DEFAULT 0,
    "attribution_refunds" BIGINT NOT NULL DEFAULT 0,
    "attribution_complaints" BIGINT NOT NULL DEFAULT 0,
    "attribution_reported_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "content_items_pkey" PRIMARY KEY ("content_id")
);

-- CreateTable
CREATE TABLE "content_product_links" (
    "content_id" TEXT NOT NULL,
    "product_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "state" TEXT NOT NULL,
    "unlinked_reason_code" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "content_product_links_pkey" PRIMARY KEY ("content_id","product_id")
);

-- CreateTable
CREATE TABLE "content_assessments" (
    "id" TEXT NOT NULL,
    "content_id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "violations" JSONB NOT NULL,
    "quality" JSONB NOT NULL,
    "tier" TEXT NOT NULL,
    "traffic_weight" DOUBLE PRECISION NOT NULL,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "complaint_id" TEXT,
    "note" TEXT,
    "assessed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "content_assessments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "media_fingerprints" (
    "fingerprint" TEXT NOT NULL,
    "creator_id" TEXT NOT NULL,
    "content_id" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "media_fingerprints_pkey" PRIMARY KEY ("fingerprint")
);

-- CreateTable
CREATE TABLE "known_products" (
    "product_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "known_products_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "banned_products" (
    "product_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "ban_id" TEXT NOT NULL,
    "reasons" JSONB NOT NULL,
    "banned_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "banned_products_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "removed_merchants" (
    "merchant_id" TEXT NOT NULL,
    "sanction_id" TEXT NOT NULL,
    "reasons" JSONB NOT NULL,
    "removed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "removed_merchants_pkey" PRIMARY KEY ("merchant_id")
);

-- CreateTable
CREATE TABLE "affiliate_ineligible_merchants" (
    "merchant_id" TEXT NOT NULL,
    "reasons" JSONB NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "affiliate_ineligible_merchants_pkey" PRIMARY KEY ("merchant_id")
);

-- CreateTable
CREATE TABLE "creators" (
    "creator_id" TEXT NOT NULL,
    "credit" INTEGER NOT NULL,
    "standing" TEXT NOT NULL,
    "traffic_limited" BOOLEAN NOT NULL,
    "linking_suspended_until" TIMESTAMPTZ(3),
    "privileges_revoked" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "creators_pkey" PRIMARY KEY ("creator_id")
);

-- CreateTable
CREATE TABLE "creator_standing_changes" (
    "id" BIGSERIAL NOT NULL,
    "creator_id" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "delta" INTEGER NOT NULL,
    "credit_after" INTEGER NOT NULL,
    "standing_after" TEXT NOT NULL,
    "linking_suspended" BOOLEAN NOT NULL,
    "privileges_revoked" BOOLEAN NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "creator_standing_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_deductions" (
    "id" TEXT NOT NULL,
    "creator_id" TEXT NOT NULL,
    "penalty_id" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "severity" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "reasons" JSONB NOT NULL,
    "state" TEXT NOT NULL,
    "deducted_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "credit_deductions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "penalties" (
    "id" TEXT NOT NULL,
    "creator_id" TEXT NOT NULL,
    "content_id" TEXT,
    "livestream_id" TEXT,
    "content_kind" TEXT,
    "action" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "credit_points" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "previous_tier" TEXT,
    "applied_tier" TEXT,
    "unlinked_product_ids" JSONB NOT NULL,
    "deduction_ids" JSONB NOT NULL,
    "violation_keys" JSONB NOT NULL,
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "cause_ref" TEXT,
    "imposed_at" TIMESTAMPTZ(3) NOT NULL,
    "appeal_deadline" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "penalties_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "appeals" (
    "id" TEXT NOT NULL,
    "penalty_id" TEXT NOT NULL,
    "creator_id" TEXT NOT NULL,
    "statement" TEXT NOT NULL,
    "evidence_refs" JSONB NOT NULL,
    "state" TEXT NOT NULL,
    "reviewer_id" TEXT,
    "decision_note" TEXT,
    "reasons" JSONB NOT NULL DEFAULT '[]',
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "filed_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "appeals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "livestreams" (
    "livestream_id" TEXT NOT NULL,
    "content_id" TEXT NOT NULL,
    "creator_id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "traffic_weight" DOUBLE PRECISION NOT NULL,
    "warnings" INTEGER NOT NULL,
    "last_client_sequence" BIGINT NOT NULL,
    "reasons" JSONB NOT NULL,
    "snapshot" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "livestreams_pkey" PRIMARY KEY ("livestream_id")
);

-- CreateTable
CREATE TABLE "livestream_escalations" (
    "id" TEXT NOT NULL,
    "livestream_id" TEXT NOT NULL,
    "creator_id" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "client_sequence" BIGINT NOT NULL,
    "reasons" JSONB NOT NULL,
    "penalty_id" TEXT,
    "decided_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "livestream_escalations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "content_tier_changes" (
    "id" BIGSERIAL NOT NULL,
    "content_id" TEXT NOT NULL,
    "creator_id" TEXT NOT NULL,
    "from_tier" TEXT,
    "to_tier" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "content_tier_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "content_complaints" (
    "complaint_id" TEXT NOT NULL,
    "content_id" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "content_complaints_pkey" PRIMARY KEY ("complaint_id")
);

-- CreateIndex
CREATE INDEX "content_items_creator_id_created_at_idx" ON "content_items"("creator_id", "created_at");

-- CreateIndex
CREATE INDEX "content_items_tier_created_at_idx" ON "content_items"("tier", "created_at");

-- CreateIndex
CREATE INDEX "content_items_created_at_idx" ON "content_items"("created_at");

-- CreateIndex
CREATE INDEX "content_product_links_product_id_content_id_idx" ON "content_product_links"("product_id", "content_id");

-- CreateIndex
CREATE INDEX "content_product_links_merchant_id_content_id_idx" ON "content_product_links"("merchant_id", "content_id");

-- CreateIndex
CREATE INDEX "content_assessments_content_id_assessed_at_idx" ON "content_assessments"("content_id", "assessed_at");

-- CreateIndex
CREATE INDEX "content_assessments_assessed_at_idx" ON "content_assessments"("assessed_at");

-- CreateIndex
CREATE INDEX "creator_standing_changes_changed_at_idx" ON "creator_standing_changes"("changed_at");

-- CreateIndex
CREATE INDEX "creator_standing_changes_creator_id_changed_at_idx" ON "creator_standing_changes"("creator_id", "changed_at");

-- CreateIndex
CREATE INDEX "credit_deductions_creator_id_deducted_at_idx" ON "credit_deductions"("creator_id", "deducted_at");

-- CreateIndex
CREATE INDEX "credit_deductions_deducted_at_idx" ON "credit_deductions"("deducted_at");

-- CreateIndex
CREATE INDEX "penalties_creator_id_imposed_at_idx" ON "penalties"("creator_id", "imposed_at");

-- CreateIndex
CREATE INDEX "penalties_content_id_imposed_at_idx" ON "penalties"("content_id", "imposed_at");

-- CreateIndex
CREATE INDEX "penalties_cause_ref_state_idx" ON "penalties"("cause_ref", "state");

-- CreateIndex
CREATE INDEX "penalties_imposed_at_idx" ON "penalties"("imposed_at");

-- CreateIndex
CREATE INDEX "appeals_state_filed_at_idx" ON "appeals"("state", "filed_at");

-- CreateIndex
CREATE INDEX "appeals_creator_id_filed_at_idx" ON "appeals"("creator_id", "filed_at");

-- CreateIndex
CREATE INDEX "appeals_penalty_id_idx" ON "appeals"("penalty_id");

-- CreateIndex
CREATE INDEX "appeals_filed_at_idx" ON "appeals"("filed_at");

-- CreateIndex
CREATE UNIQUE INDEX "livestreams_content_id_key" ON "livestreams"("content_id");

-- CreateIndex
CREATE INDEX "livestreams_creator_id_started_at_idx" ON "livestreams"("creator_id", "started_at");

-- CreateIndex
CREATE INDEX "livestreams_started_at_idx" ON "livestreams"("started_at");

-- CreateIndex
CREATE INDEX "livestream_escalations_decided_at_idx" ON "livestream_escalations"("decided_at");

-- CreateIndex
CREATE UNIQUE INDEX "livestream_escalations_livestream_id_level_key" ON "livestream_escalations"("livestream_id", "level");

-- CreateIndex
CREATE INDEX "content_tier_changes_changed_at_idx" ON "content_tier_changes"("changed_at");

-- CreateIndex
CREATE INDEX "content_tier_changes_content_id_changed_at_idx" ON "content_tier_changes"("content_id", "changed_at");

-- CreateIndex
CREATE INDEX "content_complaints_received_at_idx" ON "content_complaints"("received_at");

-- CreateIndex
CREATE INDEX "content_complaints_content_id_idx" ON "content_complaints"("content_id");

-- AddForeignKey
ALTER TABLE "content_product_links" ADD CONSTRAINT "content_product_links_content_id_fkey" FOREIGN KEY ("content_id") REFERENCES "content_items"("content_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "content_assessments" ADD CONSTRAINT "content_assessments_content_id_fkey" FOREIGN KEY ("content_id") REFERENCES "content_items"("content_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_penalty_id_fkey" FOREIGN KEY ("penalty_id") REFERENCES "penalties"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "livestreams" ADD CONSTRAINT "livestreams_content_id_fkey" FOREIGN KEY ("content_id") REFERENCES "content_items"("content_id") ON DELETE RESTRICT ON UPDATE CASCADE;

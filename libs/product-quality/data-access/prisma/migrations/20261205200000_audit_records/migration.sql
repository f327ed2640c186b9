-- Audit trail: who did what, one row per mutation, written in the same transaction as the
-- change it records (so a row exists exactly when the change committed, and an idempotent
-- repeat of the request adds none). Append-only: the trigger refuses UPDATE and DELETE.
-- A platform migration: each service copies it unchanged into its own migrations.
CREATE TABLE "audit_records" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    -- The RPC (`govern.merchant_access.v1.MerchantAccessService/RecordViolation`), or what acted
    -- without a call: `consumer:<durable>`, `job:<kind>`.
    "action" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "actor_subject" TEXT NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_roles" TEXT[] NOT NULL DEFAULT '{}',
    "actor_service" TEXT,
    "actor_via" TEXT,
    "resource_type" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    -- What the mutation decided, in the domain's words (`MERCHANT_REMOVED`, `APPEAL_APPROVED`).
    "decision" TEXT NOT NULL,
    -- Reason codes behind the decision and the policy version it was taken under.
    "reason_codes" TEXT[] NOT NULL DEFAULT '{}',
    "policy_version" TEXT,
    CONSTRAINT "audit_records_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_records_actor_kind_check" CHECK ("actor_kind" IN ('service', 'system', 'person'))
);
-- "Who removed this merchant?", "who approved this appeal?": newest first per resource.
CREATE INDEX "audit_records_resource_idx" ON "audit_records"("resource_type", "resource_id", "at" DESC, "id" DESC);
-- "What did this person do?"
CREATE INDEX "audit_records_actor_idx" ON "audit_records"("actor_subject", "at" DESC);

CREATE FUNCTION "audit_records_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_records is append-only';
END;
$$;
CREATE TRIGGER "audit_records_no_update" BEFORE UPDATE OR DELETE ON "audit_records"
  FOR EACH ROW EXECUTE FUNCTION "audit_records_append_only"();

-- Decision records (issue 16): every governed decision with the input it was evaluated on,
-- its outcome and reasons and the policy version, so it can be read, replayed with that
-- version, compared with a candidate in shadow and backtested. Written by
-- libs/platform/decisions in the deciding mutation's own transaction. Copied into each
-- service's migrations, like the first platform migration.

CREATE TABLE "decision_records" (
    "id" BIGSERIAL NOT NULL,
    "decision_id" TEXT NOT NULL,
    -- The service's name for the kind of decision: 'fast-refund', 'listing-gate', ...
    "kind" TEXT NOT NULL,
    -- Resources the decision is about, as 'type:id' ('after_sale:as-1', 'merchant:m-9').
    "subjects" TEXT[] NOT NULL DEFAULT '{}',
    "decided_at" TIMESTAMPTZ(3) NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    -- Input and outcome as JSON text in the decision codec (bigints and dates tagged). TEXT,
    -- not JSONB: the bytes stay exactly as written, and JSON escapes of NUL characters that
    -- JSONB refuses are kept.
    "input" TEXT NOT NULL,
    "outcome_code" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    -- The outcome's reasons in full (JSON array of {code, message, evidence, weight}) and
    -- their codes, for counting.
    "reasons" TEXT NOT NULL,
    "reason_codes" TEXT[] NOT NULL DEFAULT '{}',
    -- Money the outcome moves (refund granted, compensation paid), in fen; NULL when none.
    "money_at_stake_fen" BIGINT,
    "actor_subject" TEXT,
    "actor_kind" TEXT,
    "actor_roles" TEXT[] NOT NULL DEFAULT '{}',
    "actor_service" TEXT,
    "request_id" TEXT,
    "correlation_id" TEXT,
    -- A candidate policy's evaluation of the same input while a shadow policy was on: recorded
    -- beside the live outcome, never acted on. All NULL when no shadow ran.
    "shadow_version" TEXT,
    "shadow_outcome_code" TEXT,
    "shadow_outcome" TEXT,
    "shadow_reason_codes" TEXT[],
    "shadow_agrees" BOOLEAN,
    "shadow_error" TEXT,
    CONSTRAINT "decision_records_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "decision_records_actor_kind_check" CHECK ("actor_kind" IN ('service', 'system', 'person'))
);
CREATE UNIQUE INDEX "decision_records_decision_id_key" ON "decision_records"("decision_id");
-- Lists, replays and backtests walk one kind over a window in (decided_at, id) order.
CREATE INDEX "decision_records_kind_decided_idx" ON "decision_records"("kind", "decided_at", "id");
-- Lists across kinds over a window.
CREATE INDEX "decision_records_decided_idx" ON "decision_records"("decided_at", "id");
-- "Every decision about merchant m-9."
CREATE INDEX "decision_records_subjects_idx" ON "decision_records" USING GIN ("subjects");
CREATE INDEX "decision_records_correlation_idx" ON "decision_records"("correlation_id") WHERE "correlation_id" IS NOT NULL;
-- Shadow reports aggregate the shadowed decisions of a window.
CREATE INDEX "decision_records_shadow_idx" ON "decision_records"("kind", "shadow_version", "decided_at") WHERE "shadow_version" IS NOT NULL;

-- A record is evidence: it is written once and never changed (retention may delete old rows).
CREATE FUNCTION "decision_records_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'decision_records rows are immutable';
END;
$$;
CREATE TRIGGER "decision_records_no_update" BEFORE UPDATE ON "decision_records"
  FOR EACH ROW EXECUTE FUNCTION "decision_records_immutable"();

-- Every shadow policy setting, newest last: the current one of a kind is its newest row.
-- Append-only, so who switched which candidate on or off, and when, is never lost.
CREATE TABLE "decision_shadow_settings" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "candidate_version" TEXT,
    "enabled" BOOLEAN NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "changed_at" TIMESTAMPTZ(3) NOT NULL,
    "actor_subject" TEXT NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_roles" TEXT[] NOT NULL DEFAULT '{}',
    "actor_service" TEXT,
    "request_id" TEXT,
    CONSTRAINT "decision_shadow_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "decision_shadow_settings_actor_kind_check" CHECK ("actor_kind" IN ('service', 'system', 'person')),
    CONSTRAINT "decision_shadow_settings_candidate_check" CHECK (NOT "enabled" OR "candidate_version" IS NOT NULL)
);
CREATE INDEX "decision_shadow_settings_kind_idx" ON "decision_shadow_settings"("kind", "id" DESC);

CREATE FUNCTION "decision_shadow_settings_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'decision_shadow_settings is append-only';
END;
$$;
CREATE TRIGGER "decision_shadow_settings_no_change" BEFORE UPDATE OR DELETE ON "decision_shadow_settings"
  FOR EACH ROW EXECUTE FUNCTION "decision_shadow_settings_append_only"();

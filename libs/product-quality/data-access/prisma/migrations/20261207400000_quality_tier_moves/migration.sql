-- GetGovernanceStats' products in the EXCELLENT and POOR tiers at the end of the window. Before this,
-- the report took each product's latest score before that time out of every score ever computed
-- (DISTINCT ON over quality_scores: 1.7 s at 2 million scores, growing with every rescoring). Now a
-- product's moves into and out of those two tiers are rows of their own, and a daily checkpoint holds
-- the counts at each day's start (UTC): the count at a time is the checkpoint before it plus the moves
-- since, a day's moves at most.

-- +1 / -1 / 0 per tier: a product's move at `at` (the time of the score that moved it).
CREATE TABLE "quality_tier_moves" (
  "seq"        BIGSERIAL PRIMARY KEY,
  "at"         TIMESTAMPTZ(3) NOT NULL,
  "product_id" TEXT NOT NULL,
  "excellent"  SMALLINT NOT NULL,
  "poor"       SMALLINT NOT NULL
);
CREATE INDEX "quality_tier_moves_at_idx" ON "quality_tier_moves"("at") INCLUDE ("excellent", "poor");

-- The counts at `at`, a day's start: the sum of every move before it (startQualityTierCheckpoints).
CREATE TABLE "quality_tier_checkpoints" (
  "at"        TIMESTAMPTZ(3) PRIMARY KEY,
  "excellent" BIGINT NOT NULL,
  "poor"      BIGINT NOT NULL
);

-- Written by triggers on products, whose tier is the latest score's (the listing gate and writeScores
-- set both in one transaction): every writer is counted, a replica of the previous release during a
-- rolling deploy included, and the row lock on the product orders two rescorings of it, so the moves
-- always add up to the products' tiers. Row triggers with a WHEN, so that writes that leave the two
-- tiers alone (most rescorings, bans, service stats) cost only the condition.
CREATE FUNCTION quality_tier_move() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  before_tier TEXT := CASE WHEN TG_OP = 'UPDATE' THEN OLD.quality_tier END;
BEGIN
  INSERT INTO quality_tier_moves (at, product_id, excellent, poor)
  VALUES (NEW.updated_at, NEW.product_id,
          (NEW.quality_tier = 'EXCELLENT')::int - COALESCE(before_tier = 'EXCELLENT', false)::int,
          (NEW.quality_tier = 'POOR')::int - COALESCE(before_tier = 'POOR', false)::int);
  RETURN NULL;
END $$;

-- Creating the triggers locks products against writes (SHARE ROW EXCLUSIVE) until this migration
-- commits: the tiers read below are final, and every later change passes through the triggers.
CREATE TRIGGER products_tier_inserted AFTER INSERT ON "products" FOR EACH ROW
  WHEN (NEW.quality_tier IN ('EXCELLENT', 'POOR')) EXECUTE FUNCTION quality_tier_move();
CREATE TRIGGER products_tier_changed AFTER UPDATE OF "quality_tier" ON "products" FOR EACH ROW
  WHEN (OLD.quality_tier IS DISTINCT FROM NEW.quality_tier AND (OLD.quality_tier IN ('EXCELLENT', 'POOR') OR NEW.quality_tier IN ('EXCELLENT', 'POOR')))
  EXECUTE FUNCTION quality_tier_move();

-- The moves of the history so far, from the scores in the order they were computed (what the report
-- read until now) ...
INSERT INTO "quality_tier_moves" ("at", "product_id", "excellent", "poor")
SELECT s.computed_at, s.product_id,
       (s.tier = 'EXCELLENT')::int - COALESCE(s.previous = 'EXCELLENT', false)::int,
       (s.tier = 'POOR')::int - COALESCE(s.previous = 'POOR', false)::int
  FROM (SELECT product_id, tier, computed_at, lag(tier) OVER (PARTITION BY product_id ORDER BY seq) AS previous FROM quality_scores) s
 WHERE s.tier IS DISTINCT FROM s.previous AND (s.tier IN ('EXCELLENT', 'POOR') OR s.previous IN ('EXCELLENT', 'POOR'));

-- ... and, for a product whose tier is not its latest score's (none is, unless written by hand), the
-- difference at its last update, so that the moves add up to the products' tiers from here on.
INSERT INTO "quality_tier_moves" ("at", "product_id", "excellent", "poor")
SELECT p.updated_at, p.product_id,
       (p.quality_tier = 'EXCELLENT')::int - COALESCE(s.tier = 'EXCELLENT', false)::int,
       (p.quality_tier = 'POOR')::int - COALESCE(s.tier = 'POOR', false)::int
  FROM products p
  LEFT JOIN LATERAL (SELECT tier FROM quality_scores q WHERE q.product_id = p.product_id ORDER BY q.seq DESC LIMIT 1) s ON true
 WHERE p.quality_tier IS DISTINCT FROM s.tier AND (p.quality_tier IN ('EXCELLENT', 'POOR') OR s.tier IN ('EXCELLENT', 'POOR'));

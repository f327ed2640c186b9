-- An appeal's decision carries its reviewer (the console showed the case's assignee instead).
ALTER TABLE "appeals" ADD COLUMN "reviewer_id" TEXT;
-- Appeals decided before: only the claimant of the case may decide it, so the assignee is who decided.
UPDATE "appeals" AS a SET "reviewer_id" = c."assignee_id"
  FROM "review_cases" AS c
 WHERE c."id" = a."review_case_id" AND a."decided_at" IS NOT NULL AND a."reviewer_id" IS NULL;

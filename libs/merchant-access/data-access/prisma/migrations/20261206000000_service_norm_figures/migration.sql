-- The service-norm figures of buyer contacts that MerchantServiceMetricsReported carries (issue 19),
-- kept with each report for the service dimension of the store experience score. Reports stored
-- before carry none: zero contacts judged, so those metrics are left out of their scores.
ALTER TABLE "service_metrics_reports"
  ADD COLUMN "contacts" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "contacts_judged" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "contact_breaches" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "contacts_answered" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "contact_first_reply_p90_seconds" DOUBLE PRECISION NOT NULL DEFAULT 0,
  ADD COLUMN "contacts_resolved" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "contact_ratings" BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN "contact_ratings_satisfied" BIGINT NOT NULL DEFAULT 0;

-- Event delivery without a database-wide commit queue, with bounded retries and retention
-- (issues 11 and 13). Copied into each service's migrations, like the first platform migration.

-- PostgreSQL serialises the commits of every transaction that issued NOTIFY on one
-- database-wide lock held through the WAL flush, so a NOTIFY trigger on the outbox made every
-- write of the service wait in one queue. The relay is woken in-process after commit instead
-- (the runtime's eventsWritten()), and by a short poll and a NOTIFY it sends itself, outside any
-- write transaction, when it sees a backlog.
DROP TRIGGER IF EXISTS "outbox_events_notify" ON "outbox_events";
DROP FUNCTION IF EXISTS "notify_outbox"();

-- rejections: failed publishes of this row while the bus was up (the server refused this
-- message); after a bounded number the row is set dead (dead_at) and no longer retried.
-- attempts keeps counting every failed try, outages included.
ALTER TABLE "outbox_events" ADD COLUMN "rejections" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "outbox_events" ADD COLUMN "dead_at" TIMESTAMPTZ(3);

DROP INDEX "outbox_events_unpublished_idx";
CREATE INDEX "outbox_events_unpublished_idx" ON "outbox_events"("id") WHERE "published_at" IS NULL AND "dead_at" IS NULL;
CREATE INDEX "outbox_events_dead_idx" ON "outbox_events"("id") WHERE "dead_at" IS NOT NULL;
-- Retention deletes published rows by age.
CREATE INDEX "outbox_events_published_at_idx" ON "outbox_events"("published_at") WHERE "published_at" IS NOT NULL;

-- Real-world facts a consumer has acted on (a lab result, a listing), claimed in the same
-- transaction as the effect: one effect per fact, whichever event announced it.
CREATE TABLE "consumed_facts" (
    "consumer" TEXT NOT NULL,
    "fact" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "consumed_facts_pkey" PRIMARY KEY ("consumer","fact")
);

-- The newest version a consumer applied per key (a merchant's store score, ...), for "newest
-- wins" where the service's own tables keep no version: an older or equal one is not applied.
CREATE TABLE "consumed_versions" (
    "consumer" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "version_at" TIMESTAMPTZ(3) NOT NULL,
    "event_id" TEXT NOT NULL,
    CONSTRAINT "consumed_versions_pkey" PRIMARY KEY ("consumer","key")
);

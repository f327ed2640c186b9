-- Inbox retention (platform-events' inbox retention, INBOX_RETENTION_MS): a consumer's inbox rows
-- are deleted once no copy of their event can be delivered again, oldest first, found by the time
-- they were processed. Without this index each run would scan the whole inbox, which grows by
-- every event every consumer handles (86 million rows a day at 1,000 events a second).
-- On a large existing inbox, build it beforehand with CREATE INDEX CONCURRENTLY under this name
-- (a migration runs in a transaction, where CONCURRENTLY is refused): this one then does nothing.
-- Copied unchanged into each service's migrations, like the other platform migrations.
CREATE INDEX IF NOT EXISTS "inbox_events_processed_at_idx" ON "inbox_events"("processed_at");

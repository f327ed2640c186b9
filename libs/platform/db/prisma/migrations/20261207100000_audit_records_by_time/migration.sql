-- The audit trail newest first across resources and actors: ListAuditRecords with no filter, with a
-- time window or with an RPC (`govern audit --service S [--from --to] [--rpc R]`), and each next
-- page's `(at, id) < (...)`. Without these indexes each such page read and sorted the whole table,
-- which takes one row per mutation (1 million rows: 190-330 ms a page, both cores busy); with them
-- a page reads its rows backward from the newest (0.2-0.4 ms; an RPC's 2.5-3.5 ms at 2.4-2.9 million rows).
-- The RPC has an index of its own: walking back through the trail by time alone until a rare RPC
-- fills a page read the whole table (670 ms at 2.4 million rows). Ascending, so that each insert
-- lands on the rightmost leaf of its range, its time being the newest.
-- On a large existing table, build them beforehand with CREATE INDEX CONCURRENTLY under these names
-- (a migration runs in a transaction, where CONCURRENTLY is refused): this one then does nothing.
-- Copied unchanged into each service's migrations, like the other platform migrations.
CREATE INDEX IF NOT EXISTS "audit_records_at_idx" ON "audit_records"("at", "id");
CREATE INDEX IF NOT EXISTS "audit_records_action_idx" ON "audit_records"("action", "at", "id");

-- Trace context of the transaction that wrote an outbox row or scheduled a durable job
-- (issue 14): W3C `traceparent`/`tracestate` and the cascade's start, as JSON written by
-- platform-observability (traceContextForOutbox / traceContextForJob). The relay puts it in
-- the NATS message headers, so the consumer in another service continues the same trace; a
-- job's span links to (or continues) it. Null for rows written before, or without a span.
-- Copied into each service's migrations, like the first platform migration.
ALTER TABLE "outbox_events" ADD COLUMN "trace_context" TEXT;
ALTER TABLE "scheduled_jobs" ADD COLUMN "trace_context" TEXT;

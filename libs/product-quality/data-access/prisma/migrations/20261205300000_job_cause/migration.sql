-- The actor that caused a durable job to be scheduled (issue 12: the causing actor everywhere):
-- the caller of the mutation, or the actor of the event a consumer handled, as the JSON of a
-- govern.common.v1.Actor, written by platform-runtime's unit of work. The job's events and
-- decisions name it; null (rows written before, or by code with no actor) means the service
-- itself. Copied unchanged into each service's migrations, like the other platform migrations.
ALTER TABLE "scheduled_jobs" ADD COLUMN "caused_by" JSONB;

-- Pages and counts that read the whole table without these (measured on seeded tables: 400,000
-- review cases, 500,000 applications, 100,000 appeals; a parallel scan and a sort each time):
-- ListReviewCases in SLA order with no status (the console's home page asks for the overdue ones on
-- every load: 78 ms), by kind (116 ms) or by assignee (82 ms); with these 0.02-0.15 ms.
CREATE INDEX "review_cases_sla_due_at_id_idx" ON "review_cases"("sla_due_at", "id");
-- The cases still to decide, nearest SLA first (overdue_only): the queue is small, the table is not.
CREATE INDEX "review_cases_undecided_sla_idx" ON "review_cases"("sla_due_at", "id") WHERE "status" <> 'DECIDED';
CREATE INDEX "review_cases_assignee_id_sla_due_at_id_idx" ON "review_cases"("assignee_id", "sla_due_at", "id");
-- GetGovernanceStats counts decisions by decided_at in the window (a day: 522 ms, 10.7 ms with these).
CREATE INDEX "applications_decided_at_idx" ON "applications"("decided_at");
CREATE INDEX "appeals_decided_at_idx" ON "appeals"("decided_at");
CREATE INDEX "review_cases_decided_at_idx" ON "review_cases"("decided_at");

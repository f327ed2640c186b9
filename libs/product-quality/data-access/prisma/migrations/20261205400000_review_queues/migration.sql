-- ListBanAppeals and ListIpComplaints page a status's queue oldest filed first: (status, filed_at, id).
-- ListLabResults pages one product's results by (product_id, tested_at), an index that exists.
CREATE INDEX "ban_appeals_status_filed_at_appeal_id_idx" ON "ban_appeals"("status", "filed_at", "appeal_id");
CREATE INDEX "ip_complaints_status_filed_at_complaint_id_idx" ON "ip_complaints"("status", "filed_at", "complaint_id");

-- ListAfterSales without an order, buyer or merchant (the console's dispute queue: every
-- IN_DISPUTE after-sale of the platform, newest first) pages by (status, created_at, id).
CREATE INDEX "after_sales_status_created_at_after_sale_id_idx" ON "after_sales"("status", "created_at", "after_sale_id");

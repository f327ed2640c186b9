-- ListProducts by category: the category and its subcategories (`code = x OR code LIKE 'x.%'`). The
-- (category_code, status) index could not serve the LIKE unless the database's collation is C, so
-- PostgreSQL walked every product by id and filtered (a category of 223 products among 2 million:
-- 127-169 ms a page). An index of text_pattern_ops compares character by character, so it serves the
-- prefix in any collation, and equality as before: it replaces the old one (no extra index per write).
-- A rare category's page now reads its rows from it and sorts them (0.2-1.3 ms); a large one still
-- walks the ids, which finds a page at once.
CREATE INDEX "products_category_code_pattern_status_idx" ON "products"("category_code" text_pattern_ops, "status");
DROP INDEX "products_category_code_status_idx";

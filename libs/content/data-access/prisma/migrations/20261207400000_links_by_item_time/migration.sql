-- ListContentItems by product: the items linked to a product, newest first. Before this, the list
-- walked every item newest first and probed each one's links: a product linked 3,000 times among
-- 2 million items took 1.9 s a page. The link now carries its item's creation time (which never
-- changes), so a page is one range of (product_id, item_created_at, content_id).

ALTER TABLE "content_product_links" ADD COLUMN "item_created_at" TIMESTAMPTZ(3);

-- A replica of the previous release (during a rolling deploy) writes links without the column:
-- the item's time is taken from the item, which its transaction wrote or locked before its links.
-- The current code sets the column, so the trigger does not fire for it.
CREATE FUNCTION content_link_item_created_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT i.created_at INTO NEW.item_created_at FROM content_items i WHERE i.content_id = NEW.content_id;
  RETURN NEW;
END $$;

-- Creating the trigger locks the table against writes (SHARE ROW EXCLUSIVE) until this migration
-- commits: the links written before it are committed and backfilled below, those after it wait and
-- pass through the trigger.
CREATE TRIGGER content_product_links_item_created_at BEFORE INSERT ON "content_product_links"
  FOR EACH ROW WHEN (NEW.item_created_at IS NULL) EXECUTE FUNCTION content_link_item_created_at();

UPDATE "content_product_links" l SET "item_created_at" = i."created_at" FROM "content_items" i WHERE i."content_id" = l."content_id";

ALTER TABLE "content_product_links" ALTER COLUMN "item_created_at" SET NOT NULL;

CREATE INDEX "content_product_links_product_id_item_created_at_content_id_idx"
  ON "content_product_links"("product_id", "item_created_at", "content_id");

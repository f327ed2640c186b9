import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectContentDatabase, ContentMigrations, type ContentDatabase } from '@govern/content-data-access';
import { createTestDatabase, plansOfStatements, type TestDatabase } from '@govern/platform-testing';
import { listContentItems } from './use-cases/queries';

/**
 * ListContentItems by product reads the product's links in their items' order (migration
 * 20261207400000_links_by_item_time), and by creator and tier the creator's items of that tier
 * (migration 20261207500001_content_items_by_creator_tier), whatever the number of items: the
 * statements Prisma sends, captured from pg and planned again over 30,000 items, a rare product
 * linked to every 100th.
 */
const NOW = new Date('2026-12-07T00:00:00Z');
const ITEMS = 30_000;
const RARE_EVERY = 100;

describe('content items by product over a large table (Postgres)', () => {
  let db: TestDatabase;
  let connection: ContentDatabase;
  let raw: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase({ migrationsDir: ContentMigrations, prefix: 'content_list_plans' });
    connection = connectContentDatabase({ connectionString: db.url, poolSize: 2 });
    raw = new pg.Client({ connectionString: db.url });
    await raw.connect();
    // An item a minute; every 20th shares its minute with the next (ties broken by id); five creators.
    await raw.query(
      `INSERT INTO content_items (content_id, kind, creator_id, title, captions, transcript, tier, traffic_weight, created_at, updated_at)
       SELECT 'item-' || lpad(g::text, 6, '0'), 'SHORT_VIDEO', 'creator-' || g % 5, 'title', '', '', 'STANDARD', 1,
              $1::timestamptz - make_interval(mins => $2 - g - CASE WHEN g % 20 = 0 THEN 1 ELSE 0 END),
              $1::timestamptz
         FROM generate_series(1, $2::int) AS g`,
      [NOW, ITEMS],
    );
    // Every item links the popular product; every 100th also the rare one. Written without the
    // item's time, as the previous release writes links: the migration's trigger fills it.
    await raw.query(
      `INSERT INTO content_product_links (content_id, product_id, merchant_id, position, state, updated_at)
       SELECT content_id, 'product-popular', 'merchant-1', 0, 'ACTIVE', $1::timestamptz FROM content_items
       UNION ALL
       SELECT content_id, 'product-rare', 'merchant-2', 1, CASE WHEN right(content_id, 3) = '500' THEN 'UNLINKED' ELSE 'ACTIVE' END, $1::timestamptz
         FROM content_items WHERE right(content_id, 2) = '00'`,
      [NOW],
    );
    await raw.query('ANALYZE content_items; ANALYZE content_product_links');
  });
  afterAll(async () => {
    await raw?.end();
    await connection?.close();
    await db?.drop();
  });

  /** The rare product's items newest first, as the list must return them: by (created_at, content_id) descending. */
  const expectedRare = async (creatorId?: string): Promise<string[]> => {
    const { rows } = await raw.query<{ content_id: string }>(
      `SELECT i.content_id FROM content_items i JOIN content_product_links l ON l.content_id = i.content_id AND l.product_id = 'product-rare'
        WHERE $1::text IS NULL OR i.creator_id = $1 ORDER BY i.created_at DESC, i.content_id DESC`,
      [creatorId ?? null],
    );
    return rows.map((r) => r.content_id);
  };

  const allPages = async (filter: { productId: string; creatorId?: string }, pageSize: number): Promise<string[]> => {
    const ids: string[] = [];
    let after: [Date, string] | undefined;
    for (let pages = 0; pages < 1_000; pages += 1) {
      const page = await listContentItems(connection.client, { pageSize, after, creatorId: filter.creatorId, productId: filter.productId, tier: undefined });
      ids.push(...page.items.map((view) => view.item.contentId));
      const last = page.items.at(-1)?.item;
      if (!page.nextPageToken || !last) return ids;
      after = [last.createdAt, last.contentId];
    }
    throw new Error('more than 1,000 pages');
  };

  it('fills a link written without its item time from the item (the previous release during a rolling deploy)', async () => {
    const { rows } = await raw.query<{ mismatched: number; missing: number }>(
      `SELECT count(*) FILTER (WHERE l.item_created_at IS DISTINCT FROM i.created_at)::int AS mismatched, count(*) FILTER (WHERE l.item_created_at IS NULL)::int AS missing
         FROM content_product_links l JOIN content_items i ON i.content_id = l.content_id`,
    );
    expect(rows[0]).toEqual({ mismatched: 0, missing: 0 });
  });

  it("pages a product's items newest first, every item once, links in either state, with and without a creator", async () => {
    const rare = await expectedRare();
    expect(rare).toHaveLength(ITEMS / RARE_EVERY);
    expect(await allPages({ productId: 'product-rare' }, 7)).toEqual(rare);
    const ofCreator = await expectedRare('creator-0');
    expect(ofCreator.length).toBeGreaterThan(10);
    expect(await allPages({ productId: 'product-rare', creatorId: 'creator-0' }, 4)).toEqual(ofCreator);
    // The popular product's first pages: the newest items (ties by id, descending).
    const popular = await listContentItems(connection.client, { pageSize: 3, after: undefined, creatorId: undefined, productId: 'product-popular', tier: undefined });
    expect(popular.items.map((view) => view.item.contentId)).toEqual(['item-030000', 'item-029999', 'item-029998']);
    // Each item comes with all its links, not only the one it was found by.
    expect(popular.items.map((view) => view.links.map((link) => link.productId).sort())).toEqual([['product-popular', 'product-rare'], ['product-popular'], ['product-popular']]);
  });

  it("reads a rare product's page deep in the table from its links' index, not by walking the items", async () => {
    const rare = await expectedRare();
    const middle = rare[Math.floor(rare.length / 2)] ?? '';
    const { rows } = await raw.query<{ created_at: Date }>('SELECT created_at FROM content_items WHERE content_id = $1', [middle]);
    const after: [Date, string] = [rows[0]?.created_at ?? NOW, middle];
    let page: Awaited<ReturnType<typeof listContentItems>> | undefined;
    const plans = await plansOfStatements(
      raw,
      async () => {
        page = await listContentItems(connection.client, { pageSize: 20, after, creatorId: undefined, productId: 'product-rare', tier: undefined });
      },
      (statement) => /^\s*SELECT/i.test(statement.text),
    );
    expect(plans.length).toBeGreaterThan(0);
    expect(page?.items.map((view) => view.item.contentId)).toEqual(rare.slice(rare.indexOf(middle) + 1, rare.indexOf(middle) + 21));
    const nodes = plans.flat();
    expect(nodes.some((node) => node['Index Name'] === 'content_product_links_product_id_item_created_at_content_id_idx')).toBe(true);
    // content_items is read only by its key (the page's items), never scanned or walked by time.
    const itemReads = nodes.filter((node) => node['Relation Name'] === 'content_items');
    expect(itemReads.length).toBeGreaterThan(0);
    for (const node of itemReads) expect(node['Index Name'], JSON.stringify(node)).toBe('content_items_pkey');
    expect(Math.max(...nodes.map((node) => node['Rows Removed by Filter'] ?? 0))).toBeLessThan(50);
  });

  it("reads a creator's items of a tier it rarely has from their own index, not by walking the creator's or the tier's", async () => {
    // LIMITED is common (every item of creator-1 and creator-2) but rare for creator-3: four of its
    // 6,000 items, all among its oldest. Neither the creator's index nor the tier's serves the pair.
    const limited = ['item-000003', 'item-000008', 'item-000013', 'item-000103'];
    await raw.query(`UPDATE content_items SET tier = 'LIMITED' WHERE content_id = ANY($1::text[]) OR creator_id IN ('creator-1', 'creator-2')`, [limited]);
    await raw.query('ANALYZE content_items');
    try {
      const ids: string[] = [];
      let after: [Date, string] | undefined;
      const plans = await plansOfStatements(
        raw,
        async () => {
          for (let pages = 0; pages < 10; pages += 1) {
            const page = await listContentItems(connection.client, { pageSize: 3, after, creatorId: 'creator-3', productId: undefined, tier: 'LIMITED' });
            ids.push(...page.items.map((view) => view.item.contentId));
            const last = page.items.at(-1)?.item;
            if (!page.nextPageToken || !last) break;
            after = [last.createdAt, last.contentId];
          }
        },
        (statement) => /FROM "\w+"\."content_items"/.test(statement.text) && statement.values.includes('creator-3'),
      );
      expect(ids).toEqual([...limited].reverse());
      expect(plans).toHaveLength(2);
      for (const nodes of plans) {
        expect(nodes.some((node) => node['Index Name'] === 'content_items_creator_id_tier_created_at_content_id_idx')).toBe(true);
        // Walking the creator's items, or the tier's, back by time drops thousands of others first.
        expect(nodes.reduce((sum, node) => sum + (node['Rows Removed by Filter'] ?? 0), 0)).toBeLessThan(10);
      }
    } finally {
      await raw.query(`UPDATE content_items SET tier = 'STANDARD' WHERE tier = 'LIMITED'`);
      await raw.query('ANALYZE content_items');
    }
  });
});

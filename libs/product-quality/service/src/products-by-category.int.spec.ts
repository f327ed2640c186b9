import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { ProductQualityServiceDefinition } from '@govern/contracts-product-quality';
import type { PrismaClient } from '@govern/product-quality-data-access';
import type { ServiceClient } from '@govern/platform-grpc';
import { type ServiceUnderTest, useForSuite } from '@govern/platform-service-testing';
import { plansOfStatements } from '@govern/platform-testing';
import { samplingCandidates } from './adapters/inspections.repository';
import { listProducts } from './adapters/read-models.queries';
import { startProductQualityForTest } from './testing/fixtures';

/**
 * A category filter is the category and its subcategories, matched as text (a `_` or `%` in it is
 * no wildcard), and a rare category's page is read from the category index whatever the database's
 * collation (migration 20261207400001_products_by_category_prefix): over 20,000 products, 80 of them
 * in `toys.rare` and its subcategory, beside categories a wildcard would have matched.
 */
const PRODUCTS = 20_000;

describe('products by category (gRPC, Postgres)', () => {
  let sut: ServiceUnderTest<PrismaClient>;
  let client: ServiceClient<typeof ProductQualityServiceDefinition>;

  useForSuite(
    async () => {
      const pq = await startProductQualityForTest();
      // Every 250th product is in toys.rare, every 1,000th in its subcategory toys.rare.bath; a few in look-alike codes; the rest in home.kitchen.
      await pq.sut.db.$executeRawUnsafe(
        `INSERT INTO products (product_id, merchant_id, sku_id, category_code, title, description, brand, manufacturer, batch_number, certificate_code,
                               status, quality_score, quality_tier, created_at, updated_at)
         SELECT 'p-' || lpad(g::text, 6, '0'), 'M-CAT', 'sku-' || g,
                CASE WHEN g % 1000 = 0 THEN 'toys.rare.bath' WHEN g % 250 = 0 THEN 'toys.rare'
                     WHEN g % 997 = 0 THEN 'toys.rarely' WHEN g % 991 = 0 THEN 'toysXrare' WHEN g % 983 = 0 THEN 'toys.rare_x' ELSE 'home.kitchen' END,
                't', 'd', '', 'm', 'b', 'c', 'ACTIVE', 60, 'FAIR', now(), now()
           FROM generate_series(1, $1::int) AS g`,
        PRODUCTS,
      );
      await pq.sut.db.$executeRawUnsafe('ANALYZE products');
      return pq;
    },
    (pq) => ({ sut, client } = pq),
  );

  const everyPage = async (categoryCode: string): Promise<string[]> => {
    const ids: string[] = [];
    let pageToken = '';
    do {
      const page = await client.listProducts({ pageSize: 30, pageToken, merchantId: '', categoryCode, status: 0, tier: 0 });
      ids.push(...page.products.map((p) => `${p.productId}:${p.categoryCode}`));
      pageToken = page.nextPageToken;
    } while (pageToken !== '' && ids.length < PRODUCTS);
    return ids;
  };

  it('lists a category and its subcategories, by id, and nothing a wildcard would match', async () => {
    const rare = await everyPage('toys.rare');
    expect(rare).toHaveLength(PRODUCTS / 250);
    expect(new Set(rare.map((entry) => entry.split(':')[1]))).toEqual(new Set(['toys.rare', 'toys.rare.bath']));
    expect(rare).toEqual([...rare].sort());
    for (const evasive of ['%', 'toys_rare', 'toys.rar%', 'toys.rare\\', '_']) {
      expect(await everyPage(evasive), evasive).toEqual([]);
    }
    expect((await everyPage('toys.rare_x')).map((entry) => entry.split(':')[1])).toEqual(Array(20).fill('toys.rare_x'));
  });

  it('reads a rare category from its index, not by walking every product', async () => {
    const raw = new pg.Pool({ connectionString: sut.database.url, max: 1 });
    const plans = await plansOfStatements(
      raw,
      () => listProducts(sut.db, { pageSize: 50, after: undefined, merchantId: undefined, categoryCode: 'toys.rare', status: undefined, tier: undefined }),
      (statement) => /FROM "\w+"\."products"/.test(statement.text),
    ).finally(() => raw.end());
    expect(plans).toHaveLength(1);
    const nodes = plans[0] ?? [];
    expect(nodes.some((node) => node['Index Name'] === 'products_category_code_pattern_status_idx')).toBe(true);
    expect(Math.max(...nodes.map((node) => node['Rows Removed by Filter'] ?? 0))).toBeLessThan(50);
  });

  it("takes a sampling campaign's scope as text too", async () => {
    expect(await samplingCandidates(sut.db, ['toys_rare'])).toEqual([]);
    expect(await samplingCandidates(sut.db, ['toys.rare'])).toHaveLength(PRODUCTS / 250);
  });
});

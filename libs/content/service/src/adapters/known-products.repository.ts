import { sql, type Sql } from '@govern/platform-db';

/**
 * Products content may link to, learnt from product-quality's events (content never reads its
 * database): an approved listing makes a product known with its merchant (the latest approval
 * wins); a ban makes it known too if no listing was seen, without overriding an approval.
 */
export const rememberApprovedProduct = async (db: Sql, product: { productId: string; merchantId: string; at: Date }): Promise<void> => {
  await db.execute(sql`
    INSERT INTO known_products (product_id, merchant_id, source, seen_at) VALUES (${product.productId}, ${product.merchantId}, 'LISTING_APPROVED', ${product.at}::timestamptz)
    ON CONFLICT (product_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, source = EXCLUDED.source, seen_at = EXCLUDED.seen_at`);
};

export const rememberBannedProduct = async (db: Sql, product: { productId: string; merchantId: string; at: Date }): Promise<void> => {
  await db.execute(sql`
    INSERT INTO known_products (product_id, merchant_id, source, seen_at) VALUES (${product.productId}, ${product.merchantId}, 'PRODUCT_BANNED', ${product.at}::timestamptz)
    ON CONFLICT DO NOTHING`);
};

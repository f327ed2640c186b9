import { sql, type Sql } from '@govern/platform-db';
import type { Reason } from '@govern/policy-core';

/**
 * Products content may link to, learnt from product-quality's events (content never reads its
 * database): an approved listing makes a product known with its merchant (the latest approval
 * wins); a ban makes it known too if no listing was seen, without overriding an approval.
 */
/** Sent, not awaited (nothing reads its answer): a consumer's batch of approvals leaves in one write. */
export const rememberApprovedProduct = (db: Sql, product: { productId: string; merchantId: string; at: Date }): void => {
  db.send(sql`
    INSERT INTO known_products (product_id, merchant_id, source, seen_at) VALUES (${product.productId}, ${product.merchantId}, 'LISTING_APPROVED', ${product.at}::timestamptz)
    ON CONFLICT (product_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, source = EXCLUDED.source, seen_at = EXCLUDED.seen_at`);
};

/**
 * The approvals of a consumer's batch, one per product (the batch's last approval of it: the one a
 * handler at a time would have left), written as `rememberApprovedProduct` writes one: one
 * statement for the batch rather than one per approval (a merchant uploading listings sends a
 * stream of them, issue 13). Products must be distinct: an upsert may not touch a row twice.
 * Sent, not awaited, like the single write.
 */
export const rememberApprovedProducts = (db: Sql, products: readonly { productId: string; merchantId: string; at: Date }[]): void => {
  if (products.length === 0) return;
  db.send(sql`
    INSERT INTO known_products (product_id, merchant_id, source, seen_at)
    SELECT p.product_id, p.merchant_id, 'LISTING_APPROVED', p.seen_at
      FROM unnest(${products.map((p) => p.productId)}::text[], ${products.map((p) => p.merchantId)}::text[], ${products.map((p) => p.at)}::timestamptz[])
           AS p(product_id, merchant_id, seen_at)
    ON CONFLICT (product_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, source = EXCLUDED.source, seen_at = EXCLUDED.seen_at`);
};

/** Sent, not awaited (nothing reads its answer): a ban burst's writes leave with the next statement. */
export const rememberBannedProduct = (db: Sql, product: { productId: string; merchantId: string; at: Date }): void => {
  db.send(sql`
    INSERT INTO known_products (product_id, merchant_id, source, seen_at) VALUES (${product.productId}, ${product.merchantId}, 'PRODUCT_BANNED', ${product.at}::timestamptz)
    ON CONFLICT DO NOTHING`);
};

/**
 * The ban in force on a product (a later ban of the same product replaces it; the merchant stays
 * the first one's). Sent, not awaited, like the product it makes known.
 */
export const recordBan = (
  db: Sql,
  ban: { productId: string; merchantId: string; cause: string; banId: string; reasons: readonly Reason[]; bannedAt: Date },
): void => {
  db.send(sql`
    INSERT INTO banned_products (product_id, merchant_id, cause, ban_id, reasons, banned_at)
    VALUES (${ban.productId}, ${ban.merchantId}, ${ban.cause}, ${ban.banId}, ${JSON.stringify(ban.reasons)}::jsonb, ${ban.bannedAt}::timestamptz)
    ON CONFLICT (product_id) DO UPDATE SET cause = EXCLUDED.cause, ban_id = EXCLUDED.ban_id, reasons = EXCLUDED.reasons, banned_at = EXCLUDED.banned_at`);
};

/** A ban as the banned-products rows keep it (and the product it makes known). */
export interface BanRecord {
  productId: string;
  merchantId: string;
  cause: string;
  banId: string;
  reasons: readonly Reason[];
  bannedAt: Date;
  /** When content learnt of the product (the event's time). */
  at: Date;
}

/**
 * The bans of a consumer's batch, each of a different product, written as `rememberBannedProduct`
 * and `recordBan` write one: one statement per table for the whole batch (a merchant's removal
 * sends a burst of bans, issue 13). Products must be distinct: an upsert may not touch a row twice.
 * Sent, not awaited, like the single writes.
 */
export const recordBans = (db: Sql, bans: readonly BanRecord[]): void => {
  if (bans.length === 0) return;
  const productIds = bans.map((b) => b.productId);
  const merchantIds = bans.map((b) => b.merchantId);
  db.send(sql`
    INSERT INTO known_products (product_id, merchant_id, source, seen_at)
    SELECT p.product_id, p.merchant_id, 'PRODUCT_BANNED', p.seen_at
      FROM unnest(${productIds}::text[], ${merchantIds}::text[], ${bans.map((b) => b.at)}::timestamptz[]) AS p(product_id, merchant_id, seen_at)
    ON CONFLICT DO NOTHING`);
  db.send(sql`
    INSERT INTO banned_products (product_id, merchant_id, cause, ban_id, reasons, banned_at)
    SELECT b.product_id, b.merchant_id, b.cause, b.ban_id, b.reasons::jsonb, b.banned_at
      FROM unnest(${productIds}::text[], ${merchantIds}::text[], ${bans.map((b) => b.cause)}::text[], ${bans.map((b) => b.banId)}::text[],
                  ${bans.map((b) => JSON.stringify(b.reasons))}::text[], ${bans.map((b) => b.bannedAt)}::timestamptz[])
           AS b(product_id, merchant_id, cause, ban_id, reasons, banned_at)
    ON CONFLICT (product_id) DO UPDATE SET cause = EXCLUDED.cause, ban_id = EXCLUDED.ban_id, reasons = EXCLUDED.reasons, banned_at = EXCLUDED.banned_at`);
};

import type { BanRow, ProductQualityTx } from '@govern/product-quality-data-access';
import type { Ban, BanCause, UnbanCause } from '@govern/product-quality-domain';
import type { PolicyRef, Reason } from '@govern/policy-core';
import { sql } from '@govern/platform-db';
import { banCauses, banStatuses, stored, unbanCauses } from '../mapping/enums';
import { jsonReasons, jsonStrings, reasonsJson } from '../mapping/json';
import { queryRows } from './sql-statements';

/** A product to ban; `skuId` names the SKU the ban started from (the tested SKU of a lab ban). */
export interface BanTarget {
  banId: string;
  productId: string;
  skuId?: string | undefined;
}

export interface BannedProduct {
  banId: string;
  productId: string;
  merchantId: string;
  skuId: string;
  categoryCode: string;
}

export interface LiftedBan {
  banId: string;
  productId: string;
  merchantId: string;
}

/** Lookup tables of the listing gate's re-upload check: a banned listing's JSON array column, one row per element. */
const BAN_PRINT_INDEXES = [
  { table: 'banned_image_hashes', key: 'image_hash', listingColumn: 'image_hashes' },
  { table: 'banned_title_shingles', key: 'shingle', listingColumn: 'title_shingles' },
] as const;

/**
 * Bans the given products that are ACTIVE, in three statements whatever their number: the
 * products turn BANNED (their row locks serialise with a concurrent approval or ban), the bans
 * are inserted from the rows that changed, and the prints of their listings are copied where
 * the listing gate looks for re-uploads. Products already banned are left as they are.
 */
export const insertBans = async (
  tx: ProductQualityTx,
  input: { targets: readonly BanTarget[]; cause: BanCause; reasons: readonly Reason[]; policy: PolicyRef; sourceRef: string; actorId: string; now: Date },
): Promise<BannedProduct[]> => {
  if (input.targets.length === 0) return [];
  const targets = JSON.stringify(input.targets.map((t) => ({ ban_id: t.banId, product_id: t.productId, sku_id: t.skuId ?? null })));
  const statement = sql`
    WITH target AS (
       SELECT * FROM jsonb_to_recordset(${targets}::jsonb) AS t(ban_id text, product_id text, sku_id text)
     ), banned AS (
       UPDATE products p SET status = 'BANNED', active_ban_id = t.ban_id, updated_at = ${input.now}
         FROM target t
        WHERE p.product_id = t.product_id AND p.status = 'ACTIVE'
       RETURNING t.ban_id, p.product_id, p.merchant_id, COALESCE(t.sku_id, p.sku_id) AS sku_id, p.category_code
     )
     INSERT INTO bans (ban_id, product_id, merchant_id, sku_id, category_code, cause, status, reasons, policy_name, policy_version, source_ref, actor_id, banned_at)
     SELECT ban_id, product_id, merchant_id, sku_id, category_code, ${input.cause}, 'ACTIVE', ${JSON.stringify(reasonsJson(input.reasons))}::jsonb,
            ${input.policy.name}, ${input.policy.version}, ${input.sourceRef}, ${input.actorId}, ${input.now}::timestamptz
       FROM banned
     RETURNING ban_id, product_id, merchant_id, sku_id, category_code`;
  const banned = await queryRows<{ ban_id: string; product_id: string; merchant_id: string; sku_id: string; category_code: string }>(tx, statement);
  if (banned.length === 0) return [];
  const productIds = banned.map((b) => b.product_id);
  await tx.$executeRawUnsafe(
    `INSERT INTO banned_listing_prints (listing_id, product_id, ban_id, merchant_id, title, title_fingerprint, image_hashes)
     SELECT l.listing_id, l.product_id, p.active_ban_id, l.merchant_id, l.title, l.title_fingerprint, l.image_hashes
       FROM listings l JOIN products p ON p.product_id = l.product_id
      WHERE l.product_id = ANY($1::text[])
     ON CONFLICT (listing_id) DO UPDATE SET ban_id = EXCLUDED.ban_id, title = EXCLUDED.title,
       title_fingerprint = EXCLUDED.title_fingerprint, image_hashes = EXCLUDED.image_hashes`,
    productIds,
  );
  // The re-upload index: one row per image hash and per title shingle of each banned listing.
  for (const index of BAN_PRINT_INDEXES) {
    await tx.$executeRawUnsafe(
      `INSERT INTO ${index.table} (${index.key}, listing_id, product_id)
       SELECT DISTINCT e.value, l.listing_id, l.product_id
         FROM listings l CROSS JOIN LATERAL jsonb_array_elements_text(l.${index.listingColumn}) AS e(value)
        WHERE l.product_id = ANY($1::text[])
       ON CONFLICT DO NOTHING`,
      productIds,
    );
  }
  return banned.map((b) => ({ banId: b.ban_id, productId: b.product_id, merchantId: b.merchant_id, skuId: b.sku_id, categoryCode: b.category_code }));
};

/**
 * Lifts the bans in force among `banIds`: each ban becomes LIFTED with its cause, its product
 * ACTIVE again (if that ban is the one holding it) and the product's prints leave the
 * re-upload index. Set-based like `insertBans`.
 */
export const liftBansInForce = async (
  tx: ProductQualityTx,
  banIds: readonly string[],
  lift: { unbanCause: UnbanCause; actorId: string; message: string; now: Date },
): Promise<LiftedBan[]> => {
  if (banIds.length === 0) return [];
  const statement = sql`
    WITH lifted AS (
       UPDATE bans SET status = 'LIFTED', lifted_at = ${lift.now}, unban_cause = ${lift.unbanCause}, unban_actor_id = ${lift.actorId}, unban_message = ${lift.message}
        WHERE ban_id = ANY(${banIds}::text[]) AND status <> 'LIFTED'
       RETURNING ban_id, product_id, merchant_id
     ), restored AS (
       UPDATE products p SET status = 'ACTIVE', active_ban_id = NULL, updated_at = ${lift.now}
         FROM lifted l
        WHERE p.product_id = l.product_id AND p.active_ban_id = l.ban_id
       RETURNING p.product_id
     )
     SELECT l.ban_id, l.product_id, l.merchant_id FROM lifted l`;
  const lifted = await queryRows<{ ban_id: string; product_id: string; merchant_id: string }>(tx, statement);
  if (lifted.length === 0) return [];
  const productIds = lifted.map((l) => l.product_id);
  for (const table of ['banned_listing_prints', ...BAN_PRINT_INDEXES.map((index) => index.table)]) {
    await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE product_id = ANY($1::text[])`, productIds);
  }
  return lifted.map((l) => ({ banId: l.ban_id, productId: l.product_id, merchantId: l.merchant_id }));
};

export const banFromRow = (row: BanRow): Ban => ({
  banId: row.banId,
  productId: row.productId,
  merchantId: row.merchantId,
  skuId: row.skuId,
  categoryCode: row.categoryCode,
  cause: stored(banCauses, row.cause),
  status: stored(banStatuses, row.status),
  reasons: jsonReasons(row.reasons),
  policy: { name: row.policyName, version: row.policyVersion },
  sourceRef: row.sourceRef,
  bannedAt: row.bannedAt,
  liftedAt: row.liftedAt ?? undefined,
  unbanCause: row.unbanCause ? stored(unbanCauses, row.unbanCause) : undefined,
  appealIds: jsonStrings(row.appealIds),
});

export const findBan = async (tx: ProductQualityTx, banId: string): Promise<Ban | undefined> => {
  const row = await tx.ban.findUnique({ where: { banId } });
  return row ? banFromRow(row) : undefined;
};

/** Bans by id, in the order asked. */
export const findBans = async (tx: ProductQualityTx, banIds: readonly string[]): Promise<Ban[]> => {
  if (banIds.length === 0) return [];
  const rows = await tx.ban.findMany({ where: { banId: { in: [...banIds] } } });
  const byId = new Map(rows.map((r) => [r.banId, banFromRow(r)]));
  return banIds.map((id) => byId.get(id)).filter((b): b is Ban => b !== undefined);
};

/** SKUs of a product's listings (and its own first SKU). */
export const skusOfProduct = async (tx: ProductQualityTx, productId: string): Promise<string[]> => {
  const rows = await tx.$queryRawUnsafe<{ sku_id: string }[]>(
    `SELECT sku_id FROM products WHERE product_id = $1 UNION SELECT sku_id FROM listings WHERE product_id = $1`,
    productId,
  );
  return rows.map((r) => r.sku_id);
};

/** Other active products of the merchant listed under any of the SKUs. */
export const sameSkuProducts = async (tx: ProductQualityTx, merchantId: string, skuIds: readonly string[], exceptProductId: string): Promise<string[]> => {
  const rows = await tx.$queryRawUnsafe<{ product_id: string }[]>(
    `SELECT DISTINCT l.product_id FROM listings l JOIN products p ON p.product_id = l.product_id
      WHERE l.merchant_id = $1 AND l.sku_id = ANY($2::text[]) AND l.product_id <> $3 AND p.status = 'ACTIVE'
      ORDER BY l.product_id`,
    merchantId,
    skuIds,
    exceptProductId,
  );
  return rows.map((r) => r.product_id);
};

/** The next batch of a merchant's ACTIVE products (a removal cascade's share). */
export const activeProductsOfMerchant = async (tx: ProductQualityTx, merchantId: string, limit: number): Promise<string[]> => {
  const rows = await tx.$queryRawUnsafe<{ product_id: string }[]>(
    `SELECT product_id FROM products WHERE merchant_id = $1 AND status = 'ACTIVE' ORDER BY product_id LIMIT $2`,
    merchantId,
    limit,
  );
  return rows.map((r) => r.product_id);
};

export const merchantHasActiveProducts = async (tx: ProductQualityTx, merchantId: string): Promise<boolean> => {
  const [row] = await tx.$queryRawUnsafe<{ more: boolean }[]>(`SELECT EXISTS (SELECT 1 FROM products WHERE merchant_id = $1 AND status = 'ACTIVE') AS more`, merchantId);
  return row?.more ?? false;
};

/** The next batch of a merchant's bans not lifted yet, of the given causes. */
export const bansInForceOfMerchant = async (tx: ProductQualityTx, merchantId: string, causes: readonly BanCause[], limit: number): Promise<string[]> => {
  const rows = await tx.$queryRawUnsafe<{ ban_id: string }[]>(
    `SELECT ban_id FROM bans WHERE merchant_id = $1 AND cause = ANY($2::text[]) AND status <> 'LIFTED' ORDER BY ban_id LIMIT $3`,
    merchantId,
    causes,
    limit,
  );
  return rows.map((r) => r.ban_id);
};

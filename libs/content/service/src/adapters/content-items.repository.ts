import type { Tier } from '@govern/content-domain';
import { sql, type Sql } from '@govern/platform-db';

/**
 * Plain SQL on content items and their product links: the statements where a row lock, a set-based
 * write or a one-round-trip claim matters. Everything else goes through the Prisma client.
 */

/**
 * Serialises work on one content item: an advisory lock on its id (so two first publishes of one
 * id do not race) and the row lock (so a cascade does not change it under an assessment).
 */
export const lockContentItem = async (db: Sql, contentId: string): Promise<void> => {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`content_item:${contentId}`}::text, 0))`);
  await db.execute(sql`SELECT 1 FROM content_items WHERE content_id = ${contentId} FOR UPDATE`);
};

/** The merchant each known product belongs to (from product-quality's ListingApproved and ProductBanned). */
export const merchantsOfKnownProducts = (db: Sql, productIds: readonly string[]): Promise<{ product_id: string; merchant_id: string }[]> =>
  db.query(sql`SELECT product_id, merchant_id FROM known_products WHERE product_id = ANY(${productIds}::text[])`);

export type LinkFact = 'banned' | 'removed' | 'ineligible';

/** Which of these products are banned, and which of these merchants removed or out of the affiliate programme. */
export const linkFacts = (db: Sql, productIds: readonly string[], merchantIds: readonly string[]): Promise<{ fact: LinkFact; id: string }[]> =>
  db.query(sql`
    SELECT 'banned' AS fact, product_id AS id FROM banned_products WHERE product_id = ANY(${productIds}::text[])
    UNION ALL SELECT 'removed', merchant_id FROM removed_merchants WHERE merchant_id = ANY(${merchantIds}::text[])
    UNION ALL SELECT 'ineligible', merchant_id FROM affiliate_ineligible_merchants WHERE merchant_id = ANY(${merchantIds}::text[])`);

/** The first publisher of a fingerprint owns it: recorded now if nobody has it yet; returns the owner. */
export const claimFingerprint = async (db: Sql, claim: { fingerprint: string; creatorId: string; contentId: string; at: Date }): Promise<string> => {
  const rows = await db.query<{ creator_id: string }>(sql`
    WITH claimed AS (
      INSERT INTO media_fingerprints (fingerprint, creator_id, content_id, first_seen_at)
      VALUES (${claim.fingerprint}, ${claim.creatorId}, ${claim.contentId}, ${claim.at}::timestamptz)
      ON CONFLICT DO NOTHING RETURNING creator_id
    )
    SELECT creator_id FROM claimed UNION ALL SELECT creator_id FROM media_fingerprints WHERE fingerprint = ${claim.fingerprint} LIMIT 1`);
  return rows[0]?.creator_id ?? claim.creatorId;
};

export interface LinkWrite {
  productId: string;
  merchantId: string;
  position: number;
  state: 'ACTIVE' | 'UNLINKED';
  code: string | null;
}

/** The given links replace the item's stored ones (two statements whatever their number). */
export const replaceLinks = async (db: Sql, contentId: string, links: readonly LinkWrite[], now: Date): Promise<void> => {
  await db.execute(sql`DELETE FROM content_product_links WHERE content_id = ${contentId} AND NOT (product_id = ANY(${links.map((l) => l.productId)}::text[]))`);
  if (links.length === 0) return;
  await db.execute(sql`
    INSERT INTO content_product_links (content_id, product_id, merchant_id, position, state, unlinked_reason_code, updated_at)
    SELECT ${contentId}::text, u.product_id, u.merchant_id, u.position, u.state, u.code, ${now}::timestamptz
      FROM unnest(${links.map((l) => l.productId)}::text[], ${links.map((l) => l.merchantId)}::text[], ${links.map((l) => l.position)}::int[],
                  ${links.map((l) => l.state)}::text[], ${links.map((l) => l.code)}::text[]) AS u(product_id, merchant_id, position, state, code)
    ON CONFLICT (content_id, product_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, position = EXCLUDED.position,
      state = EXCLUDED.state, unlinked_reason_code = EXCLUDED.unlinked_reason_code, updated_at = EXCLUDED.updated_at`);
};

/**
 * Attribution figures of a newer window than the one kept; returns whether they were kept (figures
 * of an older or the same window, or for content never assessed, change nothing).
 */
export const recordAttribution = async (
  db: Sql,
  report: { contentId: string; orders: bigint; refunds: bigint; complaints: bigint; reportedAt: Date },
): Promise<boolean> =>
  (await db.execute(sql`
    UPDATE content_items SET attribution_orders = ${report.orders}::bigint, attribution_refunds = ${report.refunds}::bigint,
           attribution_complaints = ${report.complaints}::bigint, attribution_reported_at = ${report.reportedAt}::timestamptz
     WHERE content_id = ${report.contentId} AND (attribution_reported_at IS NULL OR attribution_reported_at < ${report.reportedAt}::timestamptz)`)) > 0;

/** Lowers every item of a creator in one of `tiers` to `cap` (locked first); returns what each was before. */
export const capCreatorContent = (
  db: Sql,
  change: { creatorId: string; tiers: readonly Tier[]; cap: Tier; weight: number; at: Date },
): Promise<{ content_id: string; previous_tier: Tier; previous_weight: number }[]> =>
  db.query(sql`
    WITH capped AS (
      SELECT content_id, tier, traffic_weight FROM content_items WHERE creator_id = ${change.creatorId} AND tier = ANY(${change.tiers}::text[]) FOR UPDATE
    )
    UPDATE content_items c SET tier = ${change.cap}, traffic_weight = ${change.weight}::float8, updated_at = ${change.at}::timestamptz
      FROM capped WHERE c.content_id = capped.content_id
    RETURNING c.content_id, capped.tier AS previous_tier, capped.traffic_weight AS previous_weight`);

/** Appends tier changes (for the governance report) in one statement, however many items changed. */
export const insertTierChanges = async (
  db: Sql,
  at: Date,
  cause: string,
  changes: readonly { contentId: string; creatorId: string; fromTier: string | null; toTier: string }[],
): Promise<void> => {
  if (changes.length === 0) return;
  await db.execute(sql`
    INSERT INTO content_tier_changes (content_id, creator_id, from_tier, to_tier, cause, changed_at)
    SELECT u.content_id, u.creator_id, u.from_tier, u.to_tier, ${cause}::text, ${at}::timestamptz
      FROM unnest(${changes.map((c) => c.contentId)}::text[], ${changes.map((c) => c.creatorId)}::text[], ${changes.map((c) => c.fromTier)}::text[],
                  ${changes.map((c) => c.toTier)}::text[]) AS u(content_id, creator_id, from_tier, to_tier)`);
};

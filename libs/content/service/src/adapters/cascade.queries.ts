import type { Tier } from '@govern/content-domain';
import { sql, sqlRaw, type Sql } from '@govern/platform-db';

/**
 * The set-based statements of cascades: a batch of up to a few thousand items is found, locked,
 * read and changed with a handful of statements whatever its size, never one per item.
 */

export interface CascadeItemRow {
  content_id: string;
  creator_id: string;
  tier: Tier;
  traffic_weight: number;
  kind: string;
  livestream_id: string | null;
}

export interface CascadeLinkRow {
  content_id: string;
  product_id: string;
  merchant_id: string;
  state: 'ACTIVE' | 'UNLINKED';
  unlinked_reason_code: string | null;
}

/** Locks the items (in content_id order, so concurrent cascades take the locks in the same order). */
export const lockItems = (db: Sql, ids: readonly string[]): Promise<CascadeItemRow[]> =>
  db.query(sql`SELECT content_id, creator_id, tier, traffic_weight, kind, livestream_id FROM content_items
                WHERE content_id = ANY(${ids}::text[]) ORDER BY content_id FOR UPDATE`);

export const linksOf = (db: Sql, ids: readonly string[]): Promise<CascadeLinkRow[]> =>
  db.query(sql`SELECT content_id, product_id, merchant_id, state, unlinked_reason_code FROM content_product_links WHERE content_id = ANY(${ids}::text[])`);

/** A page of item ids after `after` (content_id order). */
interface Page {
  after: string;
  limit: number;
}

const ids = async (rows: Promise<{ content_id: string }[]>): Promise<string[]> => (await rows).map((r) => r.content_id);

/** Items with a live link to the product, or to any of the merchant's goods. */
export const itemsLinkedTo = (db: Sql, link: { productId: string } | { merchantId: string }, page: Page): Promise<string[]> => {
  const match = 'productId' in link ? sql`product_id = ${link.productId}` : sql`merchant_id = ${link.merchantId}`;
  return ids(
    db.query(sql`SELECT DISTINCT content_id FROM content_product_links WHERE ${match} AND state = 'ACTIVE' AND content_id > ${page.after}
                  ORDER BY content_id LIMIT ${page.limit}::int`),
  );
};

/**
 * The first page of `itemsLinkedTo` for each of several products, in one statement (a consumer's
 * batch of bans reads them all at once instead of one round trip per ban). Products with no live
 * link have no entry.
 */
export const firstItemsLinkedToProducts = async (db: Sql, productIds: readonly string[], limit: number): Promise<Map<string, string[]>> => {
  const rows = await db.query<{ product_id: string; content_id: string }>(sql`
    SELECT p.product_id, l.content_id FROM unnest(${productIds}::text[]) AS p(product_id)
     CROSS JOIN LATERAL (SELECT DISTINCT content_id FROM content_product_links
                          WHERE product_id = p.product_id AND state = 'ACTIVE' AND content_id > ''
                          ORDER BY content_id LIMIT ${limit}::int) l
     ORDER BY p.product_id, l.content_id`);
  const linked = new Map<string, string[]>();
  for (const row of rows) {
    const ids = linked.get(row.product_id);
    if (ids) ids.push(row.content_id);
    else linked.set(row.product_id, [row.content_id]);
  }
  return linked;
};

/** Items selling the merchant's goods whose tier is one of `tiers` (those above the affiliate cap). */
export const boostedItemsOfMerchant = (db: Sql, merchantId: string, tiers: readonly Tier[], page: Page): Promise<string[]> =>
  ids(
    db.query(sql`SELECT DISTINCT l.content_id FROM content_product_links l JOIN content_items c ON c.content_id = l.content_id
                  WHERE l.merchant_id = ${merchantId} AND l.state = 'ACTIVE' AND c.tier = ANY(${tiers}::text[]) AND l.content_id > ${page.after}
                  ORDER BY l.content_id LIMIT ${page.limit}::int`),
  );

/**
 * Items an upstream fact left marks on: an active penalty naming it (`cause_ref`), or a link it took
 * down (by refusal code) to the product or the merchant's goods.
 */
export const itemsMarkedBy = (
  db: Sql,
  fact: { causeRef: string; column: 'product_id' | 'merchant_id'; id: string; codes: readonly string[] },
  page: Page,
): Promise<string[]> =>
  ids(
    db.query(sql`
      SELECT content_id FROM (
        SELECT content_id FROM penalties WHERE cause_ref = ${fact.causeRef} AND state = 'ACTIVE' AND content_id IS NOT NULL
        UNION
        SELECT content_id FROM content_product_links
         WHERE ${sqlRaw(fact.column === 'product_id' ? 'product_id' : 'merchant_id')} = ${fact.id} AND state = 'UNLINKED' AND unlinked_reason_code = ANY(${fact.codes}::text[])
      ) concerned WHERE content_id > ${page.after} ORDER BY content_id LIMIT ${page.limit}::int`),
  );

export const updateTiers = async (db: Sql, at: Date, changes: readonly { contentId: string; tier: Tier; trafficWeight: number }[]): Promise<void> => {
  if (changes.length === 0) return;
  await db.execute(sql`
    UPDATE content_items c SET tier = u.tier, traffic_weight = u.weight, updated_at = ${at}::timestamptz
      FROM unnest(${changes.map((c) => c.contentId)}::text[], ${changes.map((c) => c.tier)}::text[], ${changes.map((c) => c.trafficWeight)}::float8[]) AS u(id, tier, weight)
     WHERE c.content_id = u.id`);
};

export const setLinkStates = async (
  db: Sql,
  at: Date,
  pairs: readonly { contentId: string; productId: string }[],
  state: 'ACTIVE' | 'UNLINKED',
  code: string | null,
): Promise<void> => {
  if (pairs.length === 0) return;
  await db.execute(sql`
    UPDATE content_product_links l SET state = ${state}, unlinked_reason_code = ${code}::text, updated_at = ${at}::timestamptz
      FROM unnest(${pairs.map((p) => p.contentId)}::text[], ${pairs.map((p) => p.productId)}::text[]) AS u(content_id, product_id)
     WHERE l.content_id = u.content_id AND l.product_id = u.product_id`);
};

/** One cascade penalty per item: what it did (previous and applied tier, links taken down) so lifting it undoes exactly that. */
export interface CascadePenalty {
  id: string;
  creatorId: string;
  contentId: string;
  livestreamId: string | null;
  contentKind: string | null;
  previousTier: Tier;
  appliedTier: Tier | null;
  unlinkedProductIds: readonly string[];
  violationKeys: readonly string[];
  reasons: readonly unknown[];
}

/** What every penalty of one cascade batch shares. */
export interface CascadePenaltyTerms {
  action: 'LIMITED' | 'UNLINKED';
  severity: string;
  policy: { name: string; version: string };
  causeRef: string;
  imposedAt: Date;
}

/** Cascade penalties are not appealable (no deadline) and cost no credit: they follow an upstream fact. */
export const insertCascadePenalties = async (db: Sql, terms: CascadePenaltyTerms, penalties: readonly CascadePenalty[]): Promise<void> => {
  if (penalties.length === 0) return;
  const column = <T>(of: (p: CascadePenalty) => T): T[] => penalties.map(of);
  await db.execute(sql`
    INSERT INTO penalties (id, creator_id, content_id, livestream_id, content_kind, action, severity, credit_points, source, previous_tier,
                           applied_tier, unlinked_product_ids, deduction_ids, violation_keys, reasons, policy_name, policy_version, state,
                           cause_ref, imposed_at, appeal_deadline)
    SELECT u.id, u.creator_id, u.content_id, u.livestream_id, u.content_kind, ${terms.action}::text, ${terms.severity}::text, 0, 'CASCADE', u.previous_tier,
           u.applied_tier, u.unlinked::jsonb, '[]'::jsonb, u.keys::jsonb, u.reasons::jsonb, ${terms.policy.name}::text, ${terms.policy.version}::text, 'ACTIVE',
           ${terms.causeRef}::text, ${terms.imposedAt}::timestamptz, NULL
      FROM unnest(${column((p) => p.id)}::text[], ${column((p) => p.creatorId)}::text[], ${column((p) => p.contentId)}::text[],
                  ${column((p) => p.livestreamId)}::text[], ${column((p) => p.contentKind)}::text[], ${column((p) => p.previousTier)}::text[],
                  ${column((p) => p.appliedTier)}::text[], ${column((p) => JSON.stringify(p.unlinkedProductIds))}::text[],
                  ${column((p) => JSON.stringify(p.violationKeys))}::text[], ${column((p) => JSON.stringify(p.reasons))}::text[])
        AS u(id, creator_id, content_id, livestream_id, content_kind, previous_tier, applied_tier, unlinked, keys, reasons)`);
};

export const liftPenalties = async (db: Sql, penaltyIds: readonly string[], at: Date): Promise<void> => {
  if (penaltyIds.length === 0) return;
  await db.execute(sql`UPDATE penalties SET state = 'LIFTED', ended_at = ${at}::timestamptz WHERE id = ANY(${penaltyIds}::text[])`);
};

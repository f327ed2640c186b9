import type { ContentAssessmentRow, ContentItemRow, ContentProductLinkRow, Prisma } from '@govern/content-data-access';
import type { Tier } from '@govern/content-domain';
import { sql, sqlEmpty, type Sql, rowFromSql } from '@govern/platform-db';

/**
 * Plain SQL on content items and their product links: the statements where a row lock, a set-based
 * write or a one-round-trip claim matters, and an assessment's reads and writes (AssessVideo is a hot
 * path: through Prisma they were a quarter of the service's CPU, issue 13). The rest goes through
 * the Prisma client.
 */

/**
 * Serialises work on one content item: an advisory lock on its id (so two first publishes of one
 * id do not race) and the row lock (so a cascade does not change it under an assessment). Both go
 * out in one write; returns the item as locked, null when content has not seen it yet.
 */
export const lockContentItem = async (db: Sql, contentId: string): Promise<ContentItemRow | null> => {
  const [, rows] = await Promise.all([
    db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`content_item:${contentId}`}::text, 0))`),
    db.query(sql`SELECT * FROM content_items WHERE content_id = ${contentId} FOR UPDATE`),
  ]);
  const [row] = rows;
  return row ? rowFromSql<ContentItemRow>(row) : null;
};

/** An item's stored links (in the creator's order) and the violation keys of its penalties, in one write. */
export const linksAndPenaltyKeys = async (
  db: Sql,
  contentId: string,
): Promise<{ links: ContentProductLinkRow[]; penalties: { state: string; violationKeys: Prisma.JsonValue }[] }> => {
  const [links, penalties] = await Promise.all([
    db.query(sql`SELECT * FROM content_product_links WHERE content_id = ${contentId} ORDER BY position`),
    db.query<{ state: string; violation_keys: Prisma.JsonValue }>(sql`SELECT state, violation_keys FROM penalties WHERE content_id = ${contentId}`),
  ]);
  return { links: links.map((row) => rowFromSql<ContentProductLinkRow>(row)), penalties: penalties.map((p) => ({ state: p.state, violationKeys: p.violation_keys })) };
};

/** Ids of the item's penalties in force, oldest first. */
export const activePenaltyIds = async (db: Sql, contentId: string): Promise<string[]> =>
  (await db.query<{ id: string }>(sql`SELECT id FROM penalties WHERE content_id = ${contentId} AND state = 'ACTIVE' ORDER BY imposed_at, id`)).map((p) => p.id);

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

/** A cascade's tier changes (penalties, restores, lost boosts), from their previous tier, into that history. */
export const insertCascadeTierChanges = (db: Sql, at: Date, cause: string, changes: readonly { contentId: string; creatorId: string; previousTier: string; tier: string }[]): Promise<void> =>
  insertTierChanges(
    db,
    at,
    cause,
    changes.map((c) => ({ contentId: c.contentId, creatorId: c.creatorId, fromTier: c.previousTier, toTier: c.tier })),
  );

/** What an assessment stores on its item (the columns it sets, as the item is after it). */
export interface AssessedItem {
  contentId: string;
  kind: string;
  creatorId: string;
  livestreamId: string | null;
  title: string;
  captions: string;
  transcript: string;
  mediaFingerprint: string | null;
  tier: string;
  trafficWeight: number;
  latestAssessmentId: string;
  /** Left as stored when undefined (an update), NULL on a new item. */
  engagement: unknown;
  now: Date;
}

export interface AssessmentWrite {
  /** The item as this unit locked it (updated), or null (created). */
  existing: ContentItemRow | null;
  item: AssessedItem;
  /** The tier change to append for the governance report, when the tier changed. */
  tierChange?: { fromTier: string | null; toTier: string } | undefined;
  assessment: {
    id: string;
    trigger: string;
    violations: unknown;
    quality: unknown;
    reasons: unknown;
    policyName: string;
    policyVersion: string;
    complaintId: string | null;
    note: string | null;
  };
  /** The item's links after this assessment: they replace the stored ones. */
  links: readonly LinkWrite[];
}

const itemStatement = (existing: boolean, i: AssessedItem, engagement: string | null) =>
  existing
    ? sql`UPDATE content_items SET kind = ${i.kind}, creator_id = ${i.creatorId}, livestream_id = ${i.livestreamId}::text, title = ${i.title},
             captions = ${i.captions}, transcript = ${i.transcript}, media_fingerprint = ${i.mediaFingerprint}::text, tier = ${i.tier},
             traffic_weight = ${i.trafficWeight}::float8, latest_assessment_id = ${i.latestAssessmentId},
             ${engagement === null ? sqlEmpty : sql`engagement = ${engagement}::jsonb,`} updated_at = ${i.now}::timestamptz
        WHERE content_id = ${i.contentId}`
    : sql`INSERT INTO content_items (content_id, kind, creator_id, livestream_id, title, captions, transcript, media_fingerprint, tier,
                                     traffic_weight, latest_assessment_id, engagement, created_at, updated_at)
        VALUES (${i.contentId}, ${i.kind}, ${i.creatorId}, ${i.livestreamId}::text, ${i.title}, ${i.captions}, ${i.transcript},
                ${i.mediaFingerprint}::text, ${i.tier}, ${i.trafficWeight}::float8, ${i.latestAssessmentId}, ${engagement}::jsonb,
                ${i.now}::timestamptz, ${i.now}::timestamptz)`;

/** A JSON column's value as PostgreSQL gives it back: what the text sent parses to. */
const stored = (text: string): Prisma.JsonValue => JSON.parse(text) as Prisma.JsonValue;

/**
 * An assessment's writes: the item (with its tier change for the report), the assessment, and the
 * links replacing the stored ones. Sent, not awaited: they leave with the unit's effects and COMMIT,
 * and a failure fails the unit. Returns the rows as they are stored (the links in the creator's
 * order), built here from what was written and the item as locked rather than read back with
 * RETURNING, which cost AssessVideo a round trip and the parsing of every column (issue 13).
 */
export const writeAssessment = (
  db: Sql,
  w: AssessmentWrite,
): { item: ContentItemRow; assessment: ContentAssessmentRow; links: ContentProductLinkRow[] } => {
  const { item: i, assessment: a, links, existing } = w;
  const engagement = i.engagement === undefined ? null : JSON.stringify(i.engagement);
  const tierChange = w.tierChange
    ? sql`, tier_change AS (
        INSERT INTO content_tier_changes (content_id, creator_id, from_tier, to_tier, cause, changed_at)
        VALUES (${i.contentId}, ${i.creatorId}, ${w.tierChange.fromTier}::text, ${w.tierChange.toTier}, 'ASSESSMENT', ${i.now}::timestamptz))`
    : sqlEmpty;
  db.send(sql`WITH item AS (${itemStatement(existing !== null, i, engagement)})${tierChange} SELECT 1`);
  const violations = JSON.stringify(a.violations);
  const quality = JSON.stringify(a.quality);
  const reasons = JSON.stringify(a.reasons);
  db.send(sql`
    INSERT INTO content_assessments (id, content_id, trigger, violations, quality, tier, traffic_weight, reasons, policy_name, policy_version,
                                     complaint_id, note, assessed_at)
    VALUES (${a.id}, ${i.contentId}, ${a.trigger}, ${violations}::jsonb, ${quality}::jsonb, ${i.tier},
            ${i.trafficWeight}::float8, ${reasons}::jsonb, ${a.policyName}, ${a.policyVersion}, ${a.complaintId}::text,
            ${a.note}::text, ${i.now}::timestamptz)`);
  // The links not given are deleted and the given ones upserted: disjoint rows, so one statement.
  // A link carries its item's creation time, the order ListContentItems pages a product's items in.
  const itemCreatedAt = existing ? existing.createdAt : i.now;
  db.send(sql`
    WITH removed AS (
      DELETE FROM content_product_links WHERE content_id = ${i.contentId} AND NOT (product_id = ANY(${links.map((l) => l.productId)}::text[])))
    INSERT INTO content_product_links (content_id, product_id, merchant_id, position, state, unlinked_reason_code, updated_at, item_created_at)
    SELECT ${i.contentId}::text, u.product_id, u.merchant_id, u.position, u.state, u.code, ${i.now}::timestamptz, ${itemCreatedAt}::timestamptz
      FROM unnest(${links.map((l) => l.productId)}::text[], ${links.map((l) => l.merchantId)}::text[], ${links.map((l) => l.position)}::int[],
                  ${links.map((l) => l.state)}::text[], ${links.map((l) => l.code)}::text[]) AS u(product_id, merchant_id, position, state, code)
    ON CONFLICT (content_id, product_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, position = EXCLUDED.position,
      state = EXCLUDED.state, unlinked_reason_code = EXCLUDED.unlinked_reason_code, updated_at = EXCLUDED.updated_at`);
  const written = {
    contentId: i.contentId,
    kind: i.kind,
    creatorId: i.creatorId,
    livestreamId: i.livestreamId,
    title: i.title,
    captions: i.captions,
    transcript: i.transcript,
    mediaFingerprint: i.mediaFingerprint,
    tier: i.tier,
    trafficWeight: i.trafficWeight,
    latestAssessmentId: i.latestAssessmentId,
    updatedAt: i.now,
  };
  const item: ContentItemRow = existing
    ? // What the update left alone (attribution, creation time, engagement when none was given) stays as locked.
      { ...existing, ...written, engagement: engagement === null ? existing.engagement : stored(engagement) }
    : {
        ...written,
        engagement: engagement === null ? null : stored(engagement),
        // The columns a new item leaves to their defaults.
        attributionOrders: 0n,
        attributionRefunds: 0n,
        attributionComplaints: 0n,
        attributionReportedAt: null,
        createdAt: i.now,
      };
  return {
    item,
    assessment: {
      id: a.id,
      contentId: i.contentId,
      trigger: a.trigger,
      violations: stored(violations),
      quality: stored(quality),
      tier: i.tier,
      trafficWeight: i.trafficWeight,
      reasons: stored(reasons),
      policyName: a.policyName,
      policyVersion: a.policyVersion,
      complaintId: a.complaintId,
      note: a.note,
      assessedAt: i.now,
    },
    links: links.map((l) => ({
      contentId: i.contentId,
      productId: l.productId,
      merchantId: l.merchantId,
      position: l.position,
      state: l.state,
      unlinkedReasonCode: l.code,
      updatedAt: i.now,
      itemCreatedAt,
    })),
  };
};

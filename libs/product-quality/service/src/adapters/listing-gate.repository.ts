import type {
  BannedProductPrint,
  BrandAuthorisationRecord,
  BrandRecord,
  InspectionRecord,
  ListingAction,
  ListingGateDecision,
  ListingInput,
  MerchantRecord,
  MerchantStanding,
  QualityScoreResult,
  QualityTier,
} from '@govern/product-quality-domain';
import { isNotNullViolation, sql, type Sql } from '@govern/platform-db';
import { jsonStrings, reasonsJson } from '../mapping/json';

/**
 * The listing gate's reads and writes: the hot path of every publish and edit, so each side is
 * one statement, in the unit's plain SQL (through Prisma they were a fifth of the service's CPU,
 * issue 13): a listing's unit never makes Prisma join its transaction. Reads: the merchant's
 * standing, the product and listing, the protected brands
 * the listing may concern and the merchant's authorisations for them, the banned listings it
 * may re-upload (three indexed lookups), the quota count when there is a quota, and the
 * product's recent lab results. Writes: the evaluation, and on approval the product, the
 * listing and the score history, as data-modifying CTEs of one statement.
 */

export interface GateProduct {
  merchantId: string;
  status: 'ACTIVE' | 'BANNED';
  activeBanId: string | null;
  qualityScore: number;
  qualityTier: QualityTier;
  stats: { orders: number; qualityReturns: number; complaints: number; positiveReviews: number; negativeReviews: number } | undefined;
}

export interface GateContextRows {
  merchant: MerchantRecord | undefined;
  product: GateProduct | undefined;
  listing: { productId: string; merchantId: string } | undefined;
  brands: BrandRecord[];
  authorisations: BrandAuthorisationRecord[];
  bannedPrints: BannedProductPrint[];
  /** Listings on sale besides this one; only counted for a publish by a merchant with a quota. */
  activeListingCount: number | undefined;
  inspections: InspectionRecord[];
  /** Whether the merchant's gate lock is held exclusively (it had a quota when the lock was taken). */
  merchantLockExclusive: boolean;
}

export interface GateLookup {
  listing: ListingInput;
  action: ListingAction;
  /** compactText of the declared brand and of the title, as the gate matches brand names. */
  declaredBrandKey: string;
  titleKey: string;
  titleMatchMinChars: number;
  titleFingerprint: string;
  shingles: readonly string[];
  /** A Jaccard similarity s needs at least s x |shingles| shingles in common. */
  minSharedShingles: number;
  maxBannedCandidates: number;
  inspectionsSince: Date;
  now: Date;
}

interface ContextRow {
  merchant: { standing: MerchantStanding; approved_category_codes: unknown; listing_quota: number; store_score: number | null } | null;
  product: {
    merchant_id: string;
    status: 'ACTIVE' | 'BANNED';
    active_ban_id: string | null;
    quality_score: number;
    quality_tier: QualityTier;
    orders: number | null;
    quality_returns: number | null;
    complaints: number | null;
    positive_reviews: number | null;
    negative_reviews: number | null;
  } | null;
  listing: { product_id: string; merchant_id: string } | null;
  brands: { brand_id: string; name: string; aliases: unknown; owner_id: string; authorisation_required: boolean; category_codes: unknown; expires_at: string | null }[];
  authorisations: { authorisation_id: string; brand_id: string; category_codes: unknown; valid_from: string; valid_until: string | null; revoked_at: string | null }[];
  prints: { product_id: string; ban_id: string; merchant_id: string; title: string; title_fingerprint: string; image_hashes: unknown }[];
  active_listings: number | null;
  inspections: { verdict: 'PASS' | 'FAIL'; severity: 'CRITICAL' | 'MAJOR' | 'MINOR' | null; tested_at: string }[];
}

/**
 * Listings are gated under two transaction-scoped advisory locks, taken in this order by every
 * evaluation (so they cannot deadlock each other):
 *
 * - **the merchant's**: exclusive when the merchant has a listing quota, so its publishes count
 *   its active listings one at a time and cannot overrun the quota together; shared otherwise, so
 *   a merchant without a quota (almost all, and the large catalogues) uploads in parallel. A
 *   quota'd evaluation waits for the shared holders, so its count sees every approval that was
 *   under way when the quota came. If the quota came between the lock and the read (the read sees
 *   one, the lock was shared: `merchantLockExclusive` false), the use case refuses the evaluation
 *   with ABORTED, to be retried, then under the exclusive lock.
 * - **the product's**, exclusive: listings of one product (its SKUs published at once) are gated one
 *   after the other, so the second sees the product the first created instead of losing the race
 *   to create it.
 *
 * The locks and the read leave in one write; the read is a statement of its own behind them, so its
 * snapshot is taken once they are held.
 */
export const lockAndLoadGateContext = async (db: Sql, q: GateLookup): Promise<GateContextRows> => {
  const { merchantId, productId } = q.listing;
  const [[merchantLock], , context] = await Promise.all([
    db.query<{ exclusive: boolean }>(
      // `locked` is void cast to text: selecting it is what takes the lock.
      sql`WITH quota AS (SELECT EXISTS (SELECT 1 FROM merchants WHERE merchant_id = ${merchantId} AND listing_quota > 0) AS exclusive)
          SELECT exclusive,
                 CASE WHEN exclusive THEN pg_advisory_xact_lock(hashtext('product_quality.listing_gate'), hashtext(${merchantId}::text))::text
                      ELSE pg_advisory_xact_lock_shared(hashtext('product_quality.listing_gate'), hashtext(${merchantId}::text))::text END AS locked
            FROM quota`,
    ),
    db.execute(sql`SELECT pg_advisory_xact_lock(hashtext('product_quality.listing_gate.product'), hashtext(${productId}::text))`),
    loadGateContext(db, q),
  ]);
  return { ...context, merchantLockExclusive: merchantLock?.exclusive === true };
};

const loadGateContext = async (db: Sql, q: GateLookup): Promise<Omit<GateContextRows, 'merchantLockExclusive'>> => {
  const { listing } = q;
  const merchantId = listing.merchantId;
  const productId = listing.productId;
  const listingId = listing.listingId;
  const brandKey = q.declaredBrandKey;
  const [row] = await db.query<ContextRow>(
    sql`WITH matched_brands AS (
       SELECT b.brand_id, b.name, b.aliases, b.owner_id, b.authorisation_required, b.category_codes, b.expires_at
         FROM brands b
        WHERE b.authorisation_required AND (b.expires_at IS NULL OR b.expires_at > ${q.now})
          AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(b.match_keys) AS k(key)
                       WHERE (k.key = ${brandKey} AND ${brandKey} <> '') OR (char_length(k.key) >= ${q.titleMatchMinChars} AND strpos(${q.titleKey}, k.key) > 0))
     ), candidates AS (
       SELECT listing_id FROM banned_image_hashes WHERE image_hash = ANY(${listing.imageHashes}::text[])
       UNION
       SELECT listing_id FROM banned_listing_prints WHERE title_fingerprint = ${q.titleFingerprint === '' ? null : q.titleFingerprint}
       UNION
       SELECT listing_id FROM banned_title_shingles WHERE shingle = ANY(${q.shingles}::text[]) GROUP BY listing_id HAVING count(*) >= ${q.minSharedShingles}
     ), prints AS (
       SELECT b.product_id, b.ban_id, b.merchant_id, b.title, b.title_fingerprint, b.image_hashes
         FROM banned_listing_prints b JOIN candidates c ON c.listing_id = b.listing_id
        ORDER BY b.listing_id LIMIT ${q.maxBannedCandidates}
     )
     SELECT
       (SELECT json_build_object('standing', m.standing, 'approved_category_codes', m.approved_category_codes,
                                 'listing_quota', m.listing_quota, 'store_score', m.store_score)
          FROM merchants m WHERE m.merchant_id = ${merchantId}) AS merchant,
       (SELECT json_build_object('merchant_id', p.merchant_id, 'status', p.status, 'active_ban_id', p.active_ban_id,
                                 'quality_score', p.quality_score, 'quality_tier', p.quality_tier, 'orders', p.orders,
                                 'quality_returns', p.quality_returns, 'complaints', p.complaints,
                                 'positive_reviews', p.positive_reviews, 'negative_reviews', p.negative_reviews)
          FROM products p WHERE p.product_id = ${productId}) AS product,
       (SELECT json_build_object('product_id', l.product_id, 'merchant_id', l.merchant_id)
          FROM listings l WHERE l.listing_id = ${listingId}) AS listing,
       (SELECT COALESCE(json_agg(mb), '[]') FROM matched_brands mb) AS brands,
       (SELECT COALESCE(json_agg(a), '[]') FROM (
          SELECT ba.authorisation_id, ba.brand_id, ba.category_codes, ba.valid_from, ba.valid_until, ba.revoked_at
            FROM brand_authorisations ba
           WHERE ba.merchant_id = ${merchantId} AND ba.brand_id IN (SELECT brand_id FROM matched_brands)) a) AS authorisations,
       (SELECT COALESCE(json_agg(pr), '[]') FROM prints pr) AS prints,
       (SELECT count(*) FROM listings l JOIN products p ON p.product_id = l.product_id
         WHERE ${q.action} = 'PUBLISH' AND EXISTS (SELECT 1 FROM merchants m WHERE m.merchant_id = ${merchantId} AND m.listing_quota > 0)
           AND l.merchant_id = ${merchantId} AND p.status = 'ACTIVE' AND l.listing_id <> ${listingId}) AS active_listings,
       (SELECT COALESCE(json_agg(i), '[]') FROM (
          SELECT verdict, severity, tested_at FROM lab_results
           WHERE product_id = ${productId} AND tested_at >= ${q.inspectionsSince} AND tested_at <= ${q.now}) i) AS inspections`,
  );
  if (!row) throw new Error('the gate context query returned no row');
  const m = row.merchant;
  const p = row.product;
  const date = (iso: string | null): Date | undefined => (iso === null ? undefined : new Date(iso));
  return {
    merchant: m
      ? {
          merchantId: listing.merchantId,
          standing: m.standing,
          approvedCategoryCodes: jsonStrings(m.approved_category_codes),
          listingQuota: m.listing_quota,
          storeScore: m.store_score ?? undefined,
        }
      : undefined,
    product: p
      ? {
          merchantId: p.merchant_id,
          status: p.status,
          activeBanId: p.active_ban_id,
          qualityScore: p.quality_score,
          qualityTier: p.quality_tier,
          stats:
            p.orders === null
              ? undefined
              : {
                  orders: p.orders,
                  qualityReturns: p.quality_returns ?? 0,
                  complaints: p.complaints ?? 0,
                  positiveReviews: p.positive_reviews ?? 0,
                  negativeReviews: p.negative_reviews ?? 0,
                },
        }
      : undefined,
    listing: row.listing ? { productId: row.listing.product_id, merchantId: row.listing.merchant_id } : undefined,
    brands: row.brands.map((b) => ({
      brandId: b.brand_id,
      name: b.name,
      aliases: jsonStrings(b.aliases),
      ownerId: b.owner_id,
      authorisationRequired: b.authorisation_required,
      categoryCodes: jsonStrings(b.category_codes),
      expiresAt: date(b.expires_at),
    })),
    authorisations: row.authorisations.map((a) => ({
      authorisationId: a.authorisation_id,
      brandId: a.brand_id,
      merchantId: listing.merchantId,
      categoryCodes: jsonStrings(a.category_codes),
      validFrom: new Date(a.valid_from),
      validUntil: date(a.valid_until),
      revokedAt: date(a.revoked_at),
    })),
    bannedPrints: row.prints.map((r) => ({
      productId: r.product_id,
      banId: r.ban_id,
      merchantId: r.merchant_id,
      imageHashes: jsonStrings(r.image_hashes),
      title: r.title,
      titleFingerprint: r.title_fingerprint,
    })),
    activeListingCount: row.active_listings === null ? undefined : Number(row.active_listings),
    inspections: row.inspections.map((i) => ({ verdict: i.verdict, severity: i.severity ?? undefined, testedAt: new Date(i.tested_at) })),
  };
};

export interface GateRecord {
  evaluationId: string;
  requestId: string;
  listing: ListingInput;
  action: ListingAction;
  decision: ListingGateDecision;
  now: Date;
  /** On approval: the product's new score, its history row, and whether the product is new. */
  approval?: { score: QualityScoreResult; scoreId: string; isNew: boolean; shingles: readonly string[] } | undefined;
}

/**
 * Records the decision; on approval also writes the product (created, or updated only while
 * still ACTIVE, so an approval racing a ban waits for it and then writes nothing), the listing
 * (only for its own product) and the score history. Nothing is read back: the statement leaves
 * with the unit's effects and COMMIT. An approval that lost a race (the product was not written,
 * or the listing belongs to another product) fails the statement, and with it the unit, with
 * what `lostRace` returns.
 */
export const recordGateDecision = (db: Sql, r: GateRecord, lostRace: () => Error): void => {
  const { listing, decision, approval } = r;
  const claimHits = decision.claimHits.map((h) => ({ field: h.field, term: h.term, category: h.category, severity: h.severity, start: h.start, end: h.end }));
  const insertEvaluation = sql`
    INSERT INTO listing_evaluations (evaluation_id, request_id, listing_id, product_id, merchant_id, sku_id, category_code, action, decision,
                                     three_no, zero_tolerance, reasons, reason_codes, claim_hits, title_fingerprint, policy_name, policy_version, decided_at)
    VALUES (${r.evaluationId}, ${r.requestId}, ${listing.listingId}, ${listing.productId}, ${listing.merchantId}, ${listing.skuId}, ${listing.categoryCode},
            ${r.action}, ${decision.decision}, ${decision.threeNo}, ${decision.zeroTolerance}, ${JSON.stringify(reasonsJson(decision.reasons))}::jsonb,
            ${JSON.stringify([...new Set(decision.reasons.map((x) => x.code))])}::jsonb, ${JSON.stringify(claimHits)}::jsonb,
            ${decision.titleFingerprint}, ${decision.policy.name}, ${decision.policy.version}, ${r.now})`;
  if (!approval) {
    db.send(insertEvaluation);
    return;
  }
  const { score } = approval;
  const imageHashes = JSON.stringify(listing.imageHashes);
  const now = r.now;
  // The score history's product_id is the product this statement wrote, paired with the listing it
  // wrote: when either was not written, it is NULL, the NOT NULL column refuses the row and the
  // whole statement fails (and the unit rolls back). That failure is the lost race.
  db.sendRefusing(
    sql`WITH evaluation AS (
       ${insertEvaluation}
     ), created AS (
       INSERT INTO products (product_id, merchant_id, sku_id, category_code, title, description, brand, manufacturer, production_date,
                             batch_number, certificate_code, image_hashes, quality_score, quality_tier, status, created_at, updated_at)
       SELECT ${listing.productId}, ${listing.merchantId}, ${listing.skuId}, ${listing.categoryCode}, ${listing.title}, ${listing.description}, ${listing.brand},
              ${listing.manufacturer}, ${listing.productionDate ?? null}::timestamptz, ${listing.batchNumber}, ${listing.certificateCode}, ${imageHashes}::jsonb,
              ${score.score}::int, ${score.tier}, 'ACTIVE', ${now}::timestamptz, ${now}::timestamptz
        WHERE ${approval.isNew}::boolean
       ON CONFLICT (product_id) DO NOTHING
       RETURNING product_id
     ), updated AS (
       UPDATE products SET category_code = ${listing.categoryCode}, title = ${listing.title}, description = ${listing.description}, brand = ${listing.brand},
                           manufacturer = ${listing.manufacturer}, production_date = ${listing.productionDate ?? null}::timestamptz, batch_number = ${listing.batchNumber},
                           certificate_code = ${listing.certificateCode}, image_hashes = ${imageHashes}::jsonb, quality_score = ${score.score},
                           quality_tier = ${score.tier}, updated_at = ${now}
        WHERE NOT ${approval.isNew}::boolean AND product_id = ${listing.productId} AND merchant_id = ${listing.merchantId} AND status = 'ACTIVE'
       RETURNING product_id
     ), listing AS (
       INSERT INTO listings (listing_id, product_id, merchant_id, sku_id, category_code, title, title_fingerprint, title_shingles, image_hashes,
                             price_fen, last_evaluation_id, created_at, updated_at)
       VALUES (${listing.listingId}, ${listing.productId}, ${listing.merchantId}, ${listing.skuId}, ${listing.categoryCode}, ${listing.title},
               ${decision.titleFingerprint}, ${JSON.stringify(approval.shingles)}::jsonb, ${imageHashes}::jsonb, ${listing.priceFen}, ${r.evaluationId}, ${now}, ${now})
       ON CONFLICT (listing_id) DO UPDATE SET sku_id = EXCLUDED.sku_id, category_code = EXCLUDED.category_code, title = EXCLUDED.title,
         title_fingerprint = EXCLUDED.title_fingerprint, title_shingles = EXCLUDED.title_shingles, image_hashes = EXCLUDED.image_hashes,
         price_fen = EXCLUDED.price_fen, last_evaluation_id = EXCLUDED.last_evaluation_id, updated_at = EXCLUDED.updated_at
       WHERE listings.product_id = EXCLUDED.product_id
       RETURNING 1
     )
     INSERT INTO quality_scores (score_id, product_id, merchant_id, score, tier, components, reasons, policy_name, policy_version, trigger, computed_at)
     VALUES (${approval.scoreId}, (SELECT p.product_id FROM (SELECT product_id FROM created UNION ALL SELECT product_id FROM updated) p, listing),
             ${listing.merchantId}, ${score.score}, ${score.tier}, ${JSON.stringify(score.components)}::jsonb,
             ${JSON.stringify(reasonsJson(score.reasons))}::jsonb, ${score.policy.name}, ${score.policy.version}, 'LISTING_APPROVED', ${now})`,
    (error) => (isNotNullViolation(error, 'quality_scores', 'product_id') ? lostRace() : undefined),
  );
};

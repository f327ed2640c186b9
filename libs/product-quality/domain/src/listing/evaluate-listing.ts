import { type PolicyRef, type Reason, Violations, reason } from '@govern/policy-core';
import { anyCategoryCovers, categoryCovers, lookupByCategory } from '../shared/category';
import { compactText } from '../shared/text';
import { mayMerchantSellBrand } from './brand-authorisation';
import type { ClaimHit, ClaimScanner, ListingClaimHit } from './claim-scanner.port';
import type {
  BannedProductPrint,
  BrandAuthorisationRecord,
  BrandRecord,
  ListingAction,
  ListingInput,
  MerchantSnapshot,
} from './listing';
import { LISTING_GATE_POLICY, type ListingGatePolicy } from './listing-gate.policy';
import { titleFingerprint, titleShingles, titleSimilarity } from './title-fingerprint';

/** Everything the gate needs besides the listing; the use case loads it through its ports. */
export interface ListingGateContext {
  action: ListingAction;
  /** The merchant as known from merchant-access events; undefined when never seen. */
  merchant: MerchantSnapshot | undefined;
  /** Registered brands that may concern the listing (by name/alias, or protected in its category). */
  brands: readonly BrandRecord[];
  /** The merchant's brand authorisations. */
  authorisations: readonly BrandAuthorisationRecord[];
  /** Banned products that may be the same item (same image hash, fingerprint or similar title). */
  bannedPrints: readonly BannedProductPrint[];
  /** The active ban of this very product id, if any. */
  productBan?: { banId: string } | undefined;
  claimScanner: ClaimScanner;
  now: Date;
}

export type GateCheck = 'THREE_NO' | 'CLAIMS' | 'QUALIFICATIONS' | 'BRAND' | 'MERCHANT' | 'RE_UPLOAD';

export interface ListingGateDecision {
  decision: 'APPROVED' | 'REJECTED';
  /** On rejection every rule broken; on approval one LISTING.CHECK_PASSED per check. */
  reasons: Reason[];
  policy: PolicyRef;
  /** Whether a three-no field is missing. */
  threeNo: boolean;
  /** Whether any reason is zero-tolerance. */
  zeroTolerance: boolean;
  claimHits: ListingClaimHit[];
  /** Fingerprint of the title, stored with the product so later re-uploads can be found. */
  titleFingerprint: string;
  /** Checks that failed, in the order the gate ran them. */
  failedChecks: GateCheck[];
}

const GATE_CHECKS: readonly GateCheck[] = ['MERCHANT', 'THREE_NO', 'CLAIMS', 'QUALIFICATIONS', 'BRAND', 'RE_UPLOAD'];

/**
 * The listing gate. Runs every rule (never stops at the first) so the merchant can fix
 * everything at once and the audit trail shows the whole picture.
 */
export const evaluateListing = (
  listing: ListingInput,
  ctx: ListingGateContext,
  policy: ListingGatePolicy = LISTING_GATE_POLICY,
): ListingGateDecision => {
  const claimHits = scanClaims(listing, ctx, policy);
  const rejectingHits = claimHits.filter((hit) => hit.waivedBy === undefined);
  const byCheck: Record<GateCheck, Reason[]> = {
    MERCHANT: merchantReasons(listing, ctx, policy),
    THREE_NO: threeNoReasons(listing, ctx.now, policy),
    CLAIMS: rejectingHits.map((hit) => claimReason(hit, ctx.claimScanner)),
    QUALIFICATIONS: qualificationReasons(listing, ctx.merchant, policy),
    BRAND: brandReasons(listing, ctx, policy),
    RE_UPLOAD: reUploadReasons(listing, ctx, policy),
  };
  const failedChecks = GATE_CHECKS.filter((check) => byCheck[check].length > 0);
  const violations = failedChecks.flatMap((check) => byCheck[check]);
  const zeroToleranceSeverities = new Set(policy.claims.zeroToleranceSeverities.map((s) => s.toUpperCase()));
  const zeroTolerance =
    violations.some((r) => policy.zeroToleranceCodes.includes(r.code)) ||
    rejectingHits.some((hit) => zeroToleranceSeverities.has(hit.severity.toUpperCase()));
  const rejected = violations.length > 0;
  return {
    decision: rejected ? 'REJECTED' : 'APPROVED',
    reasons: rejected
      ? violations
      : [
          ...GATE_CHECKS.map((check) => reason('LISTING.CHECK_PASSED', `Check ${check} passed`, { check })),
          ...claimHits.filter((hit) => hit.waivedBy !== undefined).map((hit) => waivedClaimReason(hit, ctx.claimScanner)),
        ],
    policy: { name: policy.name, version: policy.version },
    threeNo: byCheck.THREE_NO.length > 0,
    zeroTolerance,
    claimHits,
    titleFingerprint: titleFingerprint(listing.title),
    failedChecks,
  };
};

/** Bad input (not a policy violation): missing ids, oversized fields. Throws ValidationError. */
export const validateListingInput = (listing: ListingInput, policy: ListingGatePolicy = LISTING_GATE_POLICY, prefix = 'listing'): void => {
  const v = new Violations();
  const { limits } = policy;
  const ids: [string, string][] = [
    ['listing_id', listing.listingId],
    ['product_id', listing.productId],
    ['sku_id', listing.skuId],
    ['merchant_id', listing.merchantId],
    ['category_code', listing.categoryCode],
  ];
  for (const [field, value] of ids) {
    if (v.require(`${prefix}.${field}`, value)) v.maxLength(`${prefix}.${field}`, value, limits.idMaxChars);
  }
  v.require(`${prefix}.title`, listing.title);
  v.maxLength(`${prefix}.title`, listing.title, limits.titleMaxChars);
  v.maxLength(`${prefix}.description`, listing.description, limits.descriptionMaxChars);
  const shortFields: [string, string][] = [
    ['brand', listing.brand],
    ['manufacturer', listing.manufacturer],
    ['batch_number', listing.batchNumber],
    ['certificate_code', listing.certificateCode],
  ];
  for (const [field, value] of shortFields) v.maxLength(`${prefix}.${field}`, value, limits.shortFieldMaxChars);
  if (v.maxItems(`${prefix}.image_hashes`, listing.imageHashes, limits.maxImages)) {
    listing.imageHashes.forEach((hash, i) => {
      if (v.require(`${prefix}.image_hashes[${i}]`, hash)) v.maxLength(`${prefix}.image_hashes[${i}]`, hash, limits.shortFieldMaxChars);
    });
  }
  if (v.maxItems(`${prefix}.declared_qualifications`, listing.declaredQualifications, limits.maxDeclaredQualifications)) {
    listing.declaredQualifications.forEach((kind, i) => v.maxLength(`${prefix}.declared_qualifications[${i}]`, kind, limits.shortFieldMaxChars));
  }
  v.check(listing.priceFen > 0n, `${prefix}.price_fen`, 'must be positive', 'OUT_OF_RANGE');
  v.check(listing.priceFen <= limits.maxPriceFen, `${prefix}.price_fen`, `must be at most ${limits.maxPriceFen} fen`, 'OUT_OF_RANGE');
  v.throwIfAny();
};

// --- rules -------------------------------------------------------------------------------

const merchantReasons = (listing: ListingInput, ctx: ListingGateContext, policy: ListingGatePolicy): Reason[] => {
  const { merchant, action } = ctx;
  // The service never records this decision: it refuses such a listing before the rules run
  // (LISTING.MERCHANT_NOT_YET_KNOWN, retryable, nothing recorded; the onboarding event is on its way).
  // The rule stays for other callers of the pure rules (replays, backtests) that have no such guard.
  if (merchant === undefined) {
    return [reason('LISTING.MERCHANT_UNKNOWN', 'The merchant is not known to the platform', { merchant_id: listing.merchantId })];
  }
  const reasons: Reason[] = [];
  if (!policy.merchant.allowedStandings[action].includes(merchant.standing)) {
    reasons.push(
      reason('LISTING.MERCHANT_NOT_ACTIVE', `A merchant in standing ${merchant.standing} may not ${action.toLowerCase()} listings`, {
        merchant_id: merchant.merchantId,
        standing: merchant.standing,
        action,
      }),
    );
  }
  if (action === 'PUBLISH' && merchant.listingQuota !== undefined && (merchant.activeListingCount ?? 0) >= merchant.listingQuota) {
    reasons.push(
      reason('LISTING.QUOTA_EXCEEDED', 'The merchant has reached its listing quota', {
        quota: String(merchant.listingQuota),
        active_listings: String(merchant.activeListingCount ?? 0),
      }),
    );
  }
  return reasons;
};

const threeNoReasons = (listing: ListingInput, now: Date, policy: ListingGatePolicy): Reason[] => {
  const placeholders = new Set(policy.threeNo.placeholders.map(compactText));
  const problem = (value: string, minChars = 1): 'missing' | 'placeholder' | undefined => {
    const compact = compactText(value);
    if ([...compact].length < minChars) return compact.length === 0 ? 'missing' : 'placeholder';
    return placeholders.has(compact) ? 'placeholder' : undefined;
  };
  const threeNo = (field: string, what: string, evidence: Record<string, string>): Reason =>
    reason('LISTING.THREE_NO', `"Three-no" goods: ${what}`, { field, ...evidence });

  const reasons: Reason[] = [];
  const manufacturer = problem(listing.manufacturer);
  if (manufacturer) reasons.push(threeNo('manufacturer', 'no manufacturer', { problem: manufacturer, value: listing.manufacturer }));

  const batch = problem(listing.batchNumber);
  const date = listing.productionDate;
  const dateInFuture = date !== undefined && date.getTime() > now.getTime() + policy.threeNo.productionDateFutureToleranceMs;
  if (batch && (date === undefined || dateInFuture)) {
    reasons.push(
      threeNo('production_date', 'no production date or batch number', {
        problem: dateInFuture ? 'in_future' : 'missing',
        ...(date ? { production_date: date.toISOString() } : {}),
        batch_number: listing.batchNumber,
      }),
    );
  }

  const certificate = problem(listing.certificateCode, policy.threeNo.certificateMinChars);
  if (certificate) {
    reasons.push(threeNo('certificate_code', 'no certificate or standard code', { problem: certificate, value: listing.certificateCode }));
  }
  return reasons;
};

const scanClaims = (listing: ListingInput, ctx: ListingGateContext, policy: ListingGatePolicy): ListingClaimHit[] => {
  const held = new Set(ctx.merchant?.qualifications ?? []);
  const waiverFor = (hit: ClaimHit): string | undefined => {
    const waivedBy = hit.termId === undefined ? undefined : ctx.claimScanner.term?.(hit.termId)?.waivedBy;
    return waivedBy?.find((registration) => {
      const waiver = policy.claims.waivers[registration];
      return waiver !== undefined && held.has(waiver.qualification) && waiver.categories.some((c) => categoryCovers(c, listing.categoryCode));
    });
  };
  const locate = (field: 'title' | 'description', text: string): ListingClaimHit[] =>
    outermostHits(ctx.claimScanner.scan(text)).map((hit) => {
      const waivedBy = waiverFor(hit);
      return waivedBy === undefined ? { ...hit, field } : { ...hit, field, waivedBy };
    });
  return [...locate('title', listing.title), ...locate('description', listing.description)];
};

/** Drops hits that lie inside a longer hit ("最" inside "最好"): one reason per claim written. */
const outermostHits = (hits: readonly ClaimHit[]): ClaimHit[] =>
  hits.filter(
    (hit, i) =>
      !hits.some(
        (other, j) =>
          j !== i &&
          other.start <= hit.start &&
          hit.end <= other.end &&
          (other.end - other.start > hit.end - hit.start || j < i),
      ),
  );

const claimEvidence = (hit: ListingClaimHit, scanner: ClaimScanner): Record<string, string> => ({
  field: hit.field,
  term: hit.term,
  ...(hit.termId !== undefined ? { term_id: hit.termId } : {}),
  category: hit.category,
  severity: hit.severity,
  start: String(hit.start),
  end: String(hit.end),
  ...(scanner.policy ? { lexicon: `${scanner.policy.name}@${scanner.policy.version}` } : {}),
});

const claimReason = (hit: ListingClaimHit, scanner: ClaimScanner): Reason =>
  reason('LISTING.PROHIBITED_CLAIM', `Prohibited ${hit.category.toLowerCase()} claim "${hit.term}" in the ${hit.field}`, claimEvidence(hit, scanner));

const waivedClaimReason = (hit: ListingClaimHit, scanner: ClaimScanner): Reason =>
  reason('LISTING.CLAIM_WAIVED', `Claim "${hit.term}" is lawful under the merchant's ${hit.waivedBy} registration`, {
    ...claimEvidence(hit, scanner),
    waived_by: hit.waivedBy ?? '',
  });

const qualificationReasons = (listing: ListingInput, merchant: MerchantSnapshot | undefined, policy: ListingGatePolicy): Reason[] => {
  const required = lookupByCategory(policy.requiredQualifications, listing.categoryCode) ?? [];
  const held = new Set(merchant?.qualifications ?? []);
  return required
    .filter((kind) => !held.has(kind))
    .map((kind) =>
      reason('LISTING.QUALIFICATION_MISSING', `Category ${listing.categoryCode} requires ${kind}, which the merchant does not hold`, {
        category_code: listing.categoryCode,
        qualification: kind,
        // A declared but unverified qualification does not count; say so for the reviewer.
        declared_on_listing: String(listing.declaredQualifications.includes(kind)),
      }),
    );
};

const brandReasons = (listing: ListingInput, ctx: ListingGateContext, policy: ListingGatePolicy): Reason[] => {
  const declared = compactText(listing.brand);
  const title = compactText(listing.title);
  const reasons: Reason[] = [];
  for (const brand of ctx.brands) {
    if (!brand.authorisationRequired || !anyCategoryCovers(brand.categoryCodes, listing.categoryCode)) continue;
    if (brand.expiresAt !== undefined && brand.expiresAt.getTime() <= ctx.now.getTime()) continue;
    const names = [brand.name, ...brand.aliases].map(compactText).filter((n) => n.length > 0);
    const matchedIn = names.includes(declared)
      ? 'brand'
      : names.some((n) => [...n].length >= policy.brand.titleMatchMinChars && title.includes(n))
        ? 'title'
        : undefined;
    if (matchedIn === undefined || isAuthorised(brand, listing, ctx)) continue;
    reasons.push(
      reason('LISTING.BRAND_UNAUTHORISED', `Brand "${brand.name}" is protected and the merchant has no authorisation for it`, {
        brand_id: brand.brandId,
        brand: brand.name,
        matched_in: matchedIn,
      }),
    );
  }
  return reasons;
};

const isAuthorised = (brand: BrandRecord, listing: ListingInput, ctx: ListingGateContext): boolean =>
  mayMerchantSellBrand(brand, listing.merchantId, listing.categoryCode, ctx.authorisations, ctx.now);

const reUploadReasons = (listing: ListingInput, ctx: ListingGateContext, policy: ListingGatePolicy): Reason[] => {
  const reasons: Reason[] = [];
  if (ctx.productBan) {
    reasons.push(
      reason('LISTING.PRODUCT_BANNED', 'The product is banned', { product_id: listing.productId, ban_id: ctx.productBan.banId }),
    );
  }
  const fingerprint = titleFingerprint(listing.title);
  const shingles = titleShingles(listing.title);
  for (const banned of ctx.bannedPrints) {
    if (banned.productId === listing.productId && ctx.productBan) continue; // already reported above
    const evidence = { banned_product_id: banned.productId, ban_id: banned.banId };
    const image = listing.imageHashes.find((h) =>
      banned.imageHashes.some((b) => imageHashDistance(h, b) <= policy.reUpload.maxImageHashDistance),
    );
    if (image !== undefined) {
      reasons.push(reason('LISTING.BANNED_RE_UPLOAD', 'An image of a banned product is re-uploaded', { ...evidence, match: 'image_hash', image_hash: image }));
      continue;
    }
    const bannedFingerprint = banned.titleFingerprint ?? titleFingerprint(banned.title);
    if (fingerprint !== '' && fingerprint === bannedFingerprint) {
      reasons.push(reason('LISTING.BANNED_RE_UPLOAD', 'The title of a banned product is re-uploaded', { ...evidence, match: 'title_fingerprint', title_fingerprint: fingerprint }));
      continue;
    }
    const similarity = titleSimilarity(shingles, titleShingles(banned.title));
    if (similarity >= policy.reUpload.titleSimilarity) {
      reasons.push(
        reason('LISTING.BANNED_RE_UPLOAD', 'The title is nearly that of a banned product', {
          ...evidence,
          match: 'title_similarity',
          similarity: similarity.toFixed(3),
        }),
      );
    }
  }
  return reasons;
};

/**
 * Differing bits of two hex image hashes of the same length; hashes of different lengths
 * (different algorithms) only match when equal.
 */
export const imageHashDistance = (a: string, b: string): number => {
  const x = a.trim().toLowerCase();
  const y = b.trim().toLowerCase();
  if (x === y) return 0;
  if (x.length !== y.length || !/^[0-9a-f]+$/.test(x) || !/^[0-9a-f]+$/.test(y)) return Number.POSITIVE_INFINITY;
  let bits = 0;
  for (let i = 0; i < x.length; i++) {
    let d = parseInt(x[i] as string, 16) ^ parseInt(y[i] as string, 16);
    while (d) {
      bits += d & 1;
      d >>= 1;
    }
  }
  return bits;
};

import { reason } from '@govern/policy-core';
import { claimSeverity, collapseNested, type ClaimHit, type ClaimScanner } from './claim-scanner.port';
import type { Severity, Violation } from './content-types';
import { CONTENT_POLICY, type ContentPolicy } from './content.policy';
import type { CreatorStanding } from './creator-credit';

/** The text fields of a content item that are scanned for claims. */
export interface ContentText {
  title: string;
  captions: string;
  transcript: string;
}

export type TextField = keyof ContentText;

export interface LinkedProductRef {
  productId: string;
  merchantId: string;
}

/** Everything the violation rules look at. Sets come from the service's event-fed projections. */
export interface ViolationInput {
  creatorId: string;
  text: ContentText;
  linkedProducts: readonly LinkedProductRef[];
  mediaFingerprint?: string;
  /** The creator who first published this fingerprint, if anyone did (service lookup). */
  fingerprintOwnerId?: string;
  creator: Pick<CreatorStanding, 'linkingAllowed' | 'linkingSuspendedUntil' | 'privilegesRevoked' | 'credit'>;
  bannedProductIds: ReadonlySet<string>;
  removedMerchantIds: ReadonlySet<string>;
}

/** A claim hit located in a field, with our severity. */
export interface LocatedClaim {
  field: TextField;
  hit: ClaimHit;
  severity: Severity;
  /** How many times the term occurs in the field. */
  occurrences: number;
}

export interface ViolationFindings {
  violations: Violation[];
  /** Distinct claims (one per field and term), for the quality axes. */
  claims: LocatedClaim[];
  /** Product links that must not go live, in request order, without duplicates. */
  refusedProductIds: string[];
}

const EXCERPT_CONTEXT = 12;

const FIELDS: readonly TextField[] = ['title', 'captions', 'transcript'];

/** Scans each text field once; one claim per distinct term per field (nested hits collapsed), counting repeats. */
export const findClaims = (text: ContentText, scanner: ClaimScanner, policy: ContentPolicy = CONTENT_POLICY): LocatedClaim[] => {
  const claims: LocatedClaim[] = [];
  for (const field of FIELDS) {
    const value = text[field];
    if (value.length === 0) continue;
    const byTerm = new Map<string, LocatedClaim>();
    for (const hit of collapseNested(scanner.scan(value), policy)) {
      const key = `${hit.category}\u0000${hit.term}`;
      const seen = byTerm.get(key);
      if (seen) {
        seen.occurrences++;
        continue;
      }
      const located: LocatedClaim = { field, hit, severity: claimSeverity(hit.severity, policy), occurrences: 1 };
      byTerm.set(key, located);
      claims.push(located);
    }
  }
  return claims;
};

const excerpt = (text: string, start: number, end: number): string =>
  text.slice(Math.max(0, start - EXCERPT_CONTEXT), Math.min(text.length, end + EXCERPT_CONTEXT));

/**
 * Every violation of a product-linked content item, each on its own with code, evidence
 * and severity: prohibited claims, links to banned products or removed merchants, a creator
 * whose linking is suspended or whose privileges are revoked, and re-posted media.
 */
export const findViolations = (input: ViolationInput, scanner: ClaimScanner, policy: ContentPolicy = CONTENT_POLICY): ViolationFindings => {
  const severities = policy.violations.severity;
  const violations: Violation[] = [];
  const refused = new Set<string>();

  const claims = findClaims(input.text, scanner, policy);
  for (const claim of claims) {
    const { hit, field } = claim;
    violations.push({
      kind: 'PROHIBITED_CLAIM',
      severity: claim.severity,
      reason: reason('CONTENT.PROHIBITED_CLAIM', `Prohibited claim "${hit.term}" (${hit.category}) in the ${field}`, {
        field,
        term: hit.term,
        category: hit.category,
        severity: claim.severity,
        start: String(hit.start),
        end: String(hit.end),
        occurrences: String(claim.occurrences),
        excerpt: excerpt(input.text[field], hit.start, hit.end),
      }),
    });
  }

  for (const link of input.linkedProducts) {
    if (input.bannedProductIds.has(link.productId)) {
      refused.add(link.productId);
      violations.push({
        kind: 'BANNED_PRODUCT_LINK',
        severity: severities.BANNED_PRODUCT_LINK,
        reason: reason('CONTENT.LINK.BANNED_PRODUCT', `Links product ${link.productId}, which is banned`, {
          product_id: link.productId,
          merchant_id: link.merchantId,
        }),
      });
    }
    if (input.removedMerchantIds.has(link.merchantId)) {
      refused.add(link.productId);
      violations.push({
        kind: 'REMOVED_MERCHANT_LINK',
        severity: severities.REMOVED_MERCHANT_LINK,
        reason: reason('CONTENT.LINK.REMOVED_MERCHANT', `Links product ${link.productId} of merchant ${link.merchantId}, which was removed`, {
          product_id: link.productId,
          merchant_id: link.merchantId,
        }),
      });
    }
  }

  if (input.linkedProducts.length > 0) {
    const credit = String(input.creator.credit);
    if (input.creator.privilegesRevoked) {
      violations.push({
        kind: 'CREATOR_PRIVILEGES_REVOKED',
        severity: severities.CREATOR_PRIVILEGES_REVOKED,
        reason: reason('CONTENT.CREATOR.PRIVILEGES_REVOKED', `Creator ${input.creatorId} has lost e-commerce privileges and may not link products`, {
          creator_id: input.creatorId,
          credit,
        }),
      });
    } else if (!input.creator.linkingAllowed) {
      violations.push({
        kind: 'CREATOR_LINKING_SUSPENDED',
        severity: severities.CREATOR_LINKING_SUSPENDED,
        reason: reason('CONTENT.CREATOR.LINKING_SUSPENDED', `Creator ${input.creatorId} may not link products until the suspension ends`, {
          creator_id: input.creatorId,
          credit,
          until: input.creator.linkingSuspendedUntil?.toISOString() ?? '',
        }),
      });
    }
    if (input.creator.privilegesRevoked || !input.creator.linkingAllowed) for (const link of input.linkedProducts) refused.add(link.productId);
  }

  if (input.mediaFingerprint && input.fingerprintOwnerId !== undefined && input.fingerprintOwnerId !== input.creatorId) {
    violations.push({
      kind: 'REPOSTED_CONTENT',
      severity: severities.REPOSTED_CONTENT,
      reason: reason('CONTENT.REPOSTED', 'The media was first published by another creator', {
        media_fingerprint: input.mediaFingerprint,
        original_creator_id: input.fingerprintOwnerId,
      }),
    });
  }

  const refusedProductIds = input.linkedProducts.map((l) => l.productId).filter((id, i, all) => refused.has(id) && all.indexOf(id) === i);
  return { violations, claims, refusedProductIds };
};

/**
 * What makes two findings the same violation of one item, across its assessments: the same
 * claim in the same field, the same refused product, the same re-posted media. A re-assessment
 * punishes only violations whose key no earlier penalty of the item covered, and never one an
 * appeal overturned.
 */
export const violationKey = (violation: Violation): string => {
  const e = violation.reason.evidence;
  switch (violation.kind) {
    case 'PROHIBITED_CLAIM':
      return `claim:${e['field'] ?? ''}:${e['category'] ?? ''}:${e['term'] ?? ''}`;
    case 'BANNED_PRODUCT_LINK':
      return `banned_product:${e['product_id'] ?? ''}`;
    case 'REMOVED_MERCHANT_LINK':
      return `removed_merchant:${e['merchant_id'] ?? ''}:${e['product_id'] ?? ''}`;
    case 'CREATOR_LINKING_SUSPENDED':
      return 'creator_linking_suspended';
    case 'CREATOR_PRIVILEGES_REVOKED':
      return 'creator_privileges_revoked';
    case 'REPOSTED_CONTENT':
      return `reposted:${e['media_fingerprint'] ?? ''}`;
    case 'VIEWER_REPORTS':
      return `viewer_reports:${violation.reason.code}`;
    case 'MANUAL':
      return `manual:${violation.reason.code}`;
  }
};

/** The key of a claim heard or read in a field, as `violationKey` gives it for the claim's violation. */
export const claimViolationKey = (field: TextField, category: string, term: string): string => `claim:${field}:${category}:${term}`;

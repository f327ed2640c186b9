import type { Reason } from '@govern/policy-core';

/** Severity of a violation, mirrored by `ViolationSeverity` in the v1 contract. */
export type Severity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export const SEVERITIES: readonly Severity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

export const severityRank = (severity: Severity): number => SEVERITY_RANK[severity];

/** The more serious of two severities (undefined counts as none). */
export const maxSeverity = (a: Severity | undefined, b: Severity): Severity =>
  a === undefined || SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;

/** Distribution tier, mirrored by `ContentTier`. */
export type Tier = 'PREMIUM' | 'STANDARD' | 'LIMITED' | 'BLOCKED';

const TIER_RANK: Readonly<Record<Tier, number>> = { BLOCKED: 0, LIMITED: 1, STANDARD: 2, PREMIUM: 3 };

export const tierRank = (tier: Tier): number => TIER_RANK[tier];

/** The lower of two tiers: caps only ever lower a tier. */
export const lowerTier = (a: Tier, b: Tier): Tier => (TIER_RANK[b] < TIER_RANK[a] ? b : a);

/** What rule a violation broke, mirrored by `ViolationKind`. */
export type ViolationKind =
  | 'PROHIBITED_CLAIM'
  | 'BANNED_PRODUCT_LINK'
  | 'REMOVED_MERCHANT_LINK'
  | 'CREATOR_LINKING_SUSPENDED'
  | 'CREATOR_PRIVILEGES_REVOKED'
  | 'REPOSTED_CONTENT'
  | 'VIEWER_REPORTS'
  | 'MANUAL';

export interface Violation {
  kind: ViolationKind;
  severity: Severity;
  reason: Reason;
}

/** A product link of a content item. */
export interface ProductLink {
  productId: string;
  merchantId: string;
  state: 'ACTIVE' | 'UNLINKED';
}

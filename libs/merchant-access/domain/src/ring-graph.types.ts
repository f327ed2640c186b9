import type { IdentifierKind } from './identifiers';
import type { MerchantStatus } from './merchant-status';
import type { RingPolicy } from './policies/onboarding.policy';

/** What the ring graph takes and answers (ring-graph.ts keeps the graph itself). */

/** An identifier as the graph sees it: its kind and the adapter's keyed hash (or any stable key). */
export interface GraphIdentifier {
  kind: IdentifierKind;
  key: string;
}

export interface RingPathStep {
  identifierKind: IdentifierKind;
  /** 16 hex characters: the graph's fingerprint of the shared identifier. */
  identifierFingerprint: string;
  merchantId: string;
  merchantStatus: MerchantStatus;
}

export interface RingLink {
  merchantId: string;
  status: MerchantStatus;
  /** Identifier hops from the applicant (1 = shares an identifier directly). */
  hops: number;
  path: RingPathStep[];
}

export interface RingCheckResult {
  /** Removed first, then sanctioned, then the nearest; at most `maxLinks`. */
  links: RingLink[];
  linkedToRemoved: boolean;
  linkedToSanctioned: boolean;
  /**
   * Every checked identifier the graph knows, with how many merchants hold it. Hubs (more than
   * `hubDegree` merchants) give no links: an office-tower address proves nothing, while a
   * device behind hundreds of stores is a signal of its own for risk scoring.
   */
  matches: { identifierKind: IdentifierKind; identifierFingerprint: string; merchantCount: number; hub: boolean }[];
  /** True when the visit budget ran out before the search finished. */
  truncated: boolean;
}

export interface RingGraphOptions {
  expectedMerchants?: number;
  expectedIdentifiers?: number;
  expectedEdges?: number;
  policy?: RingPolicy;
}

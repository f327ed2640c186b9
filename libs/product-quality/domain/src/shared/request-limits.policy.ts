import type { VersionedPolicy } from '@govern/policy-core';

/**
 * Bounds on what a request may carry, so one call cannot make the service allocate, store or
 * scan without limit. Rule thresholds live in each rule's own policy; these are the edges.
 */
export interface RequestLimitsPolicy extends VersionedPolicy {
  readonly idMaxChars: number;
  /** Reviewer notes, ban messages, statements not bounded by a rule policy. */
  readonly noteMaxChars: number;
  readonly evidenceMaxEntries: number;
  readonly evidenceKeyMaxChars: number;
  readonly evidenceValueMaxChars: number;
  readonly pageSize: { readonly default: number; readonly max: number };
  readonly historyPageSize: { readonly default: number; readonly max: number };
  /** Timestamps a caller reports (lab tested_at) may be this far ahead of our clock, no more. */
  readonly clockSkewMs: number;
  readonly maxDefects: number;
  readonly brand: { readonly nameMaxChars: number; readonly maxAliases: number; readonly maxCategoryCodes: number };
}

export const REQUEST_LIMITS_POLICY: RequestLimitsPolicy = {
  name: 'product-quality-request-limits',
  version: '2026-11-01.1',
  idMaxChars: 128,
  noteMaxChars: 2_000,
  evidenceMaxEntries: 20,
  evidenceKeyMaxChars: 64,
  evidenceValueMaxChars: 500,
  pageSize: { default: 50, max: 500 },
  historyPageSize: { default: 20, max: 200 },
  clockSkewMs: 5 * 60 * 1000,
  maxDefects: 100,
  brand: { nameMaxChars: 100, maxAliases: 20, maxCategoryCodes: 100 },
};

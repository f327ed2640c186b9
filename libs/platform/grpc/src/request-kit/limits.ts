/**
 * Request bounds that are not business policy: ids, free text, pages, evidence. Versioned like
 * a policy so a change is visible; a service passes its own (spread over these) to RequestChecks.
 */
export interface RequestLimits {
  readonly name: string;
  readonly version: string;
  /** Ids from other systems (merchant, product, order…), in characters. */
  readonly idMaxChars: number;
  /** The idempotency key of a mutation. */
  readonly requestIdMaxChars: number;
  /** Free text without a rule-specific bound (notes, statements). */
  readonly textMaxChars: number;
  /** Lists of references (evidence refs, ids) without a rule-specific bound. */
  readonly listMaxItems: number;
  readonly evidence: { readonly maxEntries: number; readonly keyMaxChars: number; readonly valueMaxChars: number };
  /** AIP-158: 0 means `default`, above `max` is brought down to it. */
  readonly pageSize: { readonly default: number; readonly max: number };
  readonly pageTokenMaxChars: number;
  /** A time a caller reports (paid_at, tested_at) may be this far ahead of the service's clock. */
  readonly clockSkewMs: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  name: 'govern-request-limits',
  version: '2026-12-01.1',
  idMaxChars: 128,
  requestIdMaxChars: 128,
  textMaxChars: 2_000,
  listMaxItems: 100,
  evidence: { maxEntries: 20, keyMaxChars: 64, valueMaxChars: 500 },
  pageSize: { default: 50, max: 500 },
  pageTokenMaxChars: 512,
  clockSkewMs: 5 * 60 * 1000,
};

import type { PolicyRef } from '@govern/policy-core';

/**
 * The prohibited-claims lexicon, as the listing gate needs it. The shared lexicon lib
 * (`@govern/policy-claims`, `compileClaimScanner()`) satisfies this structurally; the use
 * case passes it in, so the domain depends on no concrete lexicon and tests can use a stub.
 */
export interface ClaimHit {
  /** Stable lexicon id of the term, when the lexicon has ids. */
  readonly termId?: string;
  /** Lexicon term that matched (canonical form). */
  readonly term: string;
  /** Claim category, e.g. ABSOLUTE, MEDICAL_EFFICACY, FALSE_AUTHORITY, GUARANTEE. */
  readonly category: string;
  /** Severity as the lexicon grades it (LOW, MEDIUM, HIGH, CRITICAL). */
  readonly severity: string;
  /** Start offset of the match in the scanned text. */
  readonly start: number;
  /** End offset (exclusive) of the match in the scanned text. */
  readonly end: number;
}

export interface ClaimScanner {
  /** The lexicon version, recorded in the evidence of every claim reason. */
  readonly policy?: PolicyRef;
  scan(text: string): readonly ClaimHit[];
  /** The lexicon entry of a hit: which registrations make the claim lawful (e.g. DRUG). */
  term?(termId: string): { readonly waivedBy?: readonly string[] } | undefined;
}

/** A hit located in a listing field. */
export interface ListingClaimHit extends ClaimHit {
  readonly field: 'title' | 'description';
  /** The registration that makes this claim lawful for this listing; the hit then does not reject. */
  readonly waivedBy?: string;
}

import { CLAIMS_LEXICON, compileClaimScanner, type ClaimScanner } from '@govern/policy-claims';
import { decisionKindOfPolicies } from '@govern/platform-decisions';
import {
  evaluateListing,
  LISTING_GATE_POLICIES,
  type BannedProductPrint,
  type BrandAuthorisationRecord,
  type BrandRecord,
  type ListingAction,
  type ListingGateDecision,
  type ListingGatePolicy,
  type ListingInput,
  type MerchantSnapshot,
} from '@govern/product-quality-domain';

/**
 * The listing gate's input as evaluated: the listing after normalisation and every fact the
 * gate read for it (merchant standing and qualifications, brands and authorisations, banned
 * products it may re-upload, the product's own ban) and the time, so that a policy version
 * applied to it is a pure function and a replay recomputes the recorded outcome.
 */
export interface ListingGateFacts {
  listing: ListingInput;
  action: ListingAction;
  merchant: MerchantSnapshot | undefined;
  brands: readonly BrandRecord[];
  authorisations: readonly BrandAuthorisationRecord[];
  bannedPrints: readonly BannedProductPrint[];
  productBan: { banId: string } | undefined;
  now: Date;
}

/**
 * Every claims lexicon a gate version may name. Only the shipped lexicon exists today; a new
 * lexicon is added here beside the old one (never replacing it) with a new gate version.
 */
const LEXICONS = { [CLAIMS_LEXICON.version]: CLAIMS_LEXICON } as const;

/** Compiling a lexicon builds an automaton over every term: once per version per process. */
const scanners = new Map<string, ClaimScanner>();
const scannerFor = (policy: ListingGatePolicy): ClaimScanner => {
  let scanner = scanners.get(policy.claimsLexiconVersion);
  if (!scanner) {
    const lexicon = Object.hasOwn(LEXICONS, policy.claimsLexiconVersion) ? LEXICONS[policy.claimsLexiconVersion] : undefined;
    if (!lexicon) throw new Error(`listing gate ${policy.version}: claims lexicon ${policy.claimsLexiconVersion} is not loadable`);
    scanner = compileClaimScanner(lexicon);
    scanners.set(policy.claimsLexiconVersion, scanner);
  }
  return scanner;
};

export const listingGateDecisions = decisionKindOfPolicies({
  kind: 'listing-gate',
  policies: LISTING_GATE_POLICIES,
  decide: (policy, facts: ListingGateFacts): ListingGateDecision =>
    evaluateListing(
      facts.listing,
      {
        action: facts.action,
        merchant: facts.merchant,
        brands: facts.brands,
        authorisations: facts.authorisations,
        bannedPrints: facts.bannedPrints,
        productBan: facts.productBan,
        claimScanner: scannerFor(policy),
        now: facts.now,
      },
      policy,
    ),
  summarize: (decision: ListingGateDecision) => ({ outcome: decision.decision, reasons: decision.reasons }),
  subjectOf: (facts) => [
    { type: 'listing', id: facts.listing.listingId },
    { type: 'product', id: facts.listing.productId },
    { type: 'merchant', id: facts.listing.merchantId },
  ],
});

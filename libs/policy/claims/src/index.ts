export * from './claim-types';
export { CLAIMS_LEXICON } from './claims-lexicon.policy';
export { DEFAULT_MAX_FILLER_RUN, NormalisedText, normaliseForClaims } from './normalise';
export { type ClaimScanner, collapseNestedHits, compileClaimScanner } from './claim-scanner';

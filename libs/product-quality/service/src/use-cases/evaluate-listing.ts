import { pipelinedWrites } from '@govern/platform-db';
import { ListingApprovedEvent, ListingRejectedEvent } from '@govern/contracts-product-quality';
import {
  compactText,
  computeQualityScore,
  LISTING_GATE_POLICIES,
  type ListingAction,
  type ListingGateDecision,
  type ListingInput,
  merchantSnapshot,
  QUALITY_SCORE_POLICY,
  titleFingerprint,
  titleShingles,
} from '@govern/product-quality-domain';
import { DomainError, failedPrecondition } from '@govern/policy-core';
import { listingGateDecisions, type ListingGateFacts } from '../decisions/listing-gate.decision-kind';
import { type GateContextRows, lockAndLoadGateContext, recordGateDecision } from '../adapters/listing-gate.repository';
import { listingActions } from '../mapping/enums';
import { policyOf, toProtoReasons } from '../mapping/json';
import type { ScoreView } from '../mapping/resources';
import { addTierChange } from './quality-scores';
import type { Work } from './work';

/** Banned listings the gate compares a listing with at most (candidates are found by index first). */
const MAX_BANNED_CANDIDATES = 50;

export interface EvaluateListingCommand {
  /** Kept with the recorded decision (the audit trail names the request that caused it). */
  requestId: string;
  listing: ListingInput;
  action: ListingAction;
}

export interface EvaluateListingOutcome {
  evaluationId: string;
  decision: ListingGateDecision;
  decidedAt: Date;
  /** The product's score after an approval. */
  qualityScore?: ScoreView | undefined;
}

/** Image hashes compare case-insensitively (hex); stored and looked up in one form. */
const normaliseImageHashes = (hashes: readonly string[]): string[] => [...new Set(hashes.map((h) => h.trim().toLowerCase()))];

const checkConsistency = (command: EvaluateListingCommand, context: GateContextRows): void => {
  const { listing, action } = command;
  if (context.product && context.product.merchantId !== listing.merchantId) {
    throw failedPrecondition('LISTING.PRODUCT_OF_ANOTHER_MERCHANT', 'The product belongs to another merchant', { product_id: listing.productId });
  }
  if (context.listing && context.listing.productId !== listing.productId) {
    throw failedPrecondition('LISTING.PRODUCT_MISMATCH', 'The listing was published for another product', {
      listing_id: listing.listingId,
      product_id: context.listing.productId,
    });
  }
  // An edit is judged with the laxer edit rules (a listing-restricted merchant may edit): only of a published listing.
  if (action === 'EDIT' && context.listing === undefined) {
    throw failedPrecondition('LISTING.NOT_PUBLISHED', 'Only a published listing can be edited; publish it first', { listing_id: listing.listingId });
  }
};

/**
 * A listing of a merchant whose onboarding has not reached this service yet (merchant-access's
 * MerchantOnboarded is on its way). Recording a rejection would be wrong: the merchant may well be
 * allowed to sell, and a rejected decision would stay in the audit trail and the statistics. So
 * nothing is recorded (the transaction rolls back, the request_id stays unused) and the caller is
 * told to retry the same request later.
 *
 * FAILED_PRECONDITION, not UNAVAILABLE: this service is up and answered; what is missing is a state
 * (the merchant known here) that the platform will reach without the caller's help. UNAVAILABLE
 * means "the service could not be reached or is down" to gRPC clients, to the fuzz suite and to the
 * simulator (which stops a run on it); FAILED_PRECONDITION with this reason lets a caller tell it
 * from a refusal and retry it (AIP-194), after the RetryInfo delay the error carries.
 */
const merchantNotYetKnown = (merchantId: string): DomainError =>
  new DomainError(
    'FAILED_PRECONDITION',
    'LISTING.MERCHANT_NOT_YET_KNOWN',
    'The merchant is not known to product-quality yet (its onboarding is on its way); retry later',
    { merchant_id: merchantId },
    1_000,
  );

/** The merchant's quota came between the gate's lock and its read (see lockAndLoadGateContext). */
const quotaCameMeanwhile = (merchantId: string): DomainError =>
  new DomainError('ABORTED', 'LISTING.MERCHANT_CHANGED_CONCURRENTLY', "The merchant's listing quota changed while the listing was evaluated; retry", { merchant_id: merchantId });

const concurrentChange = (productId: string): DomainError =>
  new DomainError('ABORTED', 'PRODUCT.CHANGED_CONCURRENTLY', 'The product changed while the listing was evaluated; retry', { product_id: productId });

/**
 * The listing gate on publish and edit, in the unit's plain SQL: the merchant's and the product's gate locks and one
 * statement that reads everything the rules need leave in one write, the
 * rules run (all of them, so every reason is listed), one statement records the decision and,
 * on approval, creates or updates the product and listing with the product's new score. The
 * ListingApproved or ListingRejected event (and QualityTierChanged when the tier moves) goes
 * to the outbox in the same transaction.
 */
export const evaluateListingUseCase = async (work: Work, command: EvaluateListingCommand): Promise<EvaluateListingOutcome> => {
  const { now, deps } = work;
  // The lookups follow the active version's parameters (the facts recorded are what it read).
  const policy = LISTING_GATE_POLICIES.active;
  const listing: ListingInput = { ...command.listing, imageHashes: normaliseImageHashes(command.listing.imageHashes) };
  const shingles = titleShingles(listing.title);
  const context = await lockAndLoadGateContext(work.sql, {
    listing,
    action: command.action,
    declaredBrandKey: compactText(listing.brand),
    titleKey: compactText(listing.title),
    titleMatchMinChars: policy.brand.titleMatchMinChars,
    titleFingerprint: titleFingerprint(listing.title),
    shingles,
    minSharedShingles: Math.max(1, Math.ceil(policy.reUpload.titleSimilarity * shingles.length)),
    maxBannedCandidates: MAX_BANNED_CANDIDATES,
    inspectionsSince: new Date(now.getTime() - QUALITY_SCORE_POLICY.inspection.lookbackMs),
    now,
  });
  const { merchant, product } = context;
  if (!merchant) throw merchantNotYetKnown(listing.merchantId);
  if (merchant.listingQuota > 0 && !context.merchantLockExclusive) throw quotaCameMeanwhile(listing.merchantId);
  checkConsistency(command, context);

  const facts: ListingGateFacts = {
    listing,
    action: command.action,
    merchant: merchantSnapshot(merchant, context.activeListingCount),
    brands: context.brands,
    authorisations: context.authorisations,
    bannedPrints: context.bannedPrints,
    productBan: product?.status === 'BANNED' && product.activeBanId ? { banId: product.activeBanId } : undefined,
    now,
  };
  // The outcome acted on is exactly the one recorded (a shadow candidate's is recorded beside it, never acted on).
  const evaluation = await deps.decisions.evaluateWithShadow(listingGateDecisions, facts);
  const decision = evaluation.outcome;
  const approved = decision.decision === 'APPROVED';
  const score = approved
    ? computeQualityScore({
        listing,
        categoryCode: listing.categoryCode,
        merchantScore: merchant.storeScore,
        stats: product?.stats,
        inspections: context.inspections,
        now,
      })
    : undefined;

  const evaluationId = work.newId();
  // Not awaited: a lost race fails the unit at COMMIT with PRODUCT.CHANGED_CONCURRENTLY.
  recordGateDecision(
    work.sql,
    {
      evaluationId,
      requestId: command.requestId,
      listing,
      action: command.action,
      decision,
      now,
      approval: score ? { score, scoreId: work.newId(), isNew: product === undefined, shingles } : undefined,
    },
    () => concurrentChange(listing.productId),
  );
  await deps.decisions.recordDecision(pipelinedWrites(work.sql), {
    evaluation,
    decisionId: evaluationId,
    requestId: command.requestId,
    correlationId: work.cause.correlationId ?? work.cause.causationId,
    actor: work.actor,
  });

  const common = {
    listingId: listing.listingId,
    productId: listing.productId,
    merchantId: listing.merchantId,
    skuId: listing.skuId,
    categoryCode: listing.categoryCode,
    reasons: toProtoReasons(decision.reasons),
    policy: policyOf(decision.policy),
    evaluationId,
    action: listingActions.toProto(command.action),
  };
  if (score) {
    work.emit(ListingApprovedEvent, common);
    addTierChange(work, {
      productId: listing.productId,
      merchantId: listing.merchantId,
      result: score,
      previous: product ? { score: product.qualityScore, tier: product.qualityTier } : undefined,
    });
  } else {
    // Every decision is announced, a re-submission of the same listing too: merchant-access adds
    // three-no points once per listing_id (the fact), so announcing it again adds none.
    work.emit(ListingRejectedEvent, { ...common, threeNo: decision.threeNo, zeroTolerance: decision.zeroTolerance });
  }
  return {
    evaluationId,
    decision,
    decidedAt: now,
    qualityScore: score
      ? {
          productId: listing.productId,
          merchantId: listing.merchantId,
          score: score.score,
          tier: score.tier,
          components: score.components,
          reasons: score.reasons,
          policy: score.policy,
          computedAt: now,
          trigger: 'LISTING_APPROVED',
        }
      : undefined,
  };
};

import { ListingApprovedEvent, ListingRejectedEvent } from '@govern/contracts-product-quality';
import type { ProductQualityTx } from '@govern/product-quality-data-access';
import {
  compactText,
  computeQualityScore,
  evaluateListing,
  LISTING_GATE_POLICY,
  type ListingAction,
  type ListingGateDecision,
  type ListingInput,
  merchantSnapshot,
  QUALITY_SCORE_POLICY,
  titleFingerprint,
  titleShingles,
} from '@govern/product-quality-domain';
import { DomainError, failedPrecondition } from '@govern/policy-core';
import { type GateContextRows, loadGateContext, recordGateDecision } from '../adapters/prisma-listing-gate.repository';
import { OutboxBatch } from '../events/emit';
import { listingActions } from '../mapping/enums';
import { policyOf, toProtoReasons } from '../mapping/json';
import type { ScoreView } from '../mapping/resources';
import type { UseCaseDeps } from './deps';
import { addTierChange } from './quality-scores';

/** Banned listings the gate compares a listing with at most (candidates are found by index first). */
const MAX_BANNED_CANDIDATES = 50;

export interface EvaluateListingCommand {
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

const concurrentChange = (productId: string): DomainError =>
  new DomainError('ABORTED', 'PRODUCT.CHANGED_CONCURRENTLY', 'The product changed while the listing was evaluated; retry', { product_id: productId });

/**
 * The listing gate on publish and edit: one statement reads everything the rules need, the
 * rules run (all of them, so every reason is listed), one statement records the decision and,
 * on approval, creates or updates the product and listing with the product's new score. The
 * ListingApproved or ListingRejected event (and QualityTierChanged when the tier moves) goes
 * to the outbox in the same transaction.
 */
export const evaluateListingUseCase = async (tx: ProductQualityTx, deps: UseCaseDeps, command: EvaluateListingCommand): Promise<EvaluateListingOutcome> => {
  const now = deps.clock.now();
  const policy = LISTING_GATE_POLICY;
  const listing: ListingInput = { ...command.listing, imageHashes: normaliseImageHashes(command.listing.imageHashes) };
  const shingles = titleShingles(listing.title);
  // One merchant's listings are gated one at a time, so concurrent publishes cannot all see
  // the same active-listing count and overrun the listing quota together.
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('product_quality.listing_gate'), hashtext($1))`, listing.merchantId);
  const context = await loadGateContext(tx, {
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
  checkConsistency(command, context);
  const { merchant, product } = context;

  const decision = evaluateListing(
    listing,
    {
      action: command.action,
      merchant: merchant ? merchantSnapshot(merchant, context.activeListingCount) : undefined,
      brands: context.brands,
      authorisations: context.authorisations,
      bannedPrints: context.bannedPrints,
      productBan: product?.status === 'BANNED' && product.activeBanId ? { banId: product.activeBanId } : undefined,
      claimScanner: deps.claimScanner,
      now,
    },
    policy,
  );
  const approved = decision.decision === 'APPROVED';
  const score = approved
    ? computeQualityScore({
        listing,
        categoryCode: listing.categoryCode,
        merchantScore: merchant?.storeScore,
        stats: product?.stats,
        inspections: context.inspections,
        now,
      })
    : undefined;

  const evaluationId = deps.ids.next();
  const written = await recordGateDecision(tx, {
    evaluationId,
    requestId: command.requestId,
    listing,
    action: command.action,
    decision,
    now,
    approval: score ? { score, scoreId: deps.ids.next(), isNew: product === undefined, shingles } : undefined,
  });
  if (score && (!written.productWritten || !written.listingWritten)) throw concurrentChange(listing.productId);

  const events = new OutboxBatch(deps, { causationId: command.requestId });
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
    events.add(ListingApprovedEvent, common);
    addTierChange(events, {
      productId: listing.productId,
      merchantId: listing.merchantId,
      result: score,
      previous: product ? { score: product.qualityScore, tier: product.qualityTier } : undefined,
    });
  } else {
    events.add(ListingRejectedEvent, { ...common, threeNo: decision.threeNo, zeroTolerance: decision.zeroTolerance });
  }
  await events.flush(tx);
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

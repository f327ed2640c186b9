import {
  EvaluateListingRequest,
  EvaluateListingResponse,
  type GetListingEvaluationRequest,
  type GetListingEvaluationResponse,
  type GetProductRequest,
  type GetProductResponse,
  type GetQualityScoreRequest,
  type GetQualityScoreResponse,
  type Listing,
  type ListListingEvaluationsRequest,
  type ListListingEvaluationsResponse,
  type ListProductsRequest,
  type ListProductsResponse,
} from '@govern/contracts-product-quality';
import { type ListingInput, validateListingInput } from '@govern/product-quality-domain';
import { evaluateListingUseCase } from '../use-cases/evaluate-listing';
import { getListingEvaluation, getProduct, listListingEvaluations, listProducts, qualityScoreHistory } from '../use-cases/queries';
import { listingActions, listingDecisions, productStatuses, qualityTiers } from '../mapping/enums';
import { policyOf, toProtoReasons } from '../mapping/json';
import { decodePageToken } from '../mapping/page-token';
import { scoreViewFromRow, toProtoClaimHit, toProtoListingEvaluation, toProtoProduct, toProtoQualityScore } from '../mapping/resources';
import { type Call, checked, type HandlerKit, mergeValidation, mutate, read, timeKeyToken } from './handler-kit';
import { RequestChecks } from './request-validation';

const listingInput = (listing: Listing): ListingInput => ({
  listingId: listing.listingId,
  productId: listing.productId,
  skuId: listing.skuId,
  merchantId: listing.merchantId,
  categoryCode: listing.categoryCode,
  title: listing.title,
  description: listing.description,
  brand: listing.brand,
  manufacturer: listing.manufacturer,
  productionDate: listing.productionDate,
  batchNumber: listing.batchNumber,
  certificateCode: listing.certificateCode,
  imageHashes: listing.imageHashes,
  declaredQualifications: listing.declaredQualifications,
  priceFen: listing.priceFen,
});

export const listingHandlers = (kit: HandlerKit) => ({
  /** The listing gate: validated here (bad input writes nothing), decided and recorded in one transaction. */
  async evaluateListing(request: EvaluateListingRequest, call: Call): Promise<EvaluateListingResponse> {
    const checks = new RequestChecks();
    checks.id('request_id', request.requestId);
    // UNSPECIFIED is a publish (contract); an unknown number is not.
    const action = request.action === 0 ? 'PUBLISH' : checks.enumValue('action', listingActions, request.action);
    const listing = request.listing ? listingInput(request.listing) : undefined;
    if (listing) mergeValidation(checks, () => validateListingInput(listing));
    else checks.add('listing', 'is required', 'REQUIRED');
    checks.throwIfAny();
    return mutate(kit, call, 'EvaluateListing', { request: EvaluateListingRequest, response: EvaluateListingResponse }, request, async (tx) => {
      const outcome = await evaluateListingUseCase(tx, kit.deps, { requestId: request.requestId, listing: checked(listing), action: checked(action) });
      const { decision } = outcome;
      return {
        evaluationId: outcome.evaluationId,
        decision: listingDecisions.toProto(decision.decision),
        reasons: toProtoReasons(decision.reasons),
        policy: policyOf(decision.policy),
        threeNo: decision.threeNo,
        zeroTolerance: decision.zeroTolerance,
        claimHits: decision.claimHits.map(toProtoClaimHit),
        qualityScore: outcome.qualityScore ? toProtoQualityScore(outcome.qualityScore) : undefined,
        decidedAt: outcome.decidedAt,
      };
    });
  },

  async getListingEvaluation(request: GetListingEvaluationRequest, call: Call): Promise<GetListingEvaluationResponse> {
    const checks = new RequestChecks();
    checks.id('evaluation_id', request.evaluationId);
    checks.throwIfAny();
    return { evaluation: toProtoListingEvaluation(await read(kit, call, (tx) => getListingEvaluation(tx, request.evaluationId))) };
  },

  async listListingEvaluations(request: ListListingEvaluationsRequest, call: Call): Promise<ListListingEvaluationsResponse> {
    const checks = new RequestChecks();
    const pageSize = checks.pageSize('page_size', request.pageSize);
    const before = timeKeyToken(checks, 'page_token', request.pageToken);
    checks.optionalId('listing_id', request.listingId);
    checks.optionalId('product_id', request.productId);
    checks.optionalId('merchant_id', request.merchantId);
    const decision = checks.optionalEnum('decision', listingDecisions, request.decision);
    checks.throwIfAny();
    const page = await read(kit, call, (tx) =>
      listListingEvaluations(tx, { pageSize, before, listingId: request.listingId, productId: request.productId, merchantId: request.merchantId, decision }),
    );
    return { evaluations: page.items.map(toProtoListingEvaluation), nextPageToken: page.nextPageToken };
  },

  async getProduct(request: GetProductRequest, call: Call): Promise<GetProductResponse> {
    const checks = new RequestChecks();
    checks.id('product_id', request.productId);
    checks.throwIfAny();
    const product = await read(kit, call, (tx) => getProduct(tx, request.productId));
    return { product: toProtoProduct(product, product.listings) };
  },

  async listProducts(request: ListProductsRequest, call: Call): Promise<ListProductsResponse> {
    const checks = new RequestChecks();
    const pageSize = checks.pageSize('page_size', request.pageSize);
    const after = decodePageToken(checks, 'page_token', request.pageToken, 1)?.[0];
    checks.optionalId('merchant_id', request.merchantId);
    checks.optionalId('category_code', request.categoryCode);
    const status = checks.optionalEnum('status', productStatuses, request.status);
    const tier = checks.optionalEnum('tier', qualityTiers, request.tier);
    checks.throwIfAny();
    const page = await read(kit, call, (tx) => listProducts(tx, { pageSize, after, merchantId: request.merchantId, categoryCode: request.categoryCode, status, tier }));
    return { products: page.items.map((p) => toProtoProduct(p, p.listings)), nextPageToken: page.nextPageToken };
  },

  async getQualityScore(request: GetQualityScoreRequest, call: Call): Promise<GetQualityScoreResponse> {
    const checks = new RequestChecks();
    checks.id('product_id', request.productId);
    const pageSize = checks.pageSize('history_page_size', request.historyPageSize, checks.limits.historyPageSize);
    const before = decodePageToken(checks, 'history_page_token', request.historyPageToken, 1)?.[0];
    checks.check(
      before === undefined || (/^[0-9]{1,19}$/.test(before) && BigInt(before) <= 9_223_372_036_854_775_807n),
      'history_page_token',
      'is not a token this service issued',
      'INVALID_PAGE_TOKEN',
    );
    checks.throwIfAny();
    const beforeSeq = before === undefined ? undefined : BigInt(before);
    const { current, history } = await read(kit, call, (tx) => qualityScoreHistory(tx, { productId: request.productId, pageSize, beforeSeq }));
    return {
      score: toProtoQualityScore(scoreViewFromRow(current)),
      history: history.items.map((row) => toProtoQualityScore(scoreViewFromRow(row))),
      nextHistoryPageToken: history.nextPageToken,
    };
  },
});

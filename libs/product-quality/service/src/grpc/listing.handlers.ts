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
import { type ListingInput, REQUEST_LIMITS_POLICY, validateListingInput } from '@govern/product-quality-domain';
import { type Checked, INVALID, isInvalid, RequestChecks, sequencePageToken, timeIdPageToken } from '@govern/platform-grpc';
import { listingActions, listingDecisions, productStatuses, qualityTiers } from '../mapping/enums';
import { policyOf, toProtoReasons } from '../mapping/json';
import { scoreViewFromRow, toProtoClaimHit, toProtoListingEvaluation, toProtoProduct, toProtoQualityScore } from '../mapping/resources';
import { evaluateListingUseCase } from '../use-cases/evaluate-listing';
import { getListingEvaluation, getProduct, listListingEvaluations, listProducts, productPageToken, qualityScoreHistory } from '../adapters/read-models.queries';
import { type Call, type HandlerContext, mutation, read, validated } from './handler-kit';

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

/** The listing as the gate takes it: present, and valid by the domain's own rules (field paths `listing.*`). */
const checkedListing = (checks: RequestChecks, listing: Listing | undefined): Checked<ListingInput> => {
  const present = checks.present('listing', listing);
  return isInvalid(present) ? INVALID : validated(checks, listingInput(present), validateListingInput);
};

export const listingHandlers = (context: HandlerContext) => ({
  /** The listing gate: checked here (bad input writes nothing), decided and recorded in one unit of work. */
  async evaluateListing(request: EvaluateListingRequest, call: Call): Promise<EvaluateListingResponse> {
    const check = () => {
      const checks = new RequestChecks();
      return checks.done({
        requestId: checks.requestId(request.requestId),
        // UNSPECIFIED is a publish (contract); an unknown number is not.
        action: request.action === 0 ? ('PUBLISH' as const) : checks.enumValue('action', listingActions, request.action),
        listing: checkedListing(checks, request.listing),
      });
    };
    return mutation(context, call, 'EvaluateListing', { request: EvaluateListingRequest, response: EvaluateListingResponse }, request, check, async (work, command) => {
      const outcome = await evaluateListingUseCase(work, command);
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
    const { evaluationId } = checks.done({ evaluationId: checks.id('evaluation_id', request.evaluationId) });
    return { evaluation: toProtoListingEvaluation(await read(context, call, (tx) => getListingEvaluation(tx, evaluationId))) };
  },

  async listListingEvaluations(request: ListListingEvaluationsRequest, call: Call): Promise<ListListingEvaluationsResponse> {
    const checks = new RequestChecks();
    const query = checks.done({
      pageSize: checks.pageSize(request.pageSize),
      before: checks.pageToken(timeIdPageToken, request.pageToken),
      listingId: checks.optionalId('listing_id', request.listingId),
      productId: checks.optionalId('product_id', request.productId),
      merchantId: checks.optionalId('merchant_id', request.merchantId),
      decision: checks.optionalEnum('decision', listingDecisions, request.decision),
    });
    const page = await read(context, call, (tx) => listListingEvaluations(tx, query));
    return { evaluations: page.items.map(toProtoListingEvaluation), nextPageToken: page.nextPageToken };
  },

  async getProduct(request: GetProductRequest, call: Call): Promise<GetProductResponse> {
    const checks = new RequestChecks();
    const { productId } = checks.done({ productId: checks.id('product_id', request.productId) });
    const product = await read(context, call, (tx) => getProduct(tx, productId));
    return { product: toProtoProduct(product, product.listings) };
  },

  async listProducts(request: ListProductsRequest, call: Call): Promise<ListProductsResponse> {
    const checks = new RequestChecks();
    const query = checks.done({
      pageSize: checks.pageSize(request.pageSize),
      after: checks.pageToken(productPageToken, request.pageToken),
      merchantId: checks.optionalId('merchant_id', request.merchantId),
      categoryCode: checks.optionalId('category_code', request.categoryCode),
      status: checks.optionalEnum('status', productStatuses, request.status),
      tier: checks.optionalEnum('tier', qualityTiers, request.tier),
    });
    const page = await read(context, call, (tx) => listProducts(tx, query));
    return { products: page.items.map((p) => toProtoProduct(p, p.listings)), nextPageToken: page.nextPageToken };
  },

  async getQualityScore(request: GetQualityScoreRequest, call: Call): Promise<GetQualityScoreResponse> {
    const checks = new RequestChecks();
    const query = checks.done({
      productId: checks.id('product_id', request.productId),
      pageSize: checks.pageSize(request.historyPageSize, REQUEST_LIMITS_POLICY.historyPageSize, 'history_page_size'),
      before: checks.pageToken(sequencePageToken, request.historyPageToken, 'history_page_token'),
    });
    const { current, history } = await read(context, call, (tx) => qualityScoreHistory(tx, query));
    return {
      score: toProtoQualityScore(scoreViewFromRow(current)),
      history: history.items.map((row) => toProtoQualityScore(scoreViewFromRow(row))),
      nextHistoryPageToken: history.nextPageToken,
    };
  },
});

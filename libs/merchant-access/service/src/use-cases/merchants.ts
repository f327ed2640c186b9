import type {
  BatchGetMerchantStandingsRequest,
  BatchGetMerchantStandingsResponse,
  GetAffiliateEligibilityRequest,
  GetAffiliateEligibilityResponse,
  GetMerchantRequest,
  GetMerchantResponse,
  GetMerchantStandingRequest,
  GetMerchantStandingResponse,
  GetStoreExperienceScoreRequest,
  GetStoreExperienceScoreResponse,
  ListMerchantsRequest,
  ListMerchantsResponse,
  Merchant,
  MerchantStanding,
} from '@govern/contracts-merchant-access';
import type { MerchantRow, Prisma } from '@govern/merchant-access-data-access';
import { evaluateAffiliateEligibility, isSanctionedStatus } from '@govern/merchant-access-domain';
import { notFound, Violations } from '@govern/policy-core';
import { loadStandings } from '../adapters/prisma-standing.repository';
import type { Db } from '../adapters/records';
import { merchantStatusCodec } from '../mapping/enums';
import { decodePageToken, encodePageToken } from '../mapping/page-token';
import { merchantToProto, policyToProto, reasonsToProto, scoreToProto, standingViewToProto, storedScoreOf } from '../mapping/resources';
import type { MerchantAccessDeps } from './deps';
import { pageSizeOf, REQUEST_LIMITS, requireId } from './validation';

/** Merchants as the contract shows them: standing at `at` and latest score, in set-based queries. */
export const merchantViews = async (db: Db, rows: readonly MerchantRow[], at: Date): Promise<Merchant[]> => {
  const ids = rows.map((r) => r.id);
  const [standings, scores] = await Promise.all([loadStandings(db, ids, at), db.storeExperienceScore.findMany({ where: { merchantId: { in: ids } } })]);
  const scoreOf = new Map(scores.map((s) => [s.merchantId, s]));
  return rows.map((row) => {
    const standing = standings.get(row.id);
    if (!standing) throw new Error(`no standing computed for ${row.id}`);
    return merchantToProto(row, standing, storedScoreOf(scoreOf.get(row.id), at).score);
  });
};

const merchantNotFound = (merchantId: string) => notFound('MERCHANT.NOT_FOUND', `no merchant ${merchantId}`, { merchant_id: merchantId });

/** Throws NOT_FOUND unless the merchant exists. */
export const requireMerchant = async (db: Db, merchantId: string): Promise<MerchantRow> => {
  const row = await db.merchant.findUnique({ where: { id: merchantId } });
  if (!row) throw merchantNotFound(merchantId);
  return row;
};

const requireMerchantId = (merchantId: string): void => {
  const v = new Violations();
  requireId(v, 'merchant_id', merchantId);
  v.throwIfAny();
};

export const createMerchantQueries = (deps: MerchantAccessDeps) => ({
  async getMerchant(request: GetMerchantRequest): Promise<GetMerchantResponse> {
    requireMerchantId(request.merchantId);
    const row = await requireMerchant(deps.db, request.merchantId);
    const [merchant] = await merchantViews(deps.db, [row], deps.clock.now());
    return { merchant };
  },

  async listMerchants(request: ListMerchantsRequest): Promise<ListMerchantsResponse> {
    const v = new Violations();
    const pageSize = pageSizeOf(v, request.pageSize);
    const after = decodePageToken(v, request.pageToken);
    const status = request.status === 0 ? undefined : merchantStatusCodec.fromProto(request.status);
    v.check(request.status === 0 || status !== undefined, 'status', 'is not a merchant status', 'INVALID_ENUM');
    v.throwIfAny();
    const where: Prisma.MerchantWhereInput = {
      ...(status ? { status } : {}),
      ...(request.affiliateEligible === undefined ? {} : { affiliateEligible: request.affiliateEligible }),
      ...(after
        ? { OR: [{ onboardedAt: { gt: new Date(Number(after[0])) } }, { onboardedAt: new Date(Number(after[0])), id: { gt: String(after[1]) } }] }
        : {}),
    };
    const rows = await deps.db.merchant.findMany({ where, orderBy: [{ onboardedAt: 'asc' }, { id: 'asc' }], take: pageSize + 1 });
    const page = rows.slice(0, pageSize);
    const last = page.at(-1);
    return {
      merchants: await merchantViews(deps.db, page, deps.clock.now()),
      nextPageToken: rows.length > pageSize && last ? encodePageToken([last.onboardedAt.getTime(), last.id]) : '',
    };
  },

  async getMerchantStanding(request: GetMerchantStandingRequest): Promise<GetMerchantStandingResponse> {
    requireMerchantId(request.merchantId);
    // One round trip: the standing query only returns merchants that exist.
    const view = (await loadStandings(deps.db, [request.merchantId], deps.clock.now())).get(request.merchantId);
    if (!view) throw merchantNotFound(request.merchantId);
    return { standing: standingViewToProto(view) };
  },

  async batchGetMerchantStandings(request: BatchGetMerchantStandingsRequest): Promise<BatchGetMerchantStandingsResponse> {
    const v = new Violations();
    if (v.maxItems('merchant_ids', request.merchantIds, REQUEST_LIMITS.maxBatchMerchantIds)) {
      request.merchantIds.forEach((id, i) => requireId(v, `merchant_ids[${i}]`, id));
    }
    v.throwIfAny();
    const ids = [...new Set(request.merchantIds)];
    const standings = await loadStandings(deps.db, ids, deps.clock.now());
    const standingsInOrder: MerchantStanding[] = [];
    const missingMerchantIds: string[] = [];
    for (const id of ids) {
      const view = standings.get(id);
      if (view) standingsInOrder.push(standingViewToProto(view));
      else missingMerchantIds.push(id);
    }
    return { standings: standingsInOrder, missingMerchantIds };
  },

  async getStoreExperienceScore(request: GetStoreExperienceScoreRequest): Promise<GetStoreExperienceScoreResponse> {
    requireMerchantId(request.merchantId);
    await requireMerchant(deps.db, request.merchantId);
    const row = await deps.db.storeExperienceScore.findUnique({ where: { merchantId: request.merchantId } });
    return { score: scoreToProto(request.merchantId, storedScoreOf(row, deps.clock.now())) };
  },

  async getAffiliateEligibility(request: GetAffiliateEligibilityRequest): Promise<GetAffiliateEligibilityResponse> {
    requireMerchantId(request.merchantId);
    await requireMerchant(deps.db, request.merchantId);
    const at = deps.clock.now();
    const [standings, scoreRow] = await Promise.all([
      loadStandings(deps.db, [request.merchantId], at),
      deps.db.storeExperienceScore.findUnique({ where: { merchantId: request.merchantId } }),
    ]);
    const status = standings.get(request.merchantId)?.standing.status ?? 'ACTIVE';
    const score = storedScoreOf(scoreRow, at).score;
    const eligibility = evaluateAffiliateEligibility({ storeExperienceScore: score, status });
    return {
      eligibility: {
        merchantId: request.merchantId,
        eligible: eligibility.eligible,
        reasons: reasonsToProto(eligibility.reasons),
        storeExperienceScore: score,
        sanctioned: isSanctionedStatus(status) || status === 'REMOVED',
        policy: policyToProto(eligibility.policy),
        evaluatedAt: at,
      },
    };
  },
});

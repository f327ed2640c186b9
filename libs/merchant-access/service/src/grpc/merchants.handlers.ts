import { RunAffiliateSweepRequest, RunAffiliateSweepResponse, type MerchantAccessServiceDefinition } from '@govern/contracts-merchant-access';
import { AFFILIATE_POLICY, STORE_EXPERIENCE_POLICY } from '@govern/merchant-access-domain';
import { RequestChecks, timeIdPageToken, type GrpcServiceImplementation } from '@govern/platform-grpc';
import { countGovernanceFigures } from '../adapters/governance-stats.queries';
import type { MerchantAccessDeps } from '../deps';
import { merchantStatusCodec } from '../mapping/enums';
import { merchantViewToProto, policyToProto, reasonsToProto, scoreToProto, standingViewToProto, storedScoreOf } from '../mapping/resources';
import { runAffiliateSweep } from '../use-cases/affiliate-sweep';
import { getStoreScoreRecovery } from '../use-cases/store-score-recovery';
import {
  batchGetMerchantStandings,
  getAffiliateEligibility,
  getMerchant,
  getMerchantStanding,
  getStoreExperienceScore,
  listMerchants,
} from '../use-cases/merchants';
import { mutation } from './handler-kit';

type Handlers = Required<GrpcServiceImplementation<typeof MerchantAccessServiceDefinition>>;

/** Merchants in a batch lookup: the hot path callers (listing gate, orders) ask for a page of them at once. */
const MAX_BATCH_MERCHANT_IDS = 500;
/** Ids of merchants cleared or re-admitted returned by a sweep (the counts are complete). */
const SWEEP_SAMPLE_SIZE = 100;

/** A merchant's id, the one field of every single-merchant read. */
const merchantIdOf = (request: { merchantId: string }): string => {
  const checks = new RequestChecks();
  return checks.done({ merchantId: checks.id('merchant_id', request.merchantId) }).merchantId;
};

/** Merchants, their standing, score and affiliate status; the sweep; the governance figures. */
export const merchantHandlers = (
  deps: MerchantAccessDeps,
): Pick<
  Handlers,
  | 'getMerchant'
  | 'listMerchants'
  | 'getMerchantStanding'
  | 'batchGetMerchantStandings'
  | 'getStoreExperienceScore'
  | 'getStoreScoreRecovery'
  | 'getAffiliateEligibility'
  | 'runAffiliateSweep'
  | 'getGovernanceStats'
> => ({
  async getMerchant(request) {
    return { merchant: merchantViewToProto(await getMerchant(deps.db, merchantIdOf(request), deps.clock.now())) };
  },

  async listMerchants(request) {
    const checks = new RequestChecks();
    const query = checks.done({
      pageSize: checks.pageSize(request.pageSize),
      after: checks.pageToken(timeIdPageToken, request.pageToken),
      status: checks.optionalEnum('status', merchantStatusCodec, request.status),
    });
    const page = await listMerchants(deps.db, { ...query, affiliateEligible: request.affiliateEligible, at: deps.clock.now() });
    return { merchants: page.items.map(merchantViewToProto), nextPageToken: page.nextPageToken };
  },

  async getMerchantStanding(request) {
    return { standing: standingViewToProto(await getMerchantStanding(deps.standings, merchantIdOf(request))) };
  },

  async batchGetMerchantStandings(request) {
    const checks = new RequestChecks();
    const { merchantIds } = checks.done({ merchantIds: checks.idList('merchant_ids', request.merchantIds, { maxItems: MAX_BATCH_MERCHANT_IDS }) });
    const found = await batchGetMerchantStandings(deps.reads, merchantIds, deps.clock.now());
    return { standings: found.standings.map(standingViewToProto), missingMerchantIds: found.missing };
  },

  async getStoreExperienceScore(request) {
    const merchantId = merchantIdOf(request);
    const row = await getStoreExperienceScore(deps.db, merchantId);
    return { score: scoreToProto(merchantId, storedScoreOf(row, deps.clock.now())) };
  },

  async getStoreScoreRecovery(request) {
    const checks = new RequestChecks();
    const { merchantId, target } = checks.done({
      merchantId: checks.id('merchant_id', request.merchantId),
      // 0 asks for the next band; otherwise a score the scale can reach.
      target: request.targetScore === 0 ? undefined : checks.number('target_score', request.targetScore, { min: STORE_EXPERIENCE_POLICY.minScore, max: STORE_EXPERIENCE_POLICY.maxScore }),
    });
    const view = await getStoreScoreRecovery(deps.db, merchantId, deps.clock.now(), target);
    const { recovery } = view;
    return {
      merchantId,
      score: recovery.score,
      targetScore: recovery.target ?? 0,
      ordersUntilScored: BigInt(recovery.ordersUntilScored ?? 0),
      levers: recovery.levers.map((lever) => ({
        lever: lever.lever,
        reachesTarget: lever.needed !== undefined,
        needed: BigInt(lever.needed ?? 0),
        scoreWith: lever.scoreWith,
      })),
      window: { startTime: view.window.start, endTime: view.window.end },
      policy: policyToProto({ name: STORE_EXPERIENCE_POLICY.name, version: STORE_EXPERIENCE_POLICY.version }),
      activePoints: view.activePoints,
      nextPointsExpireTime: view.nextPointsExpiryAt,
    };
  },

  async getAffiliateEligibility(request) {
    const merchantId = merchantIdOf(request);
    const at = deps.clock.now();
    const view = await getAffiliateEligibility(deps.db, merchantId, at);
    return {
      eligibility: {
        merchantId,
        eligible: view.eligibility.eligible,
        reasons: reasonsToProto(view.eligibility.reasons),
        storeExperienceScore: view.score,
        sanctioned: view.sanctioned,
        policy: policyToProto(view.eligibility.policy),
        evaluatedAt: at,
      },
    };
  },

  runAffiliateSweep: (request, context) =>
    mutation(
      deps,
      'RunAffiliateSweep',
      { request: RunAffiliateSweepRequest, response: RunAffiliateSweepResponse },
      request,
      context,
      () => {
        const checks = new RequestChecks();
        return checks.done({ requestId: checks.requestId(request.requestId) });
      },
      async (work) => {
        const outcome = await runAffiliateSweep(work, { dryRun: request.dryRun });
        return {
          sweepId: outcome.sweepId,
          evaluatedCount: BigInt(outcome.evaluated),
          clearedCount: BigInt(outcome.cleared.length),
          readmittedCount: BigInt(outcome.readmitted.length),
          clearedMerchantIdsSample: outcome.cleared.slice(0, SWEEP_SAMPLE_SIZE),
          readmittedMerchantIdsSample: outcome.readmitted.slice(0, SWEEP_SAMPLE_SIZE),
          policy: policyToProto({ name: AFFILIATE_POLICY.name, version: AFFILIATE_POLICY.version }),
          evaluatedAt: outcome.evaluatedAt,
        };
      },
    ),

  async getGovernanceStats(request) {
    const checks = new RequestChecks();
    const { window } = checks.done({ window: checks.window('window', request.window) });
    const figures = await countGovernanceFigures(deps.db, window);
    return { window: { startTime: window.start, endTime: window.end }, ...figures };
  },
});

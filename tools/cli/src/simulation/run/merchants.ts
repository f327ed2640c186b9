/** The merchants' steps: applications and review cases, waiting for onboarding to spread, listings, violations, the affiliate sweep. */
import { ListingAction, ListingDecision } from '@govern/contracts-product-quality';
import { ReviewDecision, RiskBand, ViolationSource, ViolationType } from '@govern/contracts-merchant-access';
import { readErrorDetails } from '@govern/platform-grpc';
import type { MerchantPlan, ProductPlan, Scenario } from '../scenario';
import { DAY, FATAL_CODES, LISTING_SENT_AGAIN, SimulationAborted, type RunContext } from './run-context';
import { waitUntilDrained } from './settle';

const VIOLATION_TYPES = {
  COUNTERFEIT: ViolationType.VIOLATION_TYPE_COUNTERFEIT,
  MISSING_QUALIFICATION: ViolationType.VIOLATION_TYPE_MISSING_QUALIFICATION,
  IP_INFRINGEMENT: ViolationType.VIOLATION_TYPE_IP_INFRINGEMENT,
};

export const sweep = async (ctx: RunContext): Promise<void> => {
  const end = ctx.startPhase('affiliate sweep');
  const answer = await ctx.call('RunAffiliateSweep', () => ctx.clients.merchantAccess.runAffiliateSweep({ requestId: ctx.rid('RunAffiliateSweep', 'end'), dryRun: false }));
  if (answer.ok) {
    ctx.tally.add('merchants', 'affiliate sweep: merchants cleared', Number(answer.value.clearedCount));
    ctx.tally.add('merchants', 'affiliate sweep: merchants re-admitted', Number(answer.value.readmittedCount));
  }
  end();
};

export const apply = async (ctx: RunContext, m: MerchantPlan): Promise<void> => {
  const ring = m.profile === 'ring';
  const section = 'merchants';
  ctx.tally.add(section, ring ? 'ring re-entries sent' : 'applications sent');
  const answer = await ctx.call('SubmitApplication', () =>
    ctx.clients.merchantAccess.submitApplication({ requestId: ctx.rid('SubmitApplication', m.key), application: m.application }),
  );
  if (!answer.ok) return;
  const { application, merchant, reviewCase } = answer.value;
  const band = application?.decision?.band;
  if (ring) {
    const linked = application?.decision?.reasons.some((r) => r.code === 'MERCHANT.RISK.RING_REMOVED') ?? false;
    ctx.tally.add(section, linked ? ' intercepted: linked to a removed merchant' : ' not intercepted');
  } else {
    const label =
      band === RiskBand.RISK_BAND_APPROVE
        ? ' approved'
        : band === RiskBand.RISK_BAND_APPROVE_WITH_RESTRICTIONS
          ? ' approved with restrictions'
          : band === RiskBand.RISK_BAND_MANUAL_REVIEW
            ? ' sent to manual review'
            : ' rejected as high risk';
    ctx.tally.add(section, label);
  }
  if (merchant?.merchantId) ctx.merchantIds.set(m.key, merchant.merchantId);
  if (reviewCase?.caseId && m.reviewDecision) {
    const reviewer = `${ctx.scenario.prefix}-reviewer-1`;
    const claimed = await ctx.call('ClaimReviewCase', () =>
      ctx.clients.merchantAccess.claimReviewCase({ requestId: ctx.rid('ClaimReviewCase', m.key), caseId: reviewCase.caseId, reviewerId: reviewer }),
    );
    if (!claimed.ok) return;
    const reject = m.reviewDecision === 'REJECT';
    const decided = await ctx.call('DecideReviewCase', () =>
      ctx.clients.merchantAccess.decideReviewCase({
        requestId: ctx.rid('DecideReviewCase', m.key),
        caseId: reviewCase.caseId,
        reviewerId: reviewer,
        decision: reject ? ReviewDecision.REVIEW_DECISION_REJECT : ReviewDecision.REVIEW_DECISION_APPROVE_WITH_RESTRICTIONS,
        note: reject ? '资质不全且结算账户与主体不一致，拒绝入驻' : '补充资质前限制经营类目与上架数量',
      }),
    );
    if (!decided.ok) return;
    ctx.tally.add(section, 'review cases decided');
    ctx.tally.add(section, reject ? ' rejected by the reviewer' : ' approved by the reviewer');
    if (decided.value.merchant?.merchantId) ctx.merchantIds.set(m.key, decided.value.merchant.merchantId);
  }
};

/**
 * Onboarding reaches product-quality and consumer-experience as events. With the services'
 * metrics, the wait ends when nothing is in flight. Without, consumer-experience shows it (the
 * merchant's deposit account appears); product-quality has no read of it, so a grace follows.
 * A listing sent too early is refused as "merchant not known" and sent again (RunContext.call).
 */
export const awaitOnboarding = async (ctx: RunContext): Promise<void> => {
  const end = ctx.startPhase('onboarding');
  const started = Date.now();
  const deadline = Date.now() + Math.max(10_000, ctx.options.settleTimeoutMs);
  // With the services' metrics: once nothing is in flight, consumer-experience and
  // product-quality have both taken every approved merchant's events.
  if (ctx.platformActivity && (await waitUntilDrained(ctx, ctx.platformActivity, deadline))) return end();
  for (const merchantId of ctx.merchantIds.values()) {
    for (;;) {
      try {
        await ctx.clients.consumerExperience.getMerchantDeposit({ merchantId });
        break;
      } catch (error) {
        const details = readErrorDetails(error);
        if (details?.codeName !== 'NOT_FOUND') {
          if (details && FATAL_CODES.has(details.codeName)) throw new SimulationAborted(`GetMerchantDeposit failed with ${details.codeName}: ${details.message}`);
          break;
        }
        if (Date.now() > deadline) {
          ctx.progress.note(`merchant ${merchantId} not yet known to consumer-experience; going on`);
          break;
        }
        await ctx.sleep(100);
      }
    }
  }
  // product-quality consumes the same events; give it as long again as consumer-experience took.
  await ctx.sleep(Math.max(500, Date.now() - started));
  end();
};

export const list = async (ctx: RunContext, m: MerchantPlan, products: readonly ProductPlan[]): Promise<void> => {
  const merchantId = ctx.merchantIds.get(m.key);
  if (!merchantId) {
    ctx.tally.add('products', ' skipped: merchant not approved', products.length);
    return;
  }
  const t0 = Date.now();
  const terms = await ctx.call('GetMerchant', () => ctx.clients.merchantAccess.getMerchant({ merchantId }));
  const depositFen = terms.ok ? (terms.value.merchant?.restrictions?.depositFen ?? 0n) : 0n;
  if (depositFen > 0n) {
    const paid = await ctx.call('DepositMerchantFunds', () =>
      ctx.clients.consumerExperience.depositMerchantFunds({ requestId: ctx.rid('DepositMerchantFunds', m.key), merchantId, amountFen: depositFen, paymentRef: `${m.key}-deposit` }),
    );
    if (paid.ok) ctx.tally.add('merchants', 'deposits paid in');
  }
  for (const p of products) {
    ctx.tally.add('products', 'listings sent');
    const answer = await ctx.call('EvaluateListing', () =>
      ctx.clients.productQuality.evaluateListing({
        requestId: ctx.rid('EvaluateListing', p.key),
        action: ListingAction.LISTING_ACTION_PUBLISH,
        listing: {
          listingId: p.listingId,
          productId: p.productId,
          skuId: p.skuId,
          merchantId,
          categoryCode: p.categoryCode,
          title: p.title,
          description: p.description,
          brand: '',
          manufacturer: p.manufacturer,
          productionDate: p.producedDaysAgo === undefined ? undefined : new Date(t0 - p.producedDaysAgo * DAY),
          batchNumber: p.batchNumber,
          certificateCode: p.certificateCode,
          imageHashes: p.imageHashes,
          declaredQualifications: [],
          priceFen: p.priceFen,
        },
      }),
      // product-quality refuses (records nothing, retryable) a listing until the merchant's onboarding reached it.
      LISTING_SENT_AGAIN,
    );
    if (!answer.ok) continue;
    const r = answer.value;
    if (r.decision === ListingDecision.LISTING_DECISION_APPROVED) {
      ctx.tally.add('products', ' approved');
      ctx.onSale.add(p.key);
      continue;
    }
    ctx.tally.add('products', ' rejected');
    const codes = new Set(r.reasons.map((reason) => reason.code));
    if (r.threeNo) ctx.tally.add('products', '  "three-no" goods');
    if (r.claimHits.length > 0 || codes.has('LISTING.PROHIBITED_CLAIM')) ctx.tally.add('products', '  prohibited claims');
    if (codes.has('LISTING.QUALIFICATION_MISSING')) ctx.tally.add('products', '  qualification missing');
    if (!r.threeNo && r.claimHits.length === 0 && !codes.has('LISTING.PROHIBITED_CLAIM') && !codes.has('LISTING.QUALIFICATION_MISSING')) {
      ctx.tally.add('products', '  other reasons');
    }
  }
};

export const recordViolations = async (ctx: RunContext, merchantKey: string, violations: Scenario['violations']): Promise<void> => {
  const merchantId = ctx.merchantIds.get(merchantKey);
  if (!merchantId) return;
  for (const v of violations) {
    const answer = await ctx.call('RecordViolation', () =>
      ctx.clients.merchantAccess.recordViolation({
        requestId: ctx.rid('RecordViolation', v.key),
        merchantId,
        type: VIOLATION_TYPES[v.type],
        source: ViolationSource.VIOLATION_SOURCE_OPERATOR,
        sourceRef: v.key,
        productId: '',
        description: v.description,
        evidence: { case_ref: v.key },
      }),
    );
    if (!answer.ok) continue;
    ctx.tally.add('merchants', 'violations recorded');
    if (answer.value.removed) {
      ctx.tally.add('merchants', ' merchants removed');
      ctx.removed.add(merchantKey);
    } else if (answer.value.sanction) ctx.tally.add('merchants', ' sanctions imposed');
  }
};

import { AfterSaleStatus, FastRefundOutcome } from '@govern/contracts-consumer-experience';
import { ContentTier, LivestreamActionKind } from '@govern/contracts-content';
import { RiskBand } from '@govern/contracts-merchant-access';
import { ListingDecision } from '@govern/contracts-product-quality';
import type { PlatformClients } from '@govern/platform-clients';
import { ClientError, Status } from 'nice-grpc';
import { ErrorInfo, RichClientError } from 'nice-grpc-error-details';
import { describe, expect, it } from 'vitest';
import { Executor, SimulationAborted } from './executor';
import { silentProgress } from './progress';
import { generateScenario } from './scenario';
import { Tally } from './summary';

type Responder = (request: Record<string, unknown>) => unknown;

/** The four clients, answering every call after a tick; counts calls and the most in flight. */
const fakePlatform = (overrides: Record<string, Responder> = {}) => {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const answers: Record<string, Responder> = {
    submitApplication: (r) => ({ application: { decision: { band: RiskBand.RISK_BAND_APPROVE, reasons: [] } }, merchant: { merchantId: `m-${String(r['requestId'])}` } }),
    getMerchant: () => ({ merchant: { restrictions: { depositFen: 200_000n } } }),
    recordViolation: () => ({ removed: true }),
    runAffiliateSweep: () => ({ clearedCount: 2n, readmittedCount: 0n }),
    evaluateListing: () => ({ decision: ListingDecision.LISTING_DECISION_APPROVED, reasons: [], claimHits: [], threeNo: false }),
    createInspectionCampaign: () => ({ campaign: { campaignId: 'campaign-1' } }),
    planInspectionCampaign: () => ({ candidateCount: 3, samples: [] }),
    recordLabResult: () => ({ bans: [] }),
    assessVideo: () => ({ assessment: { tier: ContentTier.CONTENT_TIER_STANDARD, violations: [] }, penalties: [] }),
    reassessContent: () => ({ penalties: [] }),
    recordShipment: () => ({ order: { shipment: { dispatchedOnTime: true }, dispatchDueAt: new Date(0) } }),
    requestAfterSale: () => ({
      afterSale: { afterSaleId: 'as-1', status: AfterSaleStatus.AFTER_SALE_STATUS_REFUNDED, fastRefund: { outcome: FastRefundOutcome.FAST_REFUND_OUTCOME_GRANTED, preDispatch: true } },
      refund: {},
    }),
    ...overrides,
  };
  const service = (name: string) =>
    new Proxy(
      {},
      {
        get: (_target, method: string) => {
          if (method === 'streamLivestreamSignals') {
            return async function* (requests: AsyncIterable<unknown>) {
              calls.push(`${name}.${method}`);
              for await (const _request of requests) yield { action: { level: LivestreamActionKind.LIVESTREAM_ACTION_KIND_NONE } };
            };
          }
          return async (request: Record<string, unknown>) => {
            calls.push(`${name}.${method}`);
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            try {
              await new Promise((resolve) => setTimeout(resolve, 1));
              return (answers[method] ?? (() => ({})))(request);
            } finally {
              inFlight--;
            }
          };
        },
      },
    );
  const clients = {
    content: service('content'),
    productQuality: service('productQuality'),
    merchantAccess: service('merchantAccess'),
    consumerExperience: service('consumerExperience'),
    close: () => undefined,
  } as unknown as PlatformClients;
  return { clients, calls, maxInFlight: () => maxInFlight };
};

const scenario = generateScenario({ seed: 5, orders: 60 });
const run = (clients: PlatformClients, tally = new Tally(), concurrency = 3) =>
  new Executor(scenario, { clients, concurrency, progress: silentProgress, tally, settleTimeoutMs: 2_000, quietMs: 5, sleep: () => Promise.resolve() });

describe('the executor', () => {
  it('drives every service through its API, with never more calls in flight than allowed', async () => {
    const platform = fakePlatform();
    const tally = new Tally();
    const executor = run(platform.clients, tally, 3);
    const settle = await executor.run();
    expect(settle.settled).toBe(true);
    expect(platform.maxInFlight()).toBeLessThanOrEqual(3);
    expect(platform.maxInFlight()).toBeGreaterThan(1);
    for (const rpc of [
      'merchantAccess.submitApplication',
      'productQuality.evaluateListing',
      'content.assessVideo',
      'content.streamLivestreamSignals',
      'productQuality.planInspectionCampaign',
      'consumerExperience.recordOrder',
      'consumerExperience.requestAfterSale',
      'consumerExperience.fileComplaint',
      'merchantAccess.recordViolation',
      'merchantAccess.runAffiliateSweep',
      'content.reassessContent',
    ]) {
      expect(platform.calls, rpc).toContain(rpc);
    }
    // The ring re-entries apply after the removals.
    expect(platform.calls.lastIndexOf('merchantAccess.submitApplication')).toBeGreaterThan(platform.calls.indexOf('merchantAccess.recordViolation'));
    expect(tally.get('service', ' recorded')).toBe(scenario.orders.length);
    expect(tally.get('merchants', 'affiliate sweep: merchants cleared')).toBe(2);
    expect(executor.calls).toBeGreaterThan(scenario.orders.length);
  });

  it('counts a refusal and goes on', async () => {
    const platform = fakePlatform({
      recordOrder: (r) => {
        if (r['orderId'] === scenario.orders[0]?.orderId) throw new ClientError('/govern.consumer_experience.v1.ConsumerExperienceService/RecordOrder', Status.INVALID_ARGUMENT, 'bad order');
        return {};
      },
    });
    const tally = new Tally();
    await run(platform.clients, tally).run();
    expect(tally.errors()).toEqual([['RecordOrder INVALID_ARGUMENT', 1]]);
    expect(tally.get('service', ' recorded')).toBe(scenario.orders.length - 1);
  });

  it('repeats a video that links a product content has not heard of yet, until the event lands', async () => {
    let refusals = 0;
    const platform = fakePlatform({
      assessVideo: () => {
        if (refusals++ < 3) {
          throw new RichClientError('/govern.content.v1.ContentService/AssessVideo', Status.NOT_FOUND, 'Unknown product(s)', [
            ErrorInfo.fromPartial({ reason: 'CONTENT.UNKNOWN_PRODUCT', domain: 'content.govern' }),
          ]);
        }
        return { assessment: { tier: ContentTier.CONTENT_TIER_STANDARD, violations: [] }, penalties: [] };
      },
    });
    const tally = new Tally();
    await run(platform.clients, tally, 1).run();
    expect(tally.errors()).toEqual([]);
    expect(tally.get('content', 'videos assessed')).toBe(scenario.videos.length);
  });

  it('stops at the first unreachable service, saying which call failed', async () => {
    const platform = fakePlatform({
      evaluateListing: () => {
        throw new ClientError('/govern.product_quality.v1.ProductQualityService/EvaluateListing', Status.UNAVAILABLE, 'connect ECONNREFUSED 127.0.0.1:50052');
      },
    });
    const failure = await run(platform.clients).run().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SimulationAborted);
    expect((failure as Error).message).toMatch(/EvaluateListing failed with UNAVAILABLE: connect ECONNREFUSED .*is the platform running/);
    expect(platform.calls).not.toContain('consumerExperience.recordOrder');
  });
});

import { STORE_EXPERIENCE_POLICY_2026_11 } from '@govern/merchant-access-domain';
import { encodeDecisionJson, replayStored, type AnyDecisionKind, type StoredDecision } from '@govern/platform-decisions';
import { describe, expect, it } from 'vitest';
import { storeScoreDecisions } from './store-score.decision-kind';

const at = new Date('2026-11-20T00:00:00.000Z');
/** A report as stored before the service-norm figures were carried: no contact fields at all. */
const oldReport = {
  windowStart: new Date('2026-08-22T00:00:00.000Z'), windowEnd: at, orders: 400, inStockOrdersDue: 400, dispatchedWithin48h: 380, lateDispatches: 6,
  fakeShipments: 0, afterSales: 20, avgResponseMinutes: 12, disputes: 3, disputesLost: 1, complaints: 4, qualityReturns: 2, positiveReviews: 80, negativeReviews: 6,
};

/** The outcome the 2026-11-01.1 release recorded for that input, byte for byte. */
const RECORDED_2026_11 =
  '{"components":[{"dimension":"product","metric":"quality_return_rate","observed":0.005,"score":4.57,"weight":0.5},{"dimension":"product","metric":"negative_review_rate","observed":0.06976744186046512,"score":3.89,"weight":0.5},{"dimension":"logistics","metric":"dispatch_48h_rate","observed":0.95,"score":4.33,"weight":0.5},{"dimension":"logistics","metric":"late_dispatch_rate","observed":0.015,"score":4.11,"weight":0.3},{"dimension":"logistics","metric":"fake_shipment_rate","observed":0,"score":5,"weight":0.2},{"dimension":"service","metric":"avg_response_minutes","observed":12,"score":4.37,"weight":0.3},{"dimension":"service","metric":"dispute_rate","observed":0.0075,"score":4.21,"weight":0.2},{"dimension":"service","metric":"dispute_loss_rate","observed":0.0025,"score":4.16,"weight":0.25},{"dimension":"service","metric":"complaint_rate","observed":0.01,"score":3.11,"weight":0.25}],"logistics":4.4,"neutral":false,"orderCount":400,"policy":{"name":"store-experience-score","version":"2026-11-01.1"},"product":4.23,"score":4.19,"service":3.97,"windowEnd":{"$date":"2026-11-20T00:00:00.000Z"},"windowStart":{"$date":"2026-08-22T00:00:00.000Z"}}';

/** A record as the log writes it: the reasons are the summary of the recorded outcome. */
const stored = (version: string, outcomeJson: string): StoredDecision => {
  const { reasons } = storeScoreDecisions.summarize(storeScoreDecisions.decodeOutcome(outcomeJson));
  return {
    id: 1n,
    decisionId: 'store-score:old',
    kind: 'store-score',
    subjects: [{ type: 'merchant', id: 'm-old' }],
    decidedAt: at,
    policy: { name: STORE_EXPERIENCE_POLICY_2026_11.name, version },
    inputJson: encodeDecisionJson({ merchantId: 'm-old', reports: [oldReport], at }),
    outcome: '4.19',
    outcomeJson,
    reasons: [...reasons],
    reasonCodes: reasons.map((r) => r.code),
  };
};

describe('store-score decisions across the service-norm version (2026-12-05.1)', () => {
  it('replays a score recorded under 2026-11-01.1, before contact figures existed, identically', () => {
    const result = replayStored(storeScoreDecisions as AnyDecisionKind, stored('2026-11-01.1', RECORDED_2026_11));
    expect(result).toMatchObject({ verdict: 'IDENTICAL', policy: { version: '2026-11-01.1' } });
  });

  it('finds a tampered recorded score different (the replay compares, it does not rubber-stamp)', () => {
    const result = replayStored(storeScoreDecisions as AnyDecisionKind, stored('2026-11-01.1', RECORDED_2026_11.replace('"score":4.19', '"score":4.2')));
    expect(result.verdict).toBe('DIFFERENT');
  });

  it('decides under the active version, and scores an old input (no contact figures) with the after-sale, dispute and complaint metrics alone', () => {
    expect(storeScoreDecisions.active).toBe('2026-12-05.1');
    const active = storeScoreDecisions.versions['2026-12-05.1'];
    const score = active?.({ merchantId: 'm-old', reports: [oldReport], at });
    expect(score?.components.filter((c) => c.dimension === 'service').map((c) => c.metric)).toEqual(['avg_response_minutes', 'dispute_rate', 'dispute_loss_rate', 'complaint_rate']);
    expect(score?.policy.version).toBe('2026-12-05.1');
  });
});

import { STORE_EXPERIENCE_POLICY, type StoreExperiencePolicy } from './policies/store-experience.policy';
import { computeStoreExperienceScore, type MetricTotals } from './store-experience-score';

/**
 * What would move a merchant's store experience score to the next band (issue 16.5), computed
 * with the same pure score function the live score uses, on adjusted window totals: never a
 * second formula that could drift from it.
 *
 * Every lever is monotone (more clean orders, or fewer of one kind of incident, never lowers the
 * score), so the smallest change that reaches the target is found by a bounded binary search per
 * lever. A lever that cannot reach the target alone (removing every complaint is not enough) says
 * so instead of naming a number.
 */

/** Edges of the bands a merchant sees: the affiliate programme's minimum (4.0) among half points. */
export const STORE_SCORE_BANDS: readonly number[] = [1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0];

/** The lowest band edge above `score`; undefined at the top. */
export const nextScoreBand = (score: number, bands: readonly number[] = STORE_SCORE_BANDS): number | undefined => bands.find((edge) => edge > score);

export type RecoveryLever =
  /** More in-stock orders dispatched within 48 h with no incident, in the window. */
  | 'ON_TIME_ORDERS'
  | 'FEWER_COMPLAINTS'
  | 'FEWER_DISPUTES'
  | 'FEWER_DISPUTES_LOST'
  | 'FEWER_LATE_DISPATCHES'
  | 'FEWER_QUALITY_RETURNS'
  | 'FEWER_NEGATIVE_REVIEWS';

export interface LeverRecovery {
  lever: RecoveryLever;
  /** The smallest change (orders more, or incidents fewer) that reaches the target; undefined when this lever alone cannot. */
  needed?: number;
  /** The score with that change (or with the lever pulled all the way when it cannot reach). */
  scoreWith: number;
}

export interface StoreScoreRecovery {
  score: number;
  /** The band edge aimed at; undefined when the score is at the top. */
  target?: number;
  /** Under the policy's minimum orders the score is neutral: these many more orders make it the merchant's own. */
  ordersUntilScored?: number;
  levers: LeverRecovery[];
}

/** Most extra orders searched: beyond this the answer is "not by orders alone". */
const MAX_EXTRA_ORDERS = 1_000_000;

type Adjust = (totals: MetricTotals, n: number) => MetricTotals;

const fewer =
  (key: 'complaints' | 'disputes' | 'disputesLost' | 'lateDispatches' | 'qualityReturns' | 'negativeReviews'): Adjust =>
  (totals, n) => {
    const adjusted = { ...totals, [key]: totals[key] - n };
    // A lost dispute is a dispute: fewer disputes cannot leave more lost than there are.
    if (key === 'disputes') adjusted.disputesLost = Math.min(adjusted.disputesLost, adjusted.disputes);
    return adjusted;
  };

const LEVERS: readonly { lever: RecoveryLever; adjust: Adjust; bound: (totals: MetricTotals) => number }[] = [
  {
    lever: 'ON_TIME_ORDERS',
    adjust: (t, n) => ({ ...t, orders: t.orders + n, inStockOrdersDue: t.inStockOrdersDue + n, dispatchedWithin48h: t.dispatchedWithin48h + n }),
    bound: () => MAX_EXTRA_ORDERS,
  },
  { lever: 'FEWER_COMPLAINTS', adjust: fewer('complaints'), bound: (t) => t.complaints },
  { lever: 'FEWER_DISPUTES', adjust: fewer('disputes'), bound: (t) => t.disputes },
  { lever: 'FEWER_DISPUTES_LOST', adjust: fewer('disputesLost'), bound: (t) => t.disputesLost },
  { lever: 'FEWER_LATE_DISPATCHES', adjust: fewer('lateDispatches'), bound: (t) => t.lateDispatches },
  { lever: 'FEWER_QUALITY_RETURNS', adjust: fewer('qualityReturns'), bound: (t) => t.qualityReturns },
  { lever: 'FEWER_NEGATIVE_REVIEWS', adjust: fewer('negativeReviews'), bound: (t) => t.negativeReviews },
];

/** The live score function on window totals: one report spanning the window holds exactly them. */
export const scoreOfTotals = (totals: MetricTotals, at: Date, policy: StoreExperiencePolicy = STORE_EXPERIENCE_POLICY): number =>
  computeStoreExperienceScore([{ ...totals, windowStart: new Date(at.getTime() - policy.windowMs), windowEnd: at }], at, policy).score;

export const storeScoreRecovery = (
  totals: MetricTotals,
  at: Date,
  options: { policy?: StoreExperiencePolicy; target?: number; bands?: readonly number[] } = {},
): StoreScoreRecovery => {
  const policy = options.policy ?? STORE_EXPERIENCE_POLICY;
  const score = scoreOfTotals(totals, at, policy);
  if (totals.orders < policy.minOrders) return { score, ordersUntilScored: policy.minOrders - totals.orders, levers: [] };
  const target = options.target ?? nextScoreBand(score, options.bands);
  if (target === undefined) return { score, levers: [] };
  const scoreWith = (adjust: Adjust, n: number): number => scoreOfTotals(adjust(totals, n), at, policy);
  const levers = LEVERS.filter(({ bound }) => bound(totals) > 0).map(({ lever, adjust, bound }): LeverRecovery => {
    if (score >= target) return { lever, needed: 0, scoreWith: score };
    const most = bound(totals);
    const best = scoreWith(adjust, most);
    if (best < target) return { lever, scoreWith: best };
    // Smallest n in (0, most] with score >= target: monotone, so bisect.
    let low = 0;
    let high = most;
    while (high - low > 1) {
      const mid = Math.floor((low + high) / 2);
      if (scoreWith(adjust, mid) >= target) high = mid;
      else low = mid;
    }
    return { lever, needed: high, scoreWith: scoreWith(adjust, high) };
  });
  return { score, target, levers };
};

import { decisionKindOfPolicies } from '@govern/platform-decisions';
import { computeStoreExperienceScore, STORE_EXPERIENCE_POLICIES, type ServiceMetricsReport, type StoreExperienceScore } from '@govern/merchant-access-domain';
import { reason } from '@govern/policy-core';

/**
 * The store-score decision's input as evaluated: the service-metrics reports of the 90-day
 * window the score read (their order counts included) and the end of that window.
 */
export interface StoreScoreFacts {
  merchantId: string;
  reports: readonly ServiceMetricsReport[];
  at: Date;
}

/**
 * A score has no verdict of its own: its outcome is the score itself ("NEUTRAL" below the
 * order minimum), so a shadow candidate agrees only when it gives the same score; the reasons
 * are the components that make it up.
 */
const summarizeScore = (score: StoreExperienceScore) => ({
  outcome: score.neutral ? 'NEUTRAL' : score.score.toFixed(2),
  reasons: score.components.map((c) =>
    reason(`STORE_SCORE.${c.metric.toUpperCase()}`, `${c.metric} ${c.observed} scores ${c.score} (${c.dimension}, weight ${c.weight})`, {
      observed: String(c.observed),
      score: String(c.score),
    }),
  ),
});

export const storeScoreDecisions = decisionKindOfPolicies({
  kind: 'store-score',
  policies: STORE_EXPERIENCE_POLICIES,
  decide: (policy, facts: StoreScoreFacts): StoreExperienceScore => computeStoreExperienceScore(facts.reports, facts.at, policy),
  summarize: summarizeScore,
  subjectOf: (facts) => [{ type: 'merchant', id: facts.merchantId }],
});

import { decisionKindOfPolicies } from '@govern/platform-decisions';
import { recordViolation, VIOLATION_POLICIES, type NewViolation, type SanctionRecord, type ViolationOutcome, type ViolationRecord } from '@govern/merchant-access-domain';

/**
 * The violation-points decision's input as evaluated: the merchant's violations and unlifted
 * sanctions the 365-day window (and any sanction still running) reaches, the deposit left, the
 * violation recorded (its type says whether it is zero-tolerance under the version applied) with
 * its times, and the id a sanction it imposes gets.
 */
export interface ViolationPointsFacts {
  merchantId: string;
  violations: readonly ViolationRecord[];
  sanctions: readonly SanctionRecord[];
  depositFen: bigint;
  violation: NewViolation;
  sanctionId: string;
}

/** The outcome in words: the strongest consequence the violation had. */
const outcomeOf = (outcome: ViolationOutcome): string => (outcome.removed ? 'REMOVED' : (outcome.sanction?.kind ?? 'POINTS_ADDED'));

export const violationPointsDecisions = decisionKindOfPolicies({
  kind: 'violation-points',
  policies: VIOLATION_POLICIES,
  decide: (policy, facts: ViolationPointsFacts): ViolationOutcome =>
    recordViolation({ violations: facts.violations, sanctions: facts.sanctions, depositFen: facts.depositFen }, facts.violation, facts.sanctionId, policy),
  summarize: (outcome: ViolationOutcome) => ({ outcome: outcomeOf(outcome), reasons: outcome.reasons }),
  // The deposit a zero-tolerance violation forfeits.
  moneyAtStake: (_facts, outcome) => outcome.depositForfeitedFen,
  subjectOf: (facts) => [
    { type: 'violation', id: facts.violation.id },
    { type: 'merchant', id: facts.merchantId },
  ],
});

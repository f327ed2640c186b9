import type { PolicyRef } from '@govern/policy-core';
import { firstDifference, type Difference } from './codec/first-difference';
import type { AnyDecisionKind } from './kinds/decision-kind';
import type { StoredDecision } from './store/decision-store';

export type ReplayVerdict = 'IDENTICAL' | 'DIFFERENT' | 'NOT_REPLAYABLE';

export interface ReplayResult {
  decisionId: string;
  kind: string;
  verdict: ReplayVerdict;
  /** The recorded policy, which the replay recomputed with. */
  policy: PolicyRef;
  /** Where the recomputation first differs (DIFFERENT). */
  difference?: Difference | undefined;
  /** Why it could not be recomputed (NOT_REPLAYABLE). */
  detail?: string | undefined;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/** The reason codes of a summary, each once, in order. */
export const reasonCodesOf = (reasons: readonly { code: string }[]): string[] => [...new Set(reasons.map((reason) => reason.code))];

/**
 * Recomputes a recorded decision with the version it names and compares: first the whole
 * outcome (paths from `$`), then the summary columns stored beside it, which reports and
 * backtests count on (paths `record.<column>`). The recomputed outcome goes through the
 * kind's codec first, so it is compared as it would have been stored.
 */
export const replayStored = (kind: AnyDecisionKind | undefined, stored: StoredDecision): ReplayResult => {
  const base = { decisionId: stored.decisionId, kind: stored.kind, policy: stored.policy };
  const notReplayable = (detail: string): ReplayResult => ({ ...base, verdict: 'NOT_REPLAYABLE', detail });
  if (!kind) return notReplayable(`decision kind "${stored.kind}" is not registered in this service`);
  const policy = Object.hasOwn(kind.versions, stored.policy.version) ? kind.versions[stored.policy.version] : undefined;
  if (!policy) return notReplayable(`policy version "${stored.policy.version}" of ${stored.kind} is no longer loadable`);

  let input: unknown;
  let recorded: unknown;
  try {
    input = kind.decodeInput(stored.inputJson);
  } catch (error) {
    return notReplayable(`the recorded input cannot be read: ${message(error)}`);
  }
  try {
    recorded = kind.decodeOutcome(stored.outcomeJson);
  } catch (error) {
    return notReplayable(`the recorded outcome cannot be read: ${message(error)}`);
  }
  let recomputed: unknown;
  try {
    recomputed = kind.decodeOutcome(kind.encodeOutcome(policy(input)));
  } catch (error) {
    return notReplayable(`the policy failed on the recorded input: ${message(error)}`);
  }

  const different = (difference: Difference): ReplayResult => ({ ...base, verdict: 'DIFFERENT', difference });
  const outcomeDifference = kind.compare(recorded, recomputed);
  if (outcomeDifference) return different(outcomeDifference);

  const summary = kind.summarize(recomputed);
  const columns: [string, unknown, unknown][] = [
    ['record.outcome_code', stored.outcome, summary.outcome],
    ['record.reason_codes', stored.reasonCodes, reasonCodesOf(summary.reasons)],
    ['record.money_at_stake_fen', stored.moneyAtStakeFen, kind.moneyAtStake?.(input, recomputed)],
  ];
  for (const [path, was, is] of columns) {
    const found = firstDifference(was, is);
    if (found) return different({ path: found.path === '$' ? path : `${path}${found.path.slice(1)}`, recorded: found.recorded, recomputed: found.recomputed });
  }
  return { ...base, verdict: 'IDENTICAL' };
};

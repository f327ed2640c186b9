import type { ResourceRef } from './kinds/decision-kind';

/**
 * Accumulates a backtest while the decisions of a window stream past: counts per outcome
 * and reason on each side, money at stake, outcome changes with a bounded number of
 * examples. Memory grows with the number of distinct codes, never with the window.
 */
export type BacktestBaseline = 'RECORDED' | 'ACTIVE_VERSION';

export interface CodeCount {
  code: string;
  count: number;
}

export interface OutcomeTally {
  /** Most frequent first, then by code. */
  outcomes: CodeCount[];
  reasons: CodeCount[];
  /** Undefined for kinds that move no money. */
  moneyAtStakeFen?: bigint | undefined;
}

export interface BacktestExample {
  decisionId: string;
  subjects: ResourceRef[];
  decidedAt: Date;
  baselineReasonCodes: string[];
  candidateReasonCodes: string[];
  baselineMoneyFen?: bigint | undefined;
  candidateMoneyFen?: bigint | undefined;
}

export interface OutcomeChange {
  baselineOutcome: string;
  candidateOutcome: string;
  count: number;
  baselineMoneyFen?: bigint | undefined;
  candidateMoneyFen?: bigint | undefined;
  examples: BacktestExample[];
}

export interface BacktestReport {
  kind: string;
  /** The candidate version, or `parameters:<hash>`. */
  candidate: string;
  baseline: BacktestBaseline;
  evaluated: number;
  outcomeChanged: number;
  reasonsChanged: number;
  failed: number;
  firstFailure: string;
  truncated: boolean;
  baselineTally: OutcomeTally;
  candidateTally: OutcomeTally;
  changes: OutcomeChange[];
}

/** One side of one decision, as the tally needs it. */
export interface SideResult {
  outcome: string;
  reasonCodes: string[];
  moneyFen?: bigint | undefined;
}

export interface DecisionRef {
  decisionId: string;
  subjects: ResourceRef[];
  decidedAt: Date;
}

const addMoney = (sum: bigint | undefined, value: bigint | undefined): bigint | undefined => (value === undefined ? sum : (sum ?? 0n) + value);

class SideTally {
  readonly outcomes = new Map<string, number>();
  readonly reasons = new Map<string, number>();
  money: bigint | undefined;

  add(side: SideResult): void {
    this.outcomes.set(side.outcome, (this.outcomes.get(side.outcome) ?? 0) + 1);
    for (const code of new Set(side.reasonCodes)) this.reasons.set(code, (this.reasons.get(code) ?? 0) + 1);
    this.money = addMoney(this.money, side.moneyFen);
  }

  result(movesMoney: boolean): OutcomeTally {
    return { outcomes: sortedCounts(this.outcomes), reasons: sortedCounts(this.reasons), moneyAtStakeFen: movesMoney ? (this.money ?? 0n) : undefined };
  }
}

const sortedCounts = (counts: Map<string, number>): CodeCount[] =>
  [...counts].map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

const sameCodes = (a: readonly string[], b: readonly string[]): boolean => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((code) => right.has(code));
};

export class BacktestTally {
  private readonly baseline = new SideTally();
  private readonly candidate = new SideTally();
  private readonly changes = new Map<string, OutcomeChange>();
  private evaluated = 0;
  private outcomeChanged = 0;
  private reasonsChanged = 0;
  private failed = 0;
  private firstFailure = '';

  constructor(
    private readonly options: { kind: string; candidate: string; baseline: BacktestBaseline; exampleLimit: number; movesMoney: boolean },
  ) {}

  /** A decision both sides evaluated. */
  add(decision: DecisionRef, baseline: SideResult, candidate: SideResult): void {
    this.evaluated++;
    this.baseline.add(baseline);
    this.candidate.add(candidate);
    if (baseline.outcome === candidate.outcome) {
      if (!sameCodes(baseline.reasonCodes, candidate.reasonCodes)) this.reasonsChanged++;
      return;
    }
    this.outcomeChanged++;
    const key = JSON.stringify([baseline.outcome, candidate.outcome]);
    let change = this.changes.get(key);
    if (!change) {
      change = { baselineOutcome: baseline.outcome, candidateOutcome: candidate.outcome, count: 0, examples: [] };
      this.changes.set(key, change);
    }
    change.count++;
    change.baselineMoneyFen = addMoney(change.baselineMoneyFen, baseline.moneyFen);
    change.candidateMoneyFen = addMoney(change.candidateMoneyFen, candidate.moneyFen);
    if (change.examples.length < this.options.exampleLimit) {
      change.examples.push({
        decisionId: decision.decisionId,
        subjects: decision.subjects,
        decidedAt: decision.decidedAt,
        baselineReasonCodes: baseline.reasonCodes,
        candidateReasonCodes: candidate.reasonCodes,
        baselineMoneyFen: baseline.moneyFen,
        candidateMoneyFen: candidate.moneyFen,
      });
    }
  }

  /** A decision one side could not evaluate: counted apart, in no tally. */
  fail(decision: DecisionRef, error: unknown): void {
    this.evaluated++;
    this.failed++;
    if (!this.firstFailure) this.firstFailure = `${decision.decisionId}: ${(error instanceof Error ? error.message : String(error)).slice(0, 500)}`;
  }

  report(truncated: boolean): BacktestReport {
    const { kind, candidate, baseline, movesMoney } = this.options;
    return {
      kind,
      candidate,
      baseline,
      evaluated: this.evaluated,
      outcomeChanged: this.outcomeChanged,
      reasonsChanged: this.reasonsChanged,
      failed: this.failed,
      firstFailure: this.firstFailure,
      truncated,
      baselineTally: this.baseline.result(movesMoney),
      candidateTally: this.candidate.result(movesMoney),
      changes: [...this.changes.values()].sort(
        (a, b) => b.count - a.count || a.baselineOutcome.localeCompare(b.baselineOutcome) || a.candidateOutcome.localeCompare(b.candidateOutcome),
      ),
    };
  }
}

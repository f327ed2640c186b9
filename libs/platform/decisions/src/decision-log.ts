import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Actor } from '@govern/contracts-common';
import { afterCommit, runInTransaction, type SqlTx, type TransactionalClient } from '@govern/platform-db';
import type { ServiceMetrics } from '@govern/platform-observability';
import { notFound, randomIds, ValidationError, type Clock, type IdGenerator } from '@govern/policy-core';
import type { Logger } from 'pino';
import { BacktestTally, type BacktestBaseline, type BacktestReport, type SideResult } from './backtest';
import { parametersVersion, type AnyDecisionKind, type DecisionKind, type PolicyFunction, type ResourceRef, type SomeDecisionKind } from './kinds/decision-kind';
import { reasonCodesOf, replayStored, type ReplayResult } from './replay';
import { createShadowSettingsCache } from './shadow-cache';
import {
  insertDecisionRows,
  selectDecision,
  selectDecisionPage,
  selectWindowBatch,
  type DecisionFilter,
  type DecisionKey,
  type NewDecisionRow,
  type StoredDecision,
  type TimeWindow,
} from './store/decision-store';
import { selectShadowReports, type ShadowReport, type ShadowReportQuery } from './store/shadow-report.store';
import { insertShadowSetting, insertShadowSettingsIfNone, selectCurrentShadowSettings, type ShadowSetting } from './store/shadow-settings.store';

/** What evaluateWithShadow returns: the live outcome to act on, and the candidate's beside it. */
export interface Evaluation<I, O> {
  readonly kind: DecisionKind<I, O>;
  readonly input: I;
  /** The active version, which produced `outcome`. */
  readonly version: string;
  readonly outcome: O;
  readonly decidedAt: Date;
  /** The shadow candidate's evaluation when one is on: recorded, never to be acted on. */
  readonly shadow?: { readonly version: string; readonly outcome?: O; readonly error?: string } | undefined;
}

/** A decision to record in the caller's transaction. */
export interface DecisionToRecord<I, O> {
  evaluation: Evaluation<I, O>;
  /** Unique id; a new one when left out. Recording an id twice keeps the first. */
  decisionId?: string | undefined;
  /**
   * Who caused it: the caller of the mutation, the event's actor for a consumer, the actor that
   * scheduled a job or else the service (a unit of work's `actor`). Required so that no call site
   * forgets it; undefined only where there is truly no one (tests of the log itself).
   */
  actor: Actor | undefined;
  requestId?: string | undefined;
  correlationId?: string | undefined;
  /** Overrides `kind.subjectOf(input)`. */
  subjects?: readonly ResourceRef[] | undefined;
}

/** Decisions of different kinds recorded together (a cascade's compensations and points). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SomeDecisionToRecord = DecisionToRecord<any, any>;
/** A decision a service's unit of work records: the unit adds its actor (and its cause's request and correlation ids). */
export type UnitDecisionToRecord = Omit<SomeDecisionToRecord, 'actor'>;

export interface DecisionLogOptions<Tx extends SqlTx> {
  /** The service's Prisma client (raw SQL and transactions are all that is used). */
  db: TransactionalClient<Tx> & SqlTx;
  kinds: readonly SomeDecisionKind[];
  clock: Clock;
  ids?: IdGenerator;
  log: Pick<Logger, 'warn'>;
  /** How stale the shadow settings may get on a replica that did not make the change (default 5 s). */
  shadowRefreshMs?: number;
  /** Most decisions one backtest or bulk replay walks (default 1,000,000). */
  maxScan?: number;
  /** Decisions read per page of a walk (default 500). */
  batchSize?: number;
  /**
   * The governance counters (govern_decisions_total, govern_decision_reasons_total): each recorded
   * decision is counted once its transaction commits (the service's `ctx.metrics`).
   */
  metrics?: Pick<ServiceMetrics, 'decision'>;
}

export interface ReadOptions {
  deadline?: Date | undefined;
}

export interface ShadowPolicyChange {
  kind: string;
  candidateVersion?: string | undefined;
  enabled: boolean;
  note?: string | undefined;
  actor: Actor;
  requestId?: string | undefined;
}

export interface BacktestRequest extends ReadOptions {
  kind: string;
  candidate: { version: string } | { parameters: unknown };
  window: TimeWindow;
  baseline?: BacktestBaseline;
  exampleLimit?: number;
  maxDecisions?: number;
}

export interface BulkReplayReport {
  replayed: number;
  identical: number;
  different: number;
  notReplayable: number;
  truncated: boolean;
  /** The first results that are not identical, oldest first. */
  results: ReplayResult[];
}

export type DecisionLog = ReturnType<typeof createDecisionLog>;

const invalid = (field: string, description: string, reason = 'INVALID'): ValidationError => new ValidationError([{ field, description, reason }]);

/**
 * A service's decision records over its registered kinds: the live hook
 * (evaluateWithShadow + recordDecisions in the deciding transaction) and the operator
 * side (read, replay, shadow settings and reports, backtests) the ops gRPC service serves.
 */
export const createDecisionLog = <Tx extends SqlTx>(options: DecisionLogOptions<Tx>) => {
  const { db, clock } = options;
  const ids = options.ids ?? randomIds;
  const maxScan = options.maxScan ?? 1_000_000;
  const batchSize = options.batchSize ?? 500;
  const kinds = new Map<string, AnyDecisionKind>();
  for (const kind of options.kinds as readonly AnyDecisionKind[]) {
    if (kinds.has(kind.kind)) throw new Error(`decision kind "${kind.kind}" is registered twice`);
    kinds.set(kind.kind, kind);
  }
  const shadowSettings = createShadowSettingsCache({
    load: () => selectCurrentShadowSettings(db),
    refreshMs: options.shadowRefreshMs ?? 5_000,
    log: options.log,
  });
  const missingCandidates = new Set<string>();

  const registered = (kind: { kind: string }): AnyDecisionKind => {
    const found = kinds.get(kind.kind);
    if (!found || found !== (kind as unknown)) throw new Error(`decision kind "${kind.kind}" is not the one registered with this decision log`);
    return found;
  };

  /** A kind named in a request; INVALID_ARGUMENT when the service has no such kind. */
  const kindNamed = (name: string, field = 'kind'): AnyDecisionKind => {
    const kind = kinds.get(name);
    if (!kind) throw invalid(field, `is not a decision kind of this service (${[...kinds.keys()].join(', ') || 'none'})`, 'UNKNOWN_DECISION_KIND');
    return kind;
  };

  const versionOf = (kind: AnyDecisionKind, version: string, field: string): PolicyFunction<unknown, unknown> => {
    const policy = Object.hasOwn(kind.versions, version) ? kind.versions[version] : undefined;
    if (!policy) throw invalid(field, `is not a loadable version of ${kind.kind} (${Object.keys(kind.versions).join(', ')})`, 'UNKNOWN_POLICY_VERSION');
    return policy;
  };

  const read = <T>(work: (tx: Tx) => Promise<T>, opts: ReadOptions = {}): Promise<T> => runInTransaction(db, work, { deadline: opts.deadline });

  /** Walks a window oldest first in pages, at most `limit` decisions; says whether more were left. */
  const walk = async (filter: { kind?: string | undefined; window: TimeWindow }, limit: number, opts: ReadOptions, visit: (d: StoredDecision) => void): Promise<boolean> => {
    let after: DecisionKey | undefined;
    let seen = 0;
    for (;;) {
      const take = Math.min(batchSize, limit - seen + 1);
      const batch = await read((tx) => selectWindowBatch(tx, filter, { limit: take, after }), opts);
      for (const decision of batch) {
        if (seen === limit) return true;
        seen++;
        visit(decision);
      }
      if (batch.length < take) return false;
      const last = batch[batch.length - 1] as StoredDecision;
      after = { decidedAt: last.decidedAt, id: last.id };
      // Evaluation is CPU work on the service's event loop: let its live calls in between pages.
      await yieldToEventLoop();
    }
  };

  /**
   * Counts recorded decisions after their transaction commits. A transaction no platform runner
   * owns (a bare Prisma `$transaction`) cannot be watched: its decisions are counted at once.
   */
  const countWhenCommitted = (tx: SqlTx, records: readonly DecisionToRecord<unknown, unknown>[], rows: readonly NewDecisionRow[]): void => {
    const { metrics } = options;
    if (!metrics) return;
    const count = (): void => {
      rows.forEach((row, i) => {
        const evaluation = records[i]?.evaluation;
        const band = evaluation ? evaluation.kind.summarize(evaluation.outcome).band : undefined;
        metrics.decision({ decisionType: row.kind, outcome: row.outcome, band, policyVersion: row.policy.version, reasonCodes: row.reasonCodes });
      });
    };
    if (!afterCommit(tx, count)) count();
  };

  const rowOf = <I, O>(record: DecisionToRecord<I, O>): NewDecisionRow => {
    const { evaluation } = record;
    const kind = evaluation.kind;
    const summary = kind.summarize(evaluation.outcome);
    const reasonCodes = reasonCodesOf(summary.reasons);
    const shadow = evaluation.shadow;
    let shadowRecord: NewDecisionRow['shadow'];
    if (shadow) {
      if (shadow.error !== undefined || shadow.outcome === undefined) {
        shadowRecord = { candidateVersion: shadow.version, outcome: '', reasonCodes: [], agrees: false, outcomeJson: '', error: shadow.error ?? 'no outcome' };
      } else {
        const candidate = kind.summarize(shadow.outcome);
        shadowRecord = {
          candidateVersion: shadow.version,
          outcome: candidate.outcome,
          reasonCodes: reasonCodesOf(candidate.reasons),
          agrees: candidate.outcome === summary.outcome,
          outcomeJson: kind.encodeOutcome(shadow.outcome),
          error: '',
        };
      }
    }
    return {
      decisionId: record.decisionId ?? ids.next(),
      kind: kind.kind,
      subjects: [...(record.subjects ?? kind.subjectOf(evaluation.input))],
      decidedAt: evaluation.decidedAt,
      policy: { name: kind.policyName, version: evaluation.version },
      inputJson: kind.encodeInput(evaluation.input),
      outcome: summary.outcome,
      outcomeJson: kind.encodeOutcome(evaluation.outcome),
      reasons: summary.reasons.map(({ code, message, evidence, weight }) => ({ code, message, evidence, weight })),
      reasonCodes,
      moneyAtStakeFen: kind.moneyAtStake?.(evaluation.input, evaluation.outcome),
      actor: record.actor,
      requestId: record.requestId,
      correlationId: record.correlationId,
      shadow: shadowRecord,
    };
  };

  const sideOf = (kind: AnyDecisionKind, input: unknown, outcome: unknown): SideResult => {
    const summary = kind.summarize(outcome);
    return { outcome: summary.outcome, reasonCodes: reasonCodesOf(summary.reasons), moneyFen: kind.moneyAtStake?.(input, outcome) };
  };

  return {
    /** The registered kinds, by name. */
    kinds: (): AnyDecisionKind[] => [...kinds.values()].sort((a, b) => a.kind.localeCompare(b.kind)),

    /**
     * The live hook: evaluates `input` with the active version (the outcome to act on) and,
     * when a shadow candidate is on for the kind, with the candidate too. A candidate that
     * throws is recorded as failed; it never affects the live outcome.
     */
    async evaluateWithShadow<I, O>(kind: DecisionKind<I, O>, input: I): Promise<Evaluation<I, O>> {
      registered(kind);
      const outcome = (kind.versions[kind.active] as PolicyFunction<I, O>)(input);
      const decidedAt = clock.now();
      const setting = shadowSettings.current(kind.kind);
      const candidateVersion = setting?.enabled ? setting.candidateVersion : undefined;
      if (!candidateVersion || candidateVersion === kind.active) return { kind, input, version: kind.active, outcome, decidedAt };
      const candidate = Object.hasOwn(kind.versions, candidateVersion) ? kind.versions[candidateVersion] : undefined;
      if (!candidate) {
        // A replica running older code than the one the setting was made on.
        if (!missingCandidates.has(`${kind.kind}@${candidateVersion}`)) {
          missingCandidates.add(`${kind.kind}@${candidateVersion}`);
          options.log.warn({ kind: kind.kind, candidate: candidateVersion }, 'shadow candidate is not loadable here; deciding without shadow');
        }
        return { kind, input, version: kind.active, outcome, decidedAt };
      }
      try {
        return { kind, input, version: kind.active, outcome, decidedAt, shadow: { version: candidateVersion, outcome: candidate(input) } };
      } catch (error) {
        return { kind, input, version: kind.active, outcome, decidedAt, shadow: { version: candidateVersion, error: (error instanceof Error ? error.message : String(error)).slice(0, 1000) } };
      }
    },

    /** Records decisions in the caller's transaction, in one statement; returns their ids. */
    async recordDecisions(tx: SqlTx, records: readonly SomeDecisionToRecord[]): Promise<string[]> {
      const rows = (records as readonly DecisionToRecord<unknown, unknown>[]).map((record) => {
        registered(record.evaluation.kind);
        return rowOf(record);
      });
      await insertDecisionRows(tx, rows);
      countWhenCommitted(tx, records as readonly DecisionToRecord<unknown, unknown>[], rows);
      return rows.map((row) => row.decisionId);
    },

    /** One decision in the caller's transaction; returns its id. */
    async recordDecision<I, O>(tx: SqlTx, record: DecisionToRecord<I, O>): Promise<string> {
      registered(record.evaluation.kind);
      const row = rowOf(record);
      await insertDecisionRows(tx, [row]);
      countWhenCommitted(tx, [record as DecisionToRecord<unknown, unknown>], [row]);
      return row.decisionId;
    },

    async getDecision(decisionId: string, opts?: ReadOptions): Promise<StoredDecision> {
      const found = await read((tx) => selectDecision(tx, decisionId), opts);
      if (!found) throw notFound('DECISION.NOT_FOUND', 'No decision with this id', { decision_id: decisionId.slice(0, 128) });
      return found;
    },

    /** A page newest first, strictly before `before`; one more than `limit` is not read. */
    listDecisions: (filter: DecisionFilter, page: { limit: number; before?: DecisionKey | undefined; full: boolean }, opts?: ReadOptions): Promise<StoredDecision[]> => {
      if (filter.kind) kindNamed(filter.kind);
      return read((tx) => selectDecisionPage(tx, filter, page), opts);
    },

    async replayDecision(decisionId: string, opts?: ReadOptions): Promise<ReplayResult> {
      const stored = await read((tx) => selectDecision(tx, decisionId), opts);
      if (!stored) throw notFound('DECISION.NOT_FOUND', 'No decision with this id', { decision_id: decisionId.slice(0, 128) });
      return replayStored(kinds.get(stored.kind), stored);
    },

    async replayDecisions(request: { kind?: string | undefined; window: TimeWindow; maxDecisions?: number; maxResults?: number } & ReadOptions): Promise<BulkReplayReport> {
      if (request.kind) kindNamed(request.kind);
      const report: BulkReplayReport = { replayed: 0, identical: 0, different: 0, notReplayable: 0, truncated: false, results: [] };
      const maxResults = request.maxResults ?? 20;
      report.truncated = await walk({ kind: request.kind, window: request.window }, Math.min(request.maxDecisions ?? maxScan, maxScan), request, (stored) => {
        const result = replayStored(kinds.get(stored.kind), stored);
        report.replayed++;
        if (result.verdict === 'IDENTICAL') report.identical++;
        else if (result.verdict === 'DIFFERENT') report.different++;
        else report.notReplayable++;
        if (result.verdict !== 'IDENTICAL' && report.results.length < maxResults) report.results.push(result);
      });
      return report;
    },

    /**
     * Loads the shadow settings into this replica's memory and waits (`seedShadowPolicies` does
     * too). Call at start, outside any transaction: live decisions only read memory, so until a
     * load has finished they decide without shadow.
     */
    async loadShadowSettings(): Promise<void> {
      await shadowSettings.reload();
    },

    /** The shadow setting in force per kind (fresh from the database). */
    shadowPolicies: (opts?: ReadOptions): Promise<ShadowSetting[]> => read((tx) => selectCurrentShadowSettings(tx), opts),

    /**
     * Switches a candidate on or off for a kind, in the caller's transaction (the ops handler
     * runs it as an idempotent mutation). The candidate must be loadable here and not active.
     */
    async setShadowPolicy(tx: SqlTx, change: ShadowPolicyChange): Promise<ShadowSetting> {
      const kind = kindNamed(change.kind);
      if (change.enabled && !change.candidateVersion) throw invalid('candidate_version', 'is required to switch a shadow policy on', 'REQUIRED');
      if (change.candidateVersion) {
        versionOf(kind, change.candidateVersion, 'candidate_version');
        if (change.candidateVersion === kind.active) throw invalid('candidate_version', 'is the active version: a shadow candidate must differ from it', 'CANDIDATE_IS_ACTIVE');
      }
      const setting: ShadowSetting = {
        kind: kind.kind,
        candidateVersion: change.candidateVersion || undefined,
        enabled: change.enabled,
        note: change.note ?? '',
        changedAt: clock.now(),
        changedBy: change.actor,
        requestId: change.requestId,
      };
      await insertShadowSetting(tx, setting);
      // In force here once committed (never read back inside a decision's transaction: see the cache).
      if (!afterCommit(tx, () => shadowSettings.applied(setting))) shadowSettings.markStale();
      return setting;
    },

    /**
     * The service's configured shadow candidates (`{ 'fast-refund': '2026-12-01.1' }`),
     * recorded with the service as actor for kinds that never had a setting; kinds an
     * operator already set keep theirs. Call once at start; returns the kinds seeded.
     */
    async seedShadowPolicies(configured: Readonly<Record<string, string>>, actor: Actor): Promise<string[]> {
      const settings = Object.entries(configured).map(([name, version]): ShadowSetting => {
        const kind = kindNamed(name, `shadow_policies.${name}`);
        versionOf(kind, version, `shadow_policies.${name}`);
        return { kind: name, candidateVersion: version, enabled: true, note: 'from the service configuration', changedAt: clock.now(), changedBy: actor };
      });
      const seeded = await runInTransaction(db, (tx) => insertShadowSettingsIfNone(tx, settings));
      // Loaded here, at start and outside any transaction: live decisions only ever read memory.
      await shadowSettings.reload();
      return seeded;
    },

    shadowReport(query: ShadowReportQuery & ReadOptions): Promise<ShadowReport[]> {
      if (query.kind) kindNamed(query.kind);
      return read((tx) => selectShadowReports(tx, query), query);
    },

    /**
     * Re-evaluates the recorded inputs of a window with a candidate and compares with the
     * baseline: streamed in pages, bounded memory, nothing recorded or acted on.
     */
    async runBacktest(request: BacktestRequest): Promise<BacktestReport> {
      const kind = kindNamed(request.kind);
      let candidate: PolicyFunction<unknown, unknown>;
      let candidateName: string;
      if ('version' in request.candidate) {
        candidate = versionOf(kind, request.candidate.version, 'candidate_version');
        candidateName = request.candidate.version;
      } else {
        if (!kind.withParameters) throw invalid('candidate_parameters_json', `${kind.kind} accepts candidate versions only`, 'PARAMETERS_NOT_ACCEPTED');
        candidate = kind.withParameters(request.candidate.parameters);
        candidateName = parametersVersion(request.candidate.parameters);
      }
      const baseline = request.baseline ?? 'RECORDED';
      const active = kind.versions[kind.active] as PolicyFunction<unknown, unknown>;
      const tally = new BacktestTally({ kind: kind.kind, candidate: candidateName, baseline, exampleLimit: request.exampleLimit ?? 5, movesMoney: kind.moneyAtStake !== undefined });
      const truncated = await walk({ kind: kind.kind, window: request.window }, Math.min(request.maxDecisions ?? maxScan, maxScan), request, (stored) => {
        const ref = { decisionId: stored.decisionId, subjects: stored.subjects, decidedAt: stored.decidedAt };
        try {
          const input = kind.decodeInput(stored.inputJson);
          const base: SideResult =
            baseline === 'RECORDED'
              ? { outcome: stored.outcome, reasonCodes: stored.reasonCodes, moneyFen: stored.moneyAtStakeFen }
              : sideOf(kind, input, active(input));
          tally.add(ref, base, sideOf(kind, input, candidate(input)));
        } catch (error) {
          tally.fail(ref, error);
        }
      });
      return tally.report(truncated);
    },
  };
};

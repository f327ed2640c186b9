import type { ContentTx } from '@govern/content-data-access';
import { runTransaction, type DatabaseConnection } from '@govern/platform-db';
import type { UnitDecisionToRecord } from '@govern/platform-decisions';
import type { UnitsOfWork } from '@govern/platform-runtime';
import { LivestreamEscalation, claimViolationKey, type LiveDecision, type LiveLevel, type LiveSignal } from '@govern/content-domain';
import { LivestreamActionKind, LivestreamInterruptedEvent, type LivestreamAction, type StreamLivestreamSignalsRequest } from '@govern/contracts-content';
import { toServerError } from '@govern/platform-grpc';
import { DomainError, failedPrecondition, notFound, type Reason } from '@govern/policy-core';
import type { Logger } from 'pino';
import type { ContentDeps } from '../deps';
import { applyEscalation, lockLivestream, readStoredSessions, recordEscalation, writeLiveStates } from '../adapters/livestreams.repository';
import { liveLevelToProto, type LivestreamStateName } from '../mapping/enums';
import { reasonsOf, snapshotOf } from '../mapping/json';
import { imposePenalty } from '../use-cases/penalties';
import type { Work } from '../use-cases/work';
import { BatchedReads } from './batched-reads';
import { parseLiveSignal } from './live-signal';
import type { LiveStateWrite, PendingEscalation, StoredSession, StoredSnapshot } from './live-state';

interface LiveSession {
  livestreamId: string;
  contentId: string;
  creatorId: string;
  state: LivestreamStateName;
  escalation: LivestreamEscalation;
  /** The session's item tier weight: a livestream is never distributed more than its item. */
  tierWeight: number;
  /** Products on sale in the session (named in LivestreamInterrupted). */
  productIds: string[];
  /** Reasons of the current level. */
  reasons: Reason[];
  /** Claims heard on air (violation keys), punished with the penalty of a LIMIT or INTERRUPT. */
  claimKeys: Set<string>;
  /** Transcript heard since the last write. */
  transcript: string[];
  transcriptChars: number;
  /** Host warnings reached but not written yet. */
  escalations: PendingEscalation[];
  dirty: boolean;
  /** Signals of one session are applied one after the other, whatever stream they come on. */
  chain: Promise<unknown>;
}

export interface LivestreamSessionsOptions {
  /** Loads sessions to resume: plain SQL on the pool, many sessions a statement (BatchedReads). */
  database: Pick<DatabaseConnection<unknown>, 'pool'>;
  /** Escalations and write-behind, each in its own transaction; the relay is woken after events. */
  units: UnitsOfWork<ContentTx, Work>;
  deps: ContentDeps;
  log: Logger;
  /** How long written-behind changes (strike window, transcript, warnings) may wait. */
  flushIntervalMs?: number;
}

const DEFAULT_FLUSH_INTERVAL_MS = 500;
/**
 * Bounds a read of sessions to resume: a signal waiting for it longer gets an error action (the
 * client sends it again). As long as the write-behind's bound: a late answer is still a right one.
 */
const LOAD_TIMEOUT_MS = 10_000;
const LEVEL_RANK: Readonly<Record<string, number>> = { NONE: 0, WARN_HOST: 1, LIMIT_TRAFFIC: 2, INTERRUPT: 3 };

/** The mapper packs its details (ErrorInfo, BadRequest, ...) as google.protobuf.Any. */
const isPackedDetail = (detail: unknown): detail is { typeUrl: string; value: Uint8Array } =>
  typeof detail === 'object' && detail !== null && typeof (detail as { typeUrl?: unknown }).typeUrl === 'string' && (detail as { value?: unknown }).value instanceof Uint8Array;

/**
 * Real-time livestream governance on this replica. Each session's escalation lives in memory,
 * so answering a signal costs a claim scan and a few arithmetic operations, no database round
 * trip. A level that carries a penalty (limit, interrupt) is written before it is answered: the
 * escalation row, the penalty and credit deduction, the session's state and, for an interrupt,
 * LivestreamInterrupted through the outbox. Everything else (host warnings, the strike window,
 * the last sequence, the transcript heard) is written behind, in a few set-based statements for
 * all sessions at most every `flushIntervalMs`: a replica that dies loses at most that much of
 * it, never a penalty it answered.
 *
 * Replicas: a session lives in a replica's memory only while a signal stream carrying it is open
 * there (`acquire` when a stream first names it, `release` when the stream ends). A gRPC stream
 * is pinned to one replica for its life; when the client reconnects elsewhere, the replica it
 * left writes what it had and forgets the session, and the first stream to name it on a replica
 * loads it from the database. So a replica never judges signals on a window another replica has
 * moved on from (it would judge a re-sent signal again, or miss strikes); penalties are guarded in
 * the database besides (the level is re-read under a row lock before one is imposed).
 */
export class LivestreamSessions {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly loading = new Map<string, Promise<LiveSession | undefined>>();
  private readonly stored: BatchedReads<StoredSession>;
  /** Open signal streams on this replica per livestream. */
  private readonly holders = new Map<string, number>();
  private readonly flushIntervalMs: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: LivestreamSessionsOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.stored = new BatchedReads(async (ids) => {
      const rows = await runTransaction(options.database, (t) => readStoredSessions(t.sql, ids), { timeoutMs: LOAD_TIMEOUT_MS });
      return new Map(rows.map((row) => [row.livestreamId, row]));
    });
  }

  /** What this replica knows of a session that the database may not have yet. */
  peek(livestreamId: string): { lastSequence: number; level: LiveLevel; warnings: number } | undefined {
    const session = this.sessions.get(livestreamId);
    if (!session) return undefined;
    const snapshot = session.escalation.snapshot();
    return { lastSequence: snapshot.lastSequence, level: snapshot.level, warnings: snapshot.warnings };
  }

  /**
   * A signal stream on this replica names `livestreamId` for the first time. When no other stream
   * here holds it, what this replica remembers of it may be stale (another replica may have served
   * it since): written out and forgotten, so the next signal loads the session as stored.
   */
  async acquire(livestreamId: string): Promise<void> {
    const held = this.holders.get(livestreamId) ?? 0;
    this.holders.set(livestreamId, held + 1);
    if (held === 0) await this.forget(livestreamId);
  }

  /** A stream that named `livestreamId` ended: the last one here writes the session out and forgets it. */
  async release(livestreamId: string): Promise<void> {
    const held = (this.holders.get(livestreamId) ?? 1) - 1;
    if (held > 0) {
      this.holders.set(livestreamId, held);
      return;
    }
    this.holders.delete(livestreamId);
    await this.forget(livestreamId);
  }

  /** Writes a session's pending changes after any signal in flight, then drops it unless a stream took it meanwhile or the write failed. */
  private async forget(livestreamId: string): Promise<void> {
    const session = this.sessions.get(livestreamId);
    if (!session) return;
    await session.chain;
    if (session.dirty) await this.flush().catch(() => undefined);
    if (!session.dirty && this.sessions.get(livestreamId) === session && (this.holders.get(livestreamId) ?? 0) <= 1) this.sessions.delete(livestreamId);
  }

  /** Answers one stream message; never throws (a bad message gets an error action). */
  async handle(request: StreamLivestreamSignalsRequest, requestId: string): Promise<LivestreamAction> {
    const { deps } = this.options;
    const livestreamId = request.signal?.livestreamId ?? '';
    const sequence = request.signal?.clientSequence ?? 0n;
    try {
      const parsed = parseLiveSignal(request, deps.clock.now(), deps.policy);
      const session = await this.session(parsed.livestreamId);
      if (!session) throw notFound('LIVESTREAM.NOT_FOUND', `Livestream ${parsed.livestreamId} is not known`, { livestream_id: parsed.livestreamId });
      const run = session.chain.then(() => this.apply(session, parsed.sequence, parsed.signal));
      session.chain = run.catch(() => undefined);
      return await run;
    } catch (error) {
      return this.errorAction(livestreamId, sequence, error, requestId, this.sessions.get(livestreamId));
    }
  }

  /**
   * Runs `work` (ending the session) with what this replica had not written yet, after any
   * signal in flight; the session leaves memory once the work succeeded.
   */
  async end<R>(livestreamId: string, work: (pending: LiveStateWrite | undefined) => Promise<R>): Promise<R> {
    const session = this.sessions.get(livestreamId);
    if (!session) return work(undefined);
    const run = session.chain.then(async () => {
      const pending = this.takePending(session);
      try {
        const result = await work(pending);
        this.sessions.delete(livestreamId);
        return result;
      } catch (error) {
        this.putBack(session, pending);
        throw error;
      }
    });
    session.chain = run.catch(() => undefined);
    return run;
  }

  /** Writes every session's pending changes (from the flush timer, and on shutdown). */
  async flush(): Promise<void> {
    const next = this.flushing.then(() => this.writeBehind());
    this.flushing = next.catch(() => undefined);
    return next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
  }

  private newSession(input: {
    livestreamId: string;
    contentId: string;
    creatorId: string;
    tierWeight: number;
    productIds: string[];
    state: LivestreamStateName;
    reasons: Reason[];
    snapshot: StoredSnapshot;
  }): LiveSession {
    const { deps } = this.options;
    const { claimKeys, ...snapshot } = input.snapshot;
    return {
      livestreamId: input.livestreamId,
      contentId: input.contentId,
      creatorId: input.creatorId,
      state: input.state,
      escalation: new LivestreamEscalation({ scanner: deps.scanner, policy: deps.policy, snapshot }),
      tierWeight: input.tierWeight,
      productIds: input.productIds,
      reasons: input.reasons,
      claimKeys: new Set(claimKeys ?? []),
      transcript: [],
      transcriptChars: 0,
      escalations: [],
      dirty: false,
      chain: Promise.resolve(),
    };
  }

  /** The session from memory, or resumed from its last snapshot (loaded once, however many signals ask). */
  private async session(livestreamId: string): Promise<LiveSession | undefined> {
    const known = this.sessions.get(livestreamId);
    if (known) return known;
    let loading = this.loading.get(livestreamId);
    if (!loading) {
      loading = this.load(livestreamId).finally(() => this.loading.delete(livestreamId));
      this.loading.set(livestreamId, loading);
    }
    return loading;
  }

  private async load(livestreamId: string): Promise<LiveSession | undefined> {
    const row = await this.stored.get(livestreamId);
    if (!row) return undefined;
    const session = this.newSession({
      livestreamId,
      contentId: row.contentId,
      creatorId: row.creatorId,
      tierWeight: row.tierWeight,
      productIds: row.productIds,
      state: row.state as LivestreamStateName,
      reasons: reasonsOf(row.reasons),
      snapshot: snapshotOf(row.snapshot) as StoredSnapshot,
    });
    // Only live sessions stay in memory; ended ones are answered from the database.
    if (session.state === 'LIVE') this.sessions.set(livestreamId, session);
    return session;
  }

  private async apply(session: LiveSession, sequence: number, signal: LiveSignal): Promise<LivestreamAction> {
    const { deps } = this.options;
    if (session.state !== 'LIVE' && sequence > session.escalation.snapshot().lastSequence) {
      throw failedPrecondition('LIVESTREAM.NOT_LIVE', `Livestream ${session.livestreamId} is ${session.state.toLowerCase()}`, {
        livestream_id: session.livestreamId,
        state: session.state,
      });
    }
    const now = deps.clock.now();
    // The window the rule reads, kept for the record should this signal move the session up.
    const before = session.escalation.snapshot();
    const advanced = session.escalation.handle(sequence, now.getTime(), signal);
    // The session's machine advances in O(1) per signal; when it acts, the decision log evaluates
    // the same rule on the recorded window (the active version, a shadow candidate beside it) and
    // the action taken is that evaluation's, so the record is exactly what was acted on.
    const evaluation =
      advanced.action === 'NONE'
        ? undefined
        : await deps.decisions.evaluateWithShadow(deps.kinds.livestreamAction, {
            at: now,
            livestreamId: session.livestreamId,
            contentId: session.contentId,
            creatorId: session.creatorId,
            lexicon: deps.lexicon,
            sequence,
            signal,
            before,
          });
    const decision = evaluation?.outcome ?? advanced;
    if (!decision.duplicate && session.state === 'LIVE') {
      if (signal.type === 'TRANSCRIPT') this.hear(session, signal.text);
      for (const r of decision.reasons) {
        if (r.code === 'LIVESTREAM.CLAIM') session.claimKeys.add(claimViolationKey('transcript', r.evidence['category'] ?? '', r.evidence['term'] ?? ''));
      }
      session.dirty = true;
      this.scheduleFlush();
    }
    if (evaluation && decision.action !== 'NONE') {
      session.reasons = decision.reasons;
      const escalationId = deps.ids.next();
      const record = { evaluation, decisionId: escalationId };
      if (decision.action === 'INTERRUPT' || decision.penaltySeverity !== undefined) {
        try {
          await this.escalate(session, sequence, decision, escalationId, record);
        } catch (error) {
          // The database does not have this level: forget the session so the client's retry of
          // the same sequence resumes it from the last snapshot and applies it again.
          this.sessions.delete(session.livestreamId);
          throw error instanceof DomainError ? error : new DomainError('UNAVAILABLE', 'LIVESTREAM.ESCALATION_NOT_RECORDED', 'The action could not be recorded; send the signal again');
        }
      } else {
        // A warning carries no penalty: written behind with the snapshot.
        session.escalations.push({ id: escalationId, level: decision.action, sequence, reasons: decision.reasons, at: now, decision: record });
      }
    }
    return {
      livestreamId: session.livestreamId,
      clientSequence: BigInt(sequence),
      kind: liveLevelToProto(decision.action),
      level: liveLevelToProto(decision.level),
      trafficWeight: Math.min(decision.trafficWeight, session.tierWeight),
      reasons: decision.reasons,
      policy: decision.policy,
      error: undefined,
      decideTime: now,
    };
  }

  private hear(session: LiveSession, text: string): void {
    const room = this.options.deps.policy.limits.maxTranscriptChars - session.transcriptChars;
    if (room <= 0) return;
    const kept = text.length <= room ? text : text.slice(0, room);
    session.transcript.push(kept);
    session.transcriptChars += kept.length;
  }

  /** Records a level with a penalty durably (with its events) before the action is answered. */
  private async escalate(session: LiveSession, sequence: number, decision: LiveDecision, escalationId: string, record: UnitDecisionToRecord): Promise<void> {
    const { units } = this.options;
    const level = decision.action;
    const pending = this.takePending(session);
    const isInterrupt = level === 'INTERRUPT';
    try {
      await units.run(
        { causationId: `${session.livestreamId}#${sequence}` },
        async (work) => {
          const current = (await lockLivestream(work.sql, session.livestreamId)) ?? { state: 'ENDED', level: 'NONE' };
          if (current.state !== 'LIVE') {
            session.state = current.state as LivestreamStateName;
            throw failedPrecondition('LIVESTREAM.NOT_LIVE', `Livestream ${session.livestreamId} is ${current.state.toLowerCase()}`, { livestream_id: session.livestreamId, state: current.state });
          }
          const { now } = work;
          await writeLiveStates(work.sql, now, work.policy.limits.maxTranscriptChars, [pending], { snapshots: false });
          await work.recordDecisions(pending.escalations.map((e) => e.decision));
          // Another replica that served this livestream before may have recorded the level already.
          if ((LEVEL_RANK[current.level] ?? 0) >= (LEVEL_RANK[level] ?? 0)) return;
          await work.recordDecisions([record]);
          const penalty = decision.penaltySeverity
            ? (
                await imposePenalty(work, {
                  creatorId: session.creatorId,
                  contentId: session.contentId,
                  contentKind: 'LIVESTREAM',
                  livestreamId: session.livestreamId,
                  action: isInterrupt ? 'LIVESTREAM_INTERRUPTED' : 'LIVESTREAM_LIMITED',
                  severity: decision.penaltySeverity,
                  creditSeverity: decision.penaltySeverity,
                  source: 'LIVESTREAM',
                  violationKeys: [...session.claimKeys],
                  reasons: decision.reasons,
                  policy: decision.policy,
                })
              ).penalty
            : undefined;
          await recordEscalation(work.sql, {
            id: escalationId,
            livestreamId: session.livestreamId,
            creatorId: session.creatorId,
            level,
            sequence,
            reasons: decision.reasons,
            penaltyId: penalty?.id ?? null,
            at: now,
          });
          await applyEscalation(work.sql, {
            livestreamId: session.livestreamId,
            level,
            trafficWeight: Math.min(decision.trafficWeight, session.tierWeight),
            warnings: pending.warnings,
            reasons: decision.reasons,
            snapshot: pending.snapshot,
            sequence,
            at: now,
            interrupted: isInterrupt,
          });
          if (isInterrupt) {
            work.emit(LivestreamInterruptedEvent, {
              livestreamId: session.livestreamId,
              creatorId: session.creatorId,
              reasons: decision.reasons,
              policy: decision.policy,
              clientSequence: BigInt(sequence),
              penaltyId: penalty?.id ?? '',
              productIds: session.productIds,
            });
          }
        },
        { timeoutMs: 5_000 },
      );
    } catch (error) {
      this.putBack(session, pending);
      throw error;
    }
    if (isInterrupt) {
      session.state = 'INTERRUPTED';
      // Nothing left to write for it: answers to retried signals come from the database.
      this.sessions.delete(session.livestreamId);
    }
  }

  private errorAction(livestreamId: string, sequence: bigint, error: unknown, requestId: string, session: LiveSession | undefined): LivestreamAction {
    const { deps, log } = this.options;
    const mapped = toServerError(error, { serviceName: 'content', requestId, log }) as ReturnType<typeof toServerError> & { extra?: readonly unknown[] };
    const details = (mapped.extra ?? []).filter(isPackedDetail).map((a) => ({ typeUrl: a.typeUrl, value: Buffer.from(a.value) }));
    const level = session?.escalation.level;
    return {
      livestreamId,
      clientSequence: sequence,
      kind: LivestreamActionKind.LIVESTREAM_ACTION_KIND_NONE,
      level: level ? liveLevelToProto(level) : LivestreamActionKind.LIVESTREAM_ACTION_KIND_UNSPECIFIED,
      trafficWeight: session && level ? Math.min(deps.policy.livestream.trafficWeight[level], session.tierWeight) : 0,
      reasons: [],
      policy: { name: deps.policy.name, version: deps.policy.version },
      error: { code: mapped.code, message: mapped.details, details },
      decideTime: deps.clock.now(),
    };
  }

  private takePending(session: LiveSession): LiveStateWrite {
    const snapshot: StoredSnapshot = { ...session.escalation.snapshot(), claimKeys: [...session.claimKeys] };
    const write: LiveStateWrite = {
      livestreamId: session.livestreamId,
      contentId: session.contentId,
      creatorId: session.creatorId,
      snapshot,
      level: snapshot.level,
      warnings: snapshot.warnings,
      trafficWeight: Math.min(this.options.deps.policy.livestream.trafficWeight[snapshot.level], session.tierWeight),
      reasons: session.reasons,
      transcript: session.transcript.splice(0).join('\n'),
      escalations: session.escalations.splice(0),
    };
    session.transcriptChars = 0;
    session.dirty = false;
    return write;
  }

  private putBack(session: LiveSession, pending: LiveStateWrite): void {
    if (pending.transcript) {
      session.transcript.unshift(pending.transcript);
      session.transcriptChars += pending.transcript.length;
    }
    session.escalations.unshift(...pending.escalations);
    session.dirty = true;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.stopped) return;
    // A write-behind coalescing window, not a governance timer: what waits here carries no
    // penalty and no event (those are written before they are answered).
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, this.flushIntervalMs);
    this.flushTimer.unref();
  }

  private async writeBehind(): Promise<void> {
    const { units, log } = this.options;
    const batch = [...this.sessions.values()].filter((s) => s.dirty).map((session) => ({ session, pending: this.takePending(session) }));
    if (batch.length === 0) return;
    try {
      await units.run(
        { causationId: 'livestream-write-behind' },
        async (work) => {
          await writeLiveStates(
            work.sql,
            work.now,
            work.policy.limits.maxTranscriptChars,
            batch.map((b) => b.pending),
          );
          await work.recordDecisions(batch.flatMap((b) => b.pending.escalations.map((e) => e.decision)));
        },
        { timeoutMs: 10_000 },
      );
    } catch (error) {
      log.warn({ err: error, sessions: batch.length }, 'livestream state not written; will retry');
      for (const b of batch) this.putBack(b.session, b.pending);
    }
  }
}

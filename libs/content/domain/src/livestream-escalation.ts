import { Violations, climbLadder, reason, type PolicyRef, type Reason } from '@govern/policy-core';
import { claimSeverity, collapseNested, type ClaimScanner } from './claim-scanner.port';
import { maxSeverity, type Severity } from './content-types';
import { CONTENT_POLICY, policyRef, type ContentPolicy, type LiveLevel } from './content.policy';

/** One real-time signal of a livestream, as the domain sees it. */
export type LiveSignal =
  | { type: 'TRANSCRIPT'; text: string }
  | { type: 'VIEWER'; newReports: number; viewerCount: number; reportCategory?: string }
  | { type: 'COMPLAINT'; complaintId?: string; category?: string };

export interface LiveDecision {
  sequence: number;
  /** Action newly taken because of this signal; NONE when the level did not rise. */
  action: LiveLevel;
  /** Level of the session after the signal. */
  level: LiveLevel;
  trafficWeight: number;
  /** Why: the strikes this signal brought, then the escalation. Empty when nothing happened. */
  reasons: Reason[];
  /** Strike points in the sliding window after this signal. */
  windowPoints: number;
  /** The sequence was already processed: nothing was applied. */
  duplicate: boolean;
  /** Severity to charge to the host's credit for this action (LIMIT and INTERRUPT only). */
  penaltySeverity: Severity | undefined;
  policy: PolicyRef;
}

/** Everything needed to resume a session (e.g. after a service restart). */
export interface LivestreamSnapshot {
  level: LiveLevel;
  lastSequence: number;
  warnings: number;
  /** Strikes still in the window: [at ms, milli-points]. */
  strikes: [number, number][];
}

const LEVEL_RANK: Readonly<Record<LiveLevel, number>> = { NONE: 0, WARN_HOST: 1, LIMIT_TRAFFIC: 2, INTERRUPT: 3 };
const LEVEL_ORDER: readonly LiveLevel[] = ['NONE', 'WARN_HOST', 'LIMIT_TRAFFIC', 'INTERRUPT'];
const MILLI = 1000;
const EXCERPT_CONTEXT = 12;
const COMPACT_AFTER = 256;

/** Rejects a malformed signal before it touches the session (the stream answers with an error and goes on). */
export const validateLiveSignal = (sequence: number, signal: LiveSignal, policy: ContentPolicy = CONTENT_POLICY): void => {
  const v = new Violations();
  v.check(Number.isSafeInteger(sequence) && sequence > 0, 'signal.client_sequence', 'must be a positive integer', 'OUT_OF_RANGE');
  switch (signal.type) {
    case 'TRANSCRIPT':
      v.require('signal.transcript_segment.text', signal.text);
      v.maxLength('signal.transcript_segment.text', signal.text, policy.limits.maxLiveSegmentChars);
      break;
    case 'VIEWER':
      v.check(Number.isSafeInteger(signal.newReports) && signal.newReports >= 0, 'signal.viewer_signal.new_reports', 'must be a non-negative integer', 'OUT_OF_RANGE');
      v.check(Number.isSafeInteger(signal.viewerCount) && signal.viewerCount >= 0, 'signal.viewer_signal.viewer_count', 'must be a non-negative integer', 'OUT_OF_RANGE');
      break;
    case 'COMPLAINT':
      break;
  }
  v.throwIfAny('LIVESTREAM.INVALID_SIGNAL');
};

/**
 * Real-time escalation of one livestream session: NONE → WARN_HOST → LIMIT_TRAFFIC → INTERRUPT.
 * Each signal adds strike points (claims by severity, viewer reports scaled by audience,
 * complaints) to a sliding window; the window total climbs the policy ladder, so severity and
 * repetition both escalate. The host is warned before being limited and limited before being
 * interrupted (one level per signal, policy); only a CRITICAL claim interrupts at once. Levels
 * never go down within a session. Amortised O(1) per signal besides the claim scan: a running sum over a queue of strikes.
 */
export class LivestreamEscalation {
  private readonly policy: ContentPolicy;
  private readonly scanner: ClaimScanner;
  private currentLevel: LiveLevel;
  private lastSequence: number;
  private warningCount: number;
  private readonly times: number[] = [];
  private readonly points: number[] = [];
  private head = 0;
  private sum = 0;
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(options: { scanner: ClaimScanner; policy?: ContentPolicy; snapshot?: LivestreamSnapshot }) {
    this.scanner = options.scanner;
    this.policy = options.policy ?? CONTENT_POLICY;
    const s = options.snapshot;
    this.currentLevel = s?.level ?? 'NONE';
    this.lastSequence = s?.lastSequence ?? 0;
    this.warningCount = s?.warnings ?? 0;
    for (const [at, milli] of s?.strikes ?? []) this.push(at, milli);
  }

  get level(): LiveLevel {
    return this.currentLevel;
  }

  get warnings(): number {
    return this.warningCount;
  }

  snapshot(): LivestreamSnapshot {
    const strikes: [number, number][] = [];
    for (let i = this.head; i < this.times.length; i++) strikes.push([this.times[i] as number, this.points[i] as number]);
    return { level: this.currentLevel, lastSequence: this.lastSequence, warnings: this.warningCount, strikes };
  }

  /** Applies one signal observed at `atMs`; throws a ValidationError (state untouched) if it is malformed. */
  handle(sequence: number, atMs: number, signal: LiveSignal): LiveDecision {
    const rules = this.policy.livestream;
    validateLiveSignal(sequence, signal, this.policy);
    if (sequence <= this.lastSequence || this.currentLevel === 'INTERRUPT') {
      return this.decision(sequence, 'NONE', [], sequence <= this.lastSequence, undefined);
    }
    this.lastSequence = sequence;
    const at = Math.max(atMs, this.lastAt); // a clock step back must not resurrect evicted strikes
    this.lastAt = at;
    this.evict(at);

    const reasons: Reason[] = [];
    let added = 0;
    let critical = false;
    let worstClaim: Severity | undefined;
    switch (signal.type) {
      case 'TRANSCRIPT':
        for (const hit of collapseNested(this.scanner.scan(signal.text), this.policy)) {
          const severity = claimSeverity(hit.severity, this.policy);
          worstClaim = maxSeverity(worstClaim, severity);
          added += rules.claimPoints[severity];
          if (severity === 'CRITICAL' && rules.interruptOnCritical) critical = true;
          reasons.push(
            reason('LIVESTREAM.CLAIM', `Host said prohibited claim "${hit.term}" (${hit.category}, ${severity})`, {
              term: hit.term,
              category: hit.category,
              severity,
              excerpt: signal.text.slice(Math.max(0, hit.start - EXCERPT_CONTEXT), hit.end + EXCERPT_CONTEXT),
            }, rules.claimPoints[severity]),
          );
        }
        break;
      case 'VIEWER':
        if (signal.newReports > 0) {
          const scale = Math.max(1, signal.viewerCount / rules.reportAudienceUnit);
          const p = (signal.newReports * rules.reportPoints) / scale;
          added += p;
          reasons.push(
            reason('LIVESTREAM.VIEWER_REPORTS', `${signal.newReports} viewer report(s) with ${signal.viewerCount} viewers`, {
              new_reports: String(signal.newReports),
              viewer_count: String(signal.viewerCount),
              category: signal.reportCategory ?? '',
            }, Math.round(p)),
          );
        }
        break;
      case 'COMPLAINT':
        added += rules.complaintPoints;
        reasons.push(
          reason('LIVESTREAM.COMPLAINT', `Buyer complaint${signal.category ? ` (${signal.category})` : ''}`, {
            complaint_id: signal.complaintId ?? '',
            category: signal.category ?? '',
          }, rules.complaintPoints),
        );
        break;
    }
    // Only a new strike escalates: a clean signal never raises the level, even while the window is full.
    if (added <= 0) return this.decision(sequence, 'NONE', reasons, false, undefined);
    this.push(at, Math.round(added * MILLI));

    const windowPoints = this.sum / MILLI;
    const byPoints: LiveLevel = climbLadder(rules.ladder, windowPoints)?.outcome ?? 'NONE';
    const stepCap = rules.oneStepPerSignal ? LEVEL_ORDER[Math.min(LEVEL_RANK[this.currentLevel] + 1, LEVEL_ORDER.length - 1)] as LiveLevel : 'INTERRUPT';
    const reached: LiveLevel = critical ? 'INTERRUPT' : LEVEL_RANK[byPoints] > LEVEL_RANK[stepCap] ? stepCap : byPoints;
    if (LEVEL_RANK[reached] <= LEVEL_RANK[this.currentLevel]) return this.decision(sequence, 'NONE', reasons, false, undefined);

    this.currentLevel = reached;
    if (reached === 'WARN_HOST') this.warningCount++;
    reasons.push(
      critical
        ? reason('LIVESTREAM.CRITICAL_CLAIM', 'A critical prohibited claim interrupts the livestream at once', { level: reached })
        : reason('LIVESTREAM.ESCALATED', `${windowPoints.toFixed(1)} strike points within ${rules.windowMs / 60_000} min: ${reached}`, {
            window_points: windowPoints.toFixed(3),
            threshold: String(rules.ladder.find((r) => r.outcome === reached)?.atLeast ?? ''),
            level: reached,
          }),
    );
    const base = rules.penaltySeverity[reached];
    const penaltySeverity = base === undefined ? undefined : worstClaim === undefined ? base : maxSeverity(base, worstClaim);
    return this.decision(sequence, reached, reasons, false, penaltySeverity);
  }

  private decision(sequence: number, action: LiveLevel, reasons: Reason[], duplicate: boolean, penaltySeverity: Severity | undefined): LiveDecision {
    return {
      sequence,
      action,
      level: this.currentLevel,
      trafficWeight: this.policy.livestream.trafficWeight[this.currentLevel],
      reasons,
      windowPoints: this.sum / MILLI,
      duplicate,
      penaltySeverity,
      policy: policyRef(this.policy),
    };
  }

  private push(at: number, milli: number): void {
    this.times.push(at);
    this.points.push(milli);
    this.sum += milli;
    this.lastAt = Math.max(this.lastAt, at);
  }

  private evict(now: number): void {
    const horizon = now - this.policy.livestream.windowMs;
    while (this.head < this.times.length && (this.times[this.head] as number) <= horizon) {
      this.sum -= this.points[this.head] as number;
      this.head++;
    }
    if (this.head > COMPACT_AFTER && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.points.splice(0, this.head);
      this.head = 0;
    }
  }
}

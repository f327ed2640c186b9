import { DAY, MINUTE } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import type { ViolationType } from './policies/violation.policy';
import {
  activePointsAt,
  recordViolation,
  sanctionsEndedBetween,
  standingAt,
  type SanctionRecord,
  type ViolationOutcome,
  type ViolationRecord,
} from './violation-points';

const t0 = new Date('2026-01-01T00:00:00Z');
const after = (ms: number): Date => new Date(t0.getTime() + ms);

/** A merchant's record, fed violation by violation as the service would. */
class MerchantRecord {
  violations: ViolationRecord[] = [];
  sanctions: SanctionRecord[] = [];
  private n = 0;
  constructor(readonly depositFen = 200_000n) {}

  add(type: ViolationType, at: Date, occurredAt: Date = at): ViolationOutcome {
    this.n++;
    const outcome = recordViolation(
      { violations: this.violations, sanctions: this.sanctions, depositFen: this.depositFen },
      { id: `v${this.n}`, type, occurredAt, recordedAt: at },
      `s${this.n}`,
    );
    this.violations.push(outcome.violation);
    if (outcome.sanction) this.sanctions.push(outcome.sanction);
    return outcome;
  }

  /** Adds 1-point violations a minute apart until `points` are active; returns the last outcome. */
  climbTo(points: number, from = t0): ViolationOutcome {
    let last: ViolationOutcome | undefined;
    for (let i = activePointsAt(this.violations, from); i < points; i++) last = this.add('LATE_DISPATCH', new Date(from.getTime() + i * MINUTE));
    return last as ViolationOutcome;
  }
}

describe('violation points ladder (12 / 24 / 36 / 48)', () => {
  it.each([
    [11, undefined, undefined],
    [12, 'LISTING_RESTRICTED', 7],
    [23, undefined, undefined],
    [24, 'SUSPENDED', 14],
    [35, undefined, undefined],
    [36, 'SUSPENDED', 30],
    [47, undefined, undefined],
  ])('the point that makes %i imposes %s', (points, kind, days) => {
    const record = new MerchantRecord();
    const last = record.climbTo(points);
    expect(last.standing.activePoints).toBe(points);
    expect(last.sanction?.kind).toBe(kind);
    if (days !== undefined) {
      const sanction = last.sanction as SanctionRecord;
      expect((sanction.endsAt as Date).getTime() - sanction.startsAt.getTime()).toBe(days * DAY);
    }
  });

  it('removes the merchant at 48 points, without forfeiting the deposit', () => {
    const record = new MerchantRecord();
    const at47 = record.climbTo(47);
    expect(at47.standing.status).not.toBe('REMOVED');
    const at48 = record.add('LATE_DISPATCH', after(DAY));
    expect(at48.removed).toBe(true);
    expect(at48.sanction).toMatchObject({ kind: 'REMOVED', endsAt: undefined, threshold: 48 });
    expect(at48.depositForfeitedFen).toBe(0n);
    expect(at48.standing).toMatchObject({ status: 'REMOVED', canList: false, canSell: false });
    expect(at48.reasons.map((r) => r.code)).toContain('MERCHANT.SANCTION.REMOVED');
  });

  it('applies the highest rung when one violation crosses several', () => {
    const record = new MerchantRecord();
    record.climbTo(20);
    const jump = record.add('CRITICAL_INSPECTION_FAILURE', after(DAY)); // 20 + 12 = 32
    expect(jump.sanction).toMatchObject({ kind: 'SUSPENDED', threshold: 24 });
    expect(jump.standing.status).toBe('SUSPENDED');
  });

  it('imposes nothing new while the merchant stays on a rung, and again after falling below it', () => {
    const record = new MerchantRecord();
    expect(record.add('CRITICAL_INSPECTION_FAILURE', t0).sanction?.kind).toBe('LISTING_RESTRICTED');
    expect(record.add('AFTER_SALE_REFUSAL', after(10 * DAY)).sanction).toBeUndefined(); // 14 points, still rung 12
    // both expire; a year later a new critical failure crosses 12 again
    const again = record.add('CRITICAL_INSPECTION_FAILURE', after(400 * DAY));
    expect(again.standing.activePoints).toBe(12);
    expect(again.sanction?.kind).toBe('LISTING_RESTRICTED');
  });

  it('removes at once for a zero-tolerance violation and forfeits the deposit', () => {
    const record = new MerchantRecord(500_000n);
    const outcome = record.add('COUNTERFEIT', t0);
    expect(outcome).toMatchObject({ removed: true, depositForfeitedFen: 500_000n });
    expect(outcome.violation).toMatchObject({ zeroTolerance: true, points: 0 });
    expect(outcome.sanction).toMatchObject({ kind: 'REMOVED', zeroTolerance: true });
    expect(outcome.reasons.map((r) => r.code)).toContain('MERCHANT.VIOLATION.ZERO_TOLERANCE');
    // later violations are kept on record but sanction nothing more
    const later = record.add('FRAUD', after(DAY));
    expect(later.sanction).toBeUndefined();
    expect(later.depositForfeitedFen).toBe(0n);
    expect(later.reasons.map((r) => r.code)).toContain('MERCHANT.ALREADY_REMOVED');
  });

  it('refuses a violation dated after it is recorded', () => {
    const record = new MerchantRecord();
    expect(() => record.add('LATE_DISPATCH', t0, after(MINUTE))).toThrow(expect.objectContaining({ code: 'VIOLATION.OCCURRED_IN_FUTURE' }));
  });
});

describe('standing over time', () => {
  it('lets points expire by themselves after 365 days', () => {
    const record = new MerchantRecord();
    record.add('CRITICAL_INSPECTION_FAILURE', t0);
    const just = standingAt(record.violations, record.sanctions, after(365 * DAY - 1));
    expect(just.activePoints).toBe(12);
    expect(just.nextPointsExpiryAt).toEqual(after(365 * DAY));
    expect(standingAt(record.violations, record.sanctions, after(365 * DAY)).activePoints).toBe(0);
  });

  it('counts the window from when the violation happened, not when it was recorded', () => {
    const record = new MerchantRecord();
    record.add('MAJOR_INSPECTION_FAILURE', after(30 * DAY), t0);
    expect(standingAt(record.violations, record.sanctions, after(365 * DAY)).activePoints).toBe(0);
  });

  it('ends sanctions by themselves and reports the reinstatement', () => {
    const record = new MerchantRecord();
    record.add('CRITICAL_INSPECTION_FAILURE', t0);
    expect(standingAt(record.violations, record.sanctions, after(7 * DAY - 1))).toMatchObject({
      status: 'LISTING_RESTRICTED',
      canList: false,
      canSell: true,
    });
    expect(standingAt(record.violations, record.sanctions, after(7 * DAY))).toMatchObject({ status: 'ACTIVE', canList: true, activePoints: 12 });

    const ended = sanctionsEndedBetween(record.violations, record.sanctions, t0, after(8 * DAY));
    expect(ended).toEqual([expect.objectContaining({ endedAt: after(7 * DAY), statusAfter: 'ACTIVE', reinstated: true })]);
    expect(sanctionsEndedBetween(record.violations, record.sanctions, after(7 * DAY), after(8 * DAY))).toEqual([]);
  });

  it('keeps the most severe sanction in force when two overlap', () => {
    const record = new MerchantRecord();
    record.add('CRITICAL_INSPECTION_FAILURE', t0); // restricted until day 7
    record.add('CRITICAL_INSPECTION_FAILURE', after(DAY)); // 24: suspended until day 15
    expect(standingAt(record.violations, record.sanctions, after(3 * DAY)).status).toBe('SUSPENDED');
    // the restriction ending on day 7 changes nothing: the suspension still runs
    const ended = sanctionsEndedBetween(record.violations, record.sanctions, t0, after(8 * DAY));
    expect(ended).toEqual([expect.objectContaining({ statusAfter: 'SUSPENDED', reinstated: false })]);
    expect(standingAt(record.violations, record.sanctions, after(15 * DAY)).status).toBe('ACTIVE');
  });
});

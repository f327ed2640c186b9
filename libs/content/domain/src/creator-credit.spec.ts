import { DAY } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import type { Severity } from './content-types';
import { creatorStanding, deductionExpiresAt, deductionPoints, standingChange, type CreditDeductionRecord } from './creator-credit';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (days: number): Date => new Date(T0.getTime() + days * DAY);
let seq = 0;
const deduct = (severity: Severity, day = 0, overturned = false): CreditDeductionRecord => ({
  id: `d-${++seq}`,
  severity,
  points: deductionPoints(severity),
  at: at(day),
  overturned,
});
/** Deductions (all LOW = 1 point) that take exactly `points` off. */
const lows = (points: number, day = 0): CreditDeductionRecord[] => Array.from({ length: points }, () => deduct('LOW', day));

describe('creatorStanding', () => {
  it('starts at full credit in good standing', () => {
    const s = creatorStanding([], T0);
    expect(s).toMatchObject({ credit: 12, standing: 'GOOD', trafficLimited: false, linkingAllowed: true, privilegesRevoked: false });
    expect(s.nextRestoreAt).toBeUndefined();
  });

  it('deducts 1/3/6/12 by severity', () => {
    expect((['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const).map((s) => creatorStanding([deduct(s)], T0).credit)).toEqual([11, 9, 6, 0]);
  });

  it('warns and limits traffic at 8, not at 9', () => {
    expect(creatorStanding(lows(3), T0)).toMatchObject({ credit: 9, standing: 'GOOD', trafficLimited: false });
    const eight = creatorStanding(lows(4), T0);
    expect(eight).toMatchObject({ credit: 8, standing: 'WARNED', trafficLimited: true, linkingAllowed: true });
    expect(eight.reasons.map((r) => r.code)).toEqual(['CREATOR.CREDIT.TRAFFIC_LIMITED']);
  });

  it('suspends linking for 7 days at 4, not at 5', () => {
    expect(creatorStanding(lows(7), T0)).toMatchObject({ credit: 5, standing: 'WARNED', linkingAllowed: true });
    const four = creatorStanding(lows(8), at(1));
    expect(four).toMatchObject({ credit: 4, standing: 'LINKING_SUSPENDED', linkingAllowed: false, trafficLimited: true });
    expect(four.linkingSuspendedUntil).toEqual(at(7));
  });

  it('lets linking resume after 7 days while the credit stays low, still warned', () => {
    const later = creatorStanding(lows(8), at(7));
    expect(later).toMatchObject({ credit: 4, standing: 'WARNED', linkingAllowed: true, trafficLimited: true });
    expect(later.linkingSuspendedUntil).toBeUndefined();
  });

  it('restarts the 7 days with each new deduction that lands at or below 4', () => {
    const deductions = [...lows(8, 0), deduct('LOW', 5)];
    expect(creatorStanding(deductions, at(10)).linkingSuspendedUntil).toEqual(at(12));
  });

  it('revokes e-commerce privileges at 0, not at 1', () => {
    expect(creatorStanding(lows(11), T0)).toMatchObject({ credit: 1, standing: 'LINKING_SUSPENDED', privilegesRevoked: false });
    const zero = creatorStanding(lows(12), T0);
    expect(zero).toMatchObject({ credit: 0, standing: 'PRIVILEGES_REVOKED', privilegesRevoked: true, linkingAllowed: false });
    expect(creatorStanding([deduct('CRITICAL'), deduct('HIGH')], T0).credit).toBe(0);
  });

  it('returns the points 365 days after each deduction', () => {
    const deductions = [deduct('HIGH', 0), deduct('MEDIUM', 100)];
    const s = creatorStanding(deductions, at(364));
    expect(s.credit).toBe(3);
    expect(s.nextRestoreAt).toEqual(deductionExpiresAt(deductions[0] as CreditDeductionRecord));
    expect(creatorStanding(deductions, at(365)).credit).toBe(9);
    expect(creatorStanding(deductions, at(465))).toMatchObject({ credit: 12, standing: 'GOOD' });
  });

  it('restores revoked privileges when the deduction expires', () => {
    const deductions = [deduct('CRITICAL', 0)];
    expect(creatorStanding(deductions, at(364)).privilegesRevoked).toBe(true);
    expect(creatorStanding(deductions, at(365))).toMatchObject({ credit: 12, privilegesRevoked: false, linkingAllowed: true });
  });

  it('lifts a suspension when an expiry raises the credit above 4', () => {
    // 6 points a year ago (expiring on day 365) + 2 points on day 362 -> 4: suspended until day 369.
    const deductions = [deduct('HIGH', 0), ...lows(2, 362)];
    expect(creatorStanding(deductions, at(364)).linkingAllowed).toBe(false);
    expect(creatorStanding(deductions, at(365))).toMatchObject({ credit: 10, linkingAllowed: true, standing: 'GOOD' });
  });

  it('ignores deductions overturned on appeal, including the suspension they caused', () => {
    const deductions = [deduct('HIGH', 0), deduct('LOW', 0), deduct('LOW', 1, true)];
    expect(creatorStanding(deductions, at(2))).toMatchObject({ credit: 5, linkingAllowed: true });
  });

  it('does not count deductions made after the moment asked about', () => {
    expect(creatorStanding([deduct('HIGH', 10)], at(5)).credit).toBe(12);
  });
});

describe('standingChange', () => {
  it('reports the delta, a new suspension and a restoration', () => {
    const before = creatorStanding(lows(7), T0);
    const after = creatorStanding(lows(8), T0);
    expect(standingChange(before, after)).toEqual({ delta: -1, linkingSuspended: true, privilegesRevoked: false, restored: false });
    expect(standingChange(after, before)).toMatchObject({ delta: 1, linkingSuspended: false, restored: true });
  });

  it('reports revocation once', () => {
    const before = creatorStanding(lows(6), T0);
    const after = creatorStanding(lows(12), T0);
    expect(standingChange(before, after).privilegesRevoked).toBe(true);
    expect(standingChange(after, after).privilegesRevoked).toBe(false);
  });
});

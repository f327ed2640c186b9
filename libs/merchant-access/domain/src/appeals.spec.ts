import { DAY, HOUR } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { appealDeadline, assertAppealable, overturnViolation } from './appeals';
import type { ViolationType } from './policies/violation.policy';
import { recordViolation, standingAt, type SanctionRecord, type ViolationRecord } from './violation-points';

const t0 = new Date('2026-03-01T00:00:00Z');
const after = (ms: number): Date => new Date(t0.getTime() + ms);

const history = (...entries: [ViolationType, number][]): { violations: ViolationRecord[]; sanctions: SanctionRecord[] } => {
  const violations: ViolationRecord[] = [];
  const sanctions: SanctionRecord[] = [];
  entries.forEach(([type, atMs], i) => {
    const at = after(atMs);
    const outcome = recordViolation({ violations, sanctions, depositFen: 100_000n }, { id: `v${i + 1}`, type, occurredAt: at, recordedAt: at }, `s${i + 1}`);
    violations.push(outcome.violation);
    if (outcome.sanction) sanctions.push(outcome.sanction);
  });
  return { violations, sanctions };
};

describe('filing an appeal', () => {
  const [violation] = history(['PROHIBITED_CLAIM', 0]).violations as [ViolationRecord];

  it('is open for 7 days after the violation is recorded', () => {
    expect(appealDeadline(violation)).toEqual(after(7 * DAY));
    expect(() => assertAppealable(violation, after(7 * DAY), { alreadyAppealed: false })).not.toThrow();
    expect(() => assertAppealable(violation, after(7 * DAY + 1), { alreadyAppealed: false })).toThrow(
      expect.objectContaining({ kind: 'FAILED_PRECONDITION', code: 'APPEAL.WINDOW_CLOSED' }),
    );
  });

  it('is allowed once per violation', () => {
    expect(() => assertAppealable(violation, after(HOUR), { alreadyAppealed: true })).toThrow(expect.objectContaining({ code: 'APPEAL.ALREADY_FILED' }));
  });
});

describe('overturning a violation', () => {
  it('restores its points and lifts the restriction it caused', () => {
    const h = history(['CRITICAL_INSPECTION_FAILURE', 0]);
    expect(standingAt(h.violations, h.sanctions, after(DAY)).status).toBe('LISTING_RESTRICTED');
    const outcome = overturnViolation(h, 'v1', after(DAY));
    expect(outcome.restoredPoints).toBe(12);
    expect(outcome.liftedSanctions).toEqual([expect.objectContaining({ id: 's1', liftedAt: after(DAY), liftCause: 'APPEAL_OVERTURNED' })]);
    expect(outcome.after).toMatchObject({ status: 'ACTIVE', activePoints: 0, canList: true });
    expect(outcome.reinstated).toBe(true);
    expect(outcome.reasons.map((r) => r.code)).toEqual(['MERCHANT.APPEAL.OVERTURNED', 'MERCHANT.SANCTION.LIFTED']);
  });

  it('lifts every sanction the remaining points no longer reach, and imposes none in their place', () => {
    // 6 + 6 = 12 -> restricted (s2); + 12 = 24 -> suspended (s3). Without v2 the merchant had 6 at
    // s2's start and 18 at s3's: neither rung is reached, so both are lifted. A replay would have
    // restricted at v3 instead, but winning an appeal never brings a new sanction.
    const h = history(['THREE_NO_LISTING', 0], ['IP_INFRINGEMENT', HOUR], ['CRITICAL_INSPECTION_FAILURE', 2 * HOUR]);
    expect(h.sanctions.map((s) => [s.id, s.kind])).toEqual([
      ['s2', 'LISTING_RESTRICTED'],
      ['s3', 'SUSPENDED'],
    ]);
    const outcome = overturnViolation(h, 'v2', after(DAY));
    expect(outcome.liftedSanctions.map((s) => s.id)).toEqual(['s2', 's3']);
    expect(outcome.after).toMatchObject({ status: 'ACTIVE', activePoints: 18 });
  });

  it('lifts only the sanctions whose rung is no longer reached', () => {
    // 12 -> restricted (s1); 12 more -> 24, suspended (s2). Overturning the second leaves 12:
    // the restriction stands, the suspension goes.
    const h = history(['CRITICAL_INSPECTION_FAILURE', 0], ['CRITICAL_INSPECTION_FAILURE', HOUR]);
    const outcome = overturnViolation(h, 'v2', after(DAY));
    expect(outcome.liftedSanctions.map((s) => s.kind)).toEqual(['SUSPENDED']);
    expect(outcome.after).toMatchObject({ status: 'LISTING_RESTRICTED', activePoints: 12 });
    expect(outcome.reinstated).toBe(true);
  });

  it('keeps a sanction the remaining points still justify', () => {
    // 2 then 12 -> 14, restricted at rung 12; without the 2 the merchant still has 12
    const h = history(['AFTER_SALE_REFUSAL', 0], ['CRITICAL_INSPECTION_FAILURE', HOUR]);
    const outcome = overturnViolation(h, 'v1', after(DAY));
    expect(outcome.restoredPoints).toBe(2);
    expect(outcome.liftedSanctions).toEqual([]);
    expect(outcome.after.status).toBe('LISTING_RESTRICTED');
    expect(outcome.reinstated).toBe(false);
  });

  it('does not touch sanctions the violation played no part in', () => {
    const h = history(['CRITICAL_INSPECTION_FAILURE', 0], ['THREE_NO_LISTING', DAY]);
    const outcome = overturnViolation(h, 'v2', after(2 * DAY));
    expect(outcome.liftedSanctions).toEqual([]);
    expect(outcome.restoredPoints).toBe(6);
  });

  it('reinstates a merchant removed for a zero-tolerance violation that is overturned', () => {
    const h = history(['COUNTERFEIT', 0]);
    const outcome = overturnViolation(h, 'v1', after(3 * DAY));
    expect(outcome.before.status).toBe('REMOVED');
    expect(outcome.after.status).toBe('ACTIVE');
    expect(outcome.reinstated).toBe(true);
  });

  it('refuses to overturn twice or an unknown violation', () => {
    const h = history(['PROHIBITED_CLAIM', 0]);
    const once = overturnViolation(h, 'v1', after(DAY));
    expect(() => overturnViolation({ violations: [once.violation], sanctions: h.sanctions }, 'v1', after(DAY))).toThrow(
      expect.objectContaining({ code: 'APPEAL.ALREADY_OVERTURNED' }),
    );
    expect(() => overturnViolation(h, 'nope', after(DAY))).toThrow(expect.objectContaining({ code: 'APPEAL.VIOLATION_UNKNOWN' }));
  });
});

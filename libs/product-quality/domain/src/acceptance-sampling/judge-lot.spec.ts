import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { ACCEPTANCE_SAMPLING_POLICY } from './acceptance-sampling.policy';
import { judgeLot, planLotInspection } from './judge-lot';

const lot1000 = (defects: { CRITICAL: number; MAJOR: number; MINOR: number }, severity: 'NORMAL' | 'TIGHTENED' | 'REDUCED' = 'NORMAL') =>
  judgeLot({ lotSize: 1000, severity, defects });

describe('lot inspection plan under the policy (level II; critical 0, major 2.5, minor 4.0)', () => {
  it('plans a lot of 1000 on code letter J: 80 items, critical 0/1, major 5/6, minor 7/8', () => {
    const plan = planLotInspection({ lotSize: 1000, severity: 'NORMAL' });
    expect(plan.sampleSize).toBe(80);
    expect(plan.plans.CRITICAL).toMatchObject({ codeLetter: 'J', sampleSize: 80, acceptance: 0, rejection: 1 });
    expect(plan.plans.MAJOR).toMatchObject({ sampleSize: 80, acceptance: 5, rejection: 6 });
    expect(plan.plans.MINOR).toMatchObject({ sampleSize: 80, acceptance: 7, rejection: 8 });
    expect(plan.policy).toEqual({ name: ACCEPTANCE_SAMPLING_POLICY.name, version: ACCEPTANCE_SAMPLING_POLICY.version });
  });

  it('draws the largest class sample when classes use different sample sizes', () => {
    // Lot 60 -> E (13): major 2.5 is an arrow down to F (20, 1/2); minor 4.0 is 1/2 on 13.
    const plan = planLotInspection({ lotSize: 60, severity: 'NORMAL' });
    expect(plan.plans.MAJOR).toMatchObject({ planCodeLetter: 'F', sampleSize: 20, acceptance: 1 });
    expect(plan.plans.MINOR).toMatchObject({ planCodeLetter: 'E', sampleSize: 13, acceptance: 1 });
    expect(plan.sampleSize).toBe(20);
  });
});

describe('judging a lot', () => {
  it('accepts a lot with every class within its acceptance number', () => {
    const j = lot1000({ CRITICAL: 0, MAJOR: 5, MINOR: 7 });
    expect(j.accepted).toBe(true);
    expect(j.reasons.map((r) => r.code)).toEqual(['SAMPLING.CLASS_ACCEPTED', 'SAMPLING.CLASS_ACCEPTED', 'SAMPLING.CLASS_ACCEPTED', 'SAMPLING.LOT_ACCEPTED']);
  });

  it('rejects the lot when one class reaches its rejection number, naming the class and its plan', () => {
    const j = lot1000({ CRITICAL: 0, MAJOR: 6, MINOR: 0 });
    expect(j.accepted).toBe(false);
    expect(j.classes.find((c) => c.defectClass === 'MAJOR')?.accepted).toBe(false);
    const rejected = j.reasons.find((r) => r.code === 'SAMPLING.CLASS_REJECTED');
    expect(rejected?.evidence).toMatchObject({ defect_class: 'MAJOR', aql: '2.5', code_letter: 'J', sample_size: '80', acceptance: '5', rejection: '6', defects_found: '6' });
    expect(j.reasons.at(-1)).toMatchObject({ code: 'SAMPLING.LOT_REJECTED', evidence: { rejected_classes: 'MAJOR' } });
  });

  it('rejects on a single critical nonconformity (zero acceptance)', () => {
    expect(lot1000({ CRITICAL: 1, MAJOR: 0, MINOR: 0 }).accepted).toBe(false);
  });

  it('judges with the plans of the current severity', () => {
    // Tightened J: major 3/4, so 4 major rejects; reduced J (n=32): major 2/3.
    expect(lot1000({ CRITICAL: 0, MAJOR: 4, MINOR: 0 }, 'NORMAL').accepted).toBe(true);
    expect(lot1000({ CRITICAL: 0, MAJOR: 4, MINOR: 0 }, 'TIGHTENED').accepted).toBe(false);
    const reduced = lot1000({ CRITICAL: 0, MAJOR: 3, MINOR: 0 }, 'REDUCED');
    expect(reduced.sampleSize).toBe(32);
    expect(reduced.accepted).toBe(false);
  });

  it('inspects the whole of a small lot when a class sample reaches the lot size, and still applies Ac', () => {
    // Lot 4 -> A: major 2.5 points down to C (n=5 >= 4: every item); minor 4.0 to B (n=3); critical on A (n=2).
    const j = judgeLot({ lotSize: 4, severity: 'NORMAL', defects: { CRITICAL: 0, MAJOR: 1, MINOR: 0 } });
    const major = j.classes.find((c) => c.defectClass === 'MAJOR');
    expect(major?.plan).toMatchObject({ fullInspection: true, sampleSize: 4, acceptance: 0 });
    expect(j.classes.map((c) => c.plan.sampleSize)).toEqual([2, 4, 3]);
    expect(j.sampleSize).toBe(4);
    expect(j.accepted).toBe(false);
  });

  it('rejects negative or fractional defect counts as field violations', () => {
    try {
      judgeLot({ lotSize: 1000, severity: 'NORMAL', defects: { CRITICAL: -1, MAJOR: 0.5, MINOR: 0 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).violations.map((v) => v.field)).toEqual(['defects.CRITICAL', 'defects.MAJOR']);
    }
  });
});

describe('switching score credit of a lot on normal inspection (ISO 2859-1:1999 9.3.3.2)', () => {
  it('adds the smallest class credit: 2 while the zero-acceptance critical class is in the lot', () => {
    // Major 2.5 (Ac 5) would pass at 1.5 (J: Ac 3); minor 4.0 (Ac 7) at 2.5 (Ac 5): +3 each; critical Ac 0 accepted: +2.
    expect(lot1000({ CRITICAL: 0, MAJOR: 3, MINOR: 5 }).scoreCredit).toEqual({ kind: 'ADD', points: 2 });
  });

  it('resets when an Ac >= 2 class is accepted but would fail one AQL step tighter', () => {
    const j = lot1000({ CRITICAL: 0, MAJOR: 4, MINOR: 0 });
    expect(j.accepted).toBe(true);
    expect(j.classes.find((c) => c.defectClass === 'MAJOR')?.scoreCredit).toEqual({ kind: 'RESET' });
    expect(j.scoreCredit).toEqual({ kind: 'RESET' });
  });

  it('adds 3 when every class has Ac >= 2 and passes one step tighter', () => {
    const policy = { ...ACCEPTANCE_SAMPLING_POLICY, aqlByDefectClass: { CRITICAL: 1.0, MAJOR: 2.5, MINOR: 4.0 } };
    // Critical 1.0 on J is 2/3; one step tighter (0.65) is 1/2.
    expect(judgeLot({ lotSize: 1000, severity: 'NORMAL', defects: { CRITICAL: 1, MAJOR: 3, MINOR: 5 } }, policy).scoreCredit).toEqual({ kind: 'ADD', points: 3 });
    expect(judgeLot({ lotSize: 1000, severity: 'NORMAL', defects: { CRITICAL: 2, MAJOR: 3, MINOR: 5 } }, policy).scoreCredit).toEqual({ kind: 'RESET' });
  });

  it('has no credit off normal inspection', () => {
    expect(lot1000({ CRITICAL: 0, MAJOR: 0, MINOR: 0 }, 'TIGHTENED').scoreCredit).toBeNull();
  });
});

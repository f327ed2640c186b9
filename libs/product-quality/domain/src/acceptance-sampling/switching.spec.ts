import { DomainError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { ACCEPTANCE_SAMPLING_POLICY, type AcceptanceSamplingPolicy } from './acceptance-sampling.policy';
import { judgeLot } from './judge-lot';
import { type SwitchingDecision, type SwitchingState, initialSwitchingState, inspectionSeverityOf, nextSwitchingState } from './switching';

const CLEAN = { CRITICAL: 0, MAJOR: 0, MINOR: 0 };
const BAD = { CRITICAL: 0, MAJOR: 6, MINOR: 0 }; // rejected whatever the severity (J: Ac <= 5)

interface Conditions {
  productionSteady?: boolean;
  reducedApprovedByAuthority?: boolean;
}

/** Inspects one lot of 1000 at the state's severity and feeds the judgement to the state machine. */
const lot = (state: SwitchingState, accepted: boolean, conditions: Conditions = {}, policy: AcceptanceSamplingPolicy = ACCEPTANCE_SAMPLING_POLICY): SwitchingDecision => {
  const judgement = judgeLot({ lotSize: 1000, severity: inspectionSeverityOf(state), defects: accepted ? CLEAN : BAD }, policy);
  return nextSwitchingState(
    state,
    { kind: 'LOT_JUDGED', lot: judgement, productionSteady: conditions.productionSteady ?? true, reducedApprovedByAuthority: conditions.reducedApprovedByAuthority ?? true },
    policy,
  );
};

/** Runs a sequence of lot results ('a' accepted, 'r' rejected) and returns the stage after each. */
const run = (results: string, from: SwitchingState = initialSwitchingState(), conditions: Conditions = {}) => {
  let state = from;
  const stages: string[] = [];
  for (const r of results) {
    state = lot(state, r === 'a', conditions).state;
    stages.push(state.stage);
  }
  return { state, stages };
};

const tightened = (): SwitchingState => run('rr').state;

describe('switching rules per merchant x SKU (ISO 2859-1:1999 clause 9)', () => {
  it('starts on normal inspection', () => {
    expect(initialSwitchingState().stage).toBe('NORMAL');
  });

  it('goes to tightened when 2 of 5 or fewer consecutive lots are rejected', () => {
    expect(run('rar').stages).toEqual(['NORMAL', 'NORMAL', 'TIGHTENED']);
    expect(run('raaar').state.stage).toBe('TIGHTENED');
    const d = lot(run('a').state, false);
    expect(d.changed).toBe(false);
    expect(lot(d.state, false)).toMatchObject({ changed: true, from: 'NORMAL', state: { stage: 'TIGHTENED' } });
    expect(lot(d.state, false).reasons[0]?.code).toBe('SAMPLING.NORMAL_TO_TIGHTENED');
  });

  it('stays on normal when two rejections are more than five lots apart', () => {
    expect(run('raaaar').state.stage).toBe('NORMAL');
    expect(run('raaaaraaaar').state.stage).toBe('NORMAL');
  });

  it('returns to normal after 5 consecutive accepted lots on tightened', () => {
    const { stages } = run('aaaaa', tightened());
    expect(stages).toEqual(['TIGHTENED', 'TIGHTENED', 'TIGHTENED', 'TIGHTENED', 'NORMAL']);
  });

  it('restarts the count of accepted lots on tightened after a rejection', () => {
    expect(run('aaaaraaaa', tightened()).state.stage).toBe('TIGHTENED');
    expect(run('aaaaraaaaa', tightened()).state.stage).toBe('NORMAL');
  });

  it('discontinues inspection when 5 lots are rejected on tightened, even with accepted lots between', () => {
    const { state, stages } = run('raraarraar', tightened());
    expect(stages.at(-1)).toBe('STOPPED');
    expect(stages.indexOf('STOPPED')).toBe(stages.length - 1);
    expect(state.tightenedRejected).toBe(5);
  });

  it('refuses lots while discontinued and resumes on tightened once the supplier improves', () => {
    const stopped = run('rrrrr', tightened()).state;
    expect(stopped.stage).toBe('STOPPED');
    expect(() => inspectionSeverityOf(stopped)).toThrow(DomainError);
    const judgement = judgeLot({ lotSize: 1000, severity: 'TIGHTENED', defects: CLEAN });
    expect(() => nextSwitchingState(stopped, { kind: 'LOT_JUDGED', lot: judgement, productionSteady: true, reducedApprovedByAuthority: true })).toThrow(
      expect.objectContaining({ code: 'SAMPLING.INSPECTION_DISCONTINUED' }),
    );
    const resumed = nextSwitchingState(stopped, { kind: 'SUPPLIER_IMPROVED' });
    expect(resumed.state).toMatchObject({ stage: 'TIGHTENED', tightenedRejected: 0, tightenedConsecutiveAccepted: 0 });
    expect(resumed.reasons[0]?.code).toBe('SAMPLING.RESUMED_ON_TIGHTENED');
    expect(() => nextSwitchingState(resumed.state, { kind: 'SUPPLIER_IMPROVED' })).toThrow(expect.objectContaining({ code: 'SAMPLING.NOT_DISCONTINUED' }));
  });

  it('reaches reduced when the switching score reaches 30 with steady production and approval', () => {
    // Under the policy every clean lot earns 2 (the critical class has Ac 0): 15 lots.
    const { stages, state } = run('a'.repeat(15));
    expect(stages.slice(0, 14).every((s) => s === 'NORMAL')).toBe(true);
    expect(run('a'.repeat(14)).state.switchingScore).toBe(28);
    expect(state.stage).toBe('REDUCED');
  });

  it('earns 3 a lot when every class has Ac >= 2 and passes one AQL step tighter: 10 lots', () => {
    const policy = { ...ACCEPTANCE_SAMPLING_POLICY, aqlByDefectClass: { CRITICAL: 1.0, MAJOR: 2.5, MINOR: 4.0 } };
    let state = initialSwitchingState();
    for (let i = 1; i <= 9; i++) state = lot(state, true, {}, policy).state;
    expect(state).toMatchObject({ stage: 'NORMAL', switchingScore: 27 });
    const tenth = lot(state, true, {}, policy);
    expect(tenth.state.stage).toBe('REDUCED');
    expect(tenth.reasons.map((r) => r.code)).toContain('SAMPLING.NORMAL_TO_REDUCED');
  });

  it('withholds reduced inspection without steady production or approval, and keeps the score', () => {
    const at28 = run('a'.repeat(14)).state;
    const withheld = lot(at28, true, { reducedApprovedByAuthority: false });
    expect(withheld.state).toMatchObject({ stage: 'NORMAL', switchingScore: 30 });
    expect(withheld.reasons.at(-1)?.code).toBe('SAMPLING.REDUCED_WITHHELD');
    expect(lot(withheld.state, true, { productionSteady: false }).state.stage).toBe('NORMAL');
    expect(lot(withheld.state, true).state.stage).toBe('REDUCED');
  });

  it('resets the switching score on a rejected lot and on a lot that only passes at the AQL', () => {
    expect(run('aaaaar').state.switchingScore).toBe(0);
    const at10 = run('aaaaa').state;
    const judgement = judgeLot({ lotSize: 1000, severity: 'NORMAL', defects: { CRITICAL: 0, MAJOR: 4, MINOR: 0 } });
    expect(judgement.accepted).toBe(true);
    const d = nextSwitchingState(at10, { kind: 'LOT_JUDGED', lot: judgement, productionSteady: true, reducedApprovedByAuthority: true });
    expect(d.state.switchingScore).toBe(0);
  });

  it('returns from reduced to normal on a rejected lot, irregular production or the authority', () => {
    const reduced = run('a'.repeat(15)).state;
    expect(reduced.stage).toBe('REDUCED');
    expect(lot(reduced, true).state.stage).toBe('REDUCED');
    const rejected = lot(reduced, false);
    expect(rejected.state).toMatchObject({ stage: 'NORMAL', switchingScore: 0, normalRecent: [] });
    expect(rejected.reasons[0]?.code).toBe('SAMPLING.REDUCED_TO_NORMAL');
    expect(lot(reduced, true, { productionSteady: false }).state.stage).toBe('NORMAL');
    expect(lot(reduced, true, { reducedApprovedByAuthority: false }).state.stage).toBe('NORMAL');
  });

  it('ignores resubmitted lots and refuses a lot judged at another severity', () => {
    const normal = initialSwitchingState();
    const rejectedLot = judgeLot({ lotSize: 1000, severity: 'NORMAL', defects: BAD });
    const resubmitted = nextSwitchingState(normal, { kind: 'LOT_JUDGED', lot: rejectedLot, originalInspection: false, productionSteady: true, reducedApprovedByAuthority: true });
    expect(resubmitted.state).toEqual(normal);
    const tightenedLot = judgeLot({ lotSize: 1000, severity: 'TIGHTENED', defects: CLEAN });
    expect(() => nextSwitchingState(normal, { kind: 'LOT_JUDGED', lot: tightenedLot, productionSteady: true, reducedApprovedByAuthority: true })).toThrow(
      expect.objectContaining({ code: 'SAMPLING.SEVERITY_MISMATCH' }),
    );
  });

  it('records the policy version on every decision', () => {
    expect(lot(initialSwitchingState(), true).policy).toEqual({ name: ACCEPTANCE_SAMPLING_POLICY.name, version: ACCEPTANCE_SAMPLING_POLICY.version });
  });
});

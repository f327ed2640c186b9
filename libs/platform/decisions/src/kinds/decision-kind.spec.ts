import { describe, expect, it } from 'vitest';
import { ValidationError } from '@govern/policy-core';
import { replayStored } from '../replay';
import type { StoredDecision } from '../store/decision-store';
import { TOY_POLICIES, toyInputs, toyRefundKind, type ToyRefundInput } from '../testing/toy-refund.fixture';
import { defineDecisionKind, parametersVersion, type AnyDecisionKind } from './decision-kind';

const kind = toyRefundKind();
const [input] = toyInputs(1, new Date('2026-11-05T00:00:00Z')) as [ToyRefundInput];

/** A record as recordDecisions would store it. */
const stored = (overrides: Partial<StoredDecision> = {}, version = kind.active, at: ToyRefundInput = input): StoredDecision => {
  const outcome = kind.versions[version]?.(at);
  if (!outcome) throw new Error(`no version ${version}`);
  const summary = kind.summarize(outcome);
  return {
    id: 1n,
    decisionId: 'd-1',
    kind: kind.kind,
    subjects: [...kind.subjectOf(at)],
    decidedAt: at.at,
    policy: { name: kind.policyName, version },
    inputJson: kind.encodeInput(at),
    outcome: summary.outcome,
    outcomeJson: kind.encodeOutcome(outcome),
    reasons: [...summary.reasons],
    reasonCodes: summary.reasons.map((r) => r.code),
    moneyAtStakeFen: outcome.refundFen,
    ...overrides,
  };
};

describe('decision kinds', () => {
  it('are built from a policy registry: every version loadable, the active one named', () => {
    expect(kind.policyName).toBe('toy-refund');
    expect(kind.active).toBe('2026-11-01.1');
    expect(Object.keys(kind.versions)).toEqual(['2026-10-01.1', '2026-11-01.1', '2026-12-01.1']);
    const big = { ...input, amountFen: 18_000n, trust: 90 };
    expect(kind.versions['2026-11-01.1']?.(big).outcome).toBe('GRANTED');
    expect(kind.versions['2026-12-01.1']?.(big).outcome).toBe('DENIED');
  });

  it('refuse a bad name or an active version they do not have', () => {
    const spec = { kind: 'toy', policyName: 'p', versions: { v1: () => 1 }, active: 'v1', summarize: () => ({ outcome: 'X', reasons: [] }), subjectOf: () => [] };
    expect(() => defineDecisionKind({ ...spec, kind: 'Toy Refund' })).toThrow(/lower-kebab-case/);
    expect(() => defineDecisionKind({ ...spec, active: 'v2' })).toThrow(/active version "v2"/);
    expect(defineDecisionKind(spec).decodeInput(defineDecisionKind(spec).encodeInput({ a: 1n }))).toEqual({ a: 1n });
  });

  it('lay candidate parameters over the active policy, refusing ones that do not fit', () => {
    const stricter = kind.withParameters?.({ capFen: 15_000n });
    const big = { ...input, amountFen: 18_000n, trust: 90 };
    expect(stricter?.(big).outcome).toBe('DENIED');
    expect(stricter?.(big).policy.version).toBe(parametersVersion({ capFen: 15_000n }));
    expect(parametersVersion({ capFen: 15_000n })).toMatch(/^parameters:[0-9a-f]{12}$/);
    expect(() => kind.withParameters?.({ capFen: 150 })).toThrow(ValidationError);
    expect(TOY_POLICIES.active.capFen).toBe(20_000n);
  });
});

describe('replayStored', () => {
  const any = kind as unknown as AnyDecisionKind;

  it('recomputes with the recorded version, not the active one', () => {
    const old = stored({}, '2026-10-01.1', { ...input, amountFen: 25_000n, trust: 35 });
    expect(old.outcome).toBe('GRANTED');
    expect(replayStored(any, old)).toMatchObject({ verdict: 'IDENTICAL', policy: { version: '2026-10-01.1' } });
  });

  it('names the first difference when the stored input no longer gives the stored outcome', () => {
    const record = stored({}, kind.active, { ...input, amountFen: 100n, trust: 90 });
    const tampered = { ...record, inputJson: record.inputJson.replace('"$bigint":"100"', '"$bigint":"99999"') };
    expect(replayStored(any, tampered)).toMatchObject({ verdict: 'DIFFERENT', difference: { path: '$.outcome', recorded: 'GRANTED', recomputed: 'DENIED' } });
  });

  it('checks the summary columns beside the outcome', () => {
    const record = stored({}, kind.active, { ...input, amountFen: 100n, trust: 90 });
    expect(replayStored(any, { ...record, outcome: 'DENIED' })).toMatchObject({ verdict: 'DIFFERENT', difference: { path: 'record.outcome_code' } });
    expect(replayStored(any, { ...record, reasonCodes: [] })).toMatchObject({ verdict: 'DIFFERENT', difference: { path: 'record.reason_codes[0]' } });
    expect(replayStored(any, { ...record, moneyAtStakeFen: 1n })).toMatchObject({ verdict: 'DIFFERENT', difference: { path: 'record.money_at_stake_fen' } });
  });

  it('says why a record is not replayable', () => {
    expect(replayStored(undefined, stored()).detail).toMatch(/not registered/);
    expect(replayStored(any, stored({ policy: { name: 'toy-refund', version: '2025-01-01.1' } })).detail).toMatch(/no longer loadable/);
    expect(replayStored(any, stored({ inputJson: '{"broken' })).detail).toMatch(/input cannot be read/);
    expect(replayStored(any, stored({ outcomeJson: '' })).detail).toMatch(/outcome cannot be read/);
    expect(replayStored(any, stored({ inputJson: 'null' })).detail).toMatch(/policy failed/);
  });
});

import { describe, expect, it } from 'vitest';
import { ValidationError } from './domain-error';
import { definePolicyVersions, overlayPolicy } from './policy-versions';

const V1 = {
  name: 'refund',
  version: '2026-01-01.1',
  capFen: 20_000n,
  minTrust: 40,
  tiers: [{ atLeast: 40, outcome: { tier: 'STANDARD', capFen: 20_000n } }],
  reasons: ['NOT_RECEIVED'],
  abuse: { minRefunds: 5, maxRate: 0.5, guardsPreDispatch: false },
  empty: [] as string[],
};
const V2 = { ...V1, version: '2026-02-01.1', capFen: 15_000n };

describe('definePolicyVersions', () => {
  it('keeps every version loadable and names the active one', () => {
    const policies = definePolicyVersions({ [V1.version]: V1, [V2.version]: V2 }, V2.version);
    expect(policies.name).toBe('refund');
    expect(policies.active).toBe(V2);
    expect(policies.find(V1.version)).toBe(V1);
    expect(Object.keys(policies.versions)).toEqual([V1.version, V2.version]);
    expect(policies.find('2025-12-01.1')).toBeUndefined();
    expect(policies.find('toString')).toBeUndefined();
  });

  it('refuses a table whose keys, names or active version disagree', () => {
    expect(() => definePolicyVersions({ v1: V1 }, 'v1')).toThrow(/key "v1" holds version "2026-01-01.1"/);
    expect(() => definePolicyVersions({ [V1.version]: V1, [V2.version]: { ...V2, name: 'other' } }, V1.version)).toThrow(/not a version of "refund"/);
    expect(() => definePolicyVersions({ [V1.version]: V1 }, V2.version)).toThrow(/active version/);
    expect(() => definePolicyVersions({}, V1.version)).toThrow(/no versions/);
  });
});

describe('overlayPolicy', () => {
  it('replaces scalars and arrays, merges objects, keeps the rest and renames the version', () => {
    const candidate = overlayPolicy(
      V1,
      { capFen: 10_000n, abuse: { minRefunds: 3 }, tiers: [{ atLeast: 50, outcome: { tier: 'STRICT', capFen: 5_000n } }], empty: ['x'] },
      'parameters:abc',
    );
    expect(candidate).toEqual({
      ...V1,
      version: 'parameters:abc',
      capFen: 10_000n,
      abuse: { minRefunds: 3, maxRate: 0.5, guardsPreDispatch: false },
      tiers: [{ atLeast: 50, outcome: { tier: 'STRICT', capFen: 5_000n } }],
      empty: ['x'],
    });
    expect(V1.capFen).toBe(20_000n);
  });

  it('lists every unknown field and type mismatch at once', () => {
    try {
      overlayPolicy(V1, { capFen: 100, cap_fen: 1n, abuse: { minRefunds: '3' }, tiers: [{ atLeast: 50, outcome: { tier: 'X', capFen: 1 } }], version: 'x', minTrust: Number.NaN }, 'p');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const violations = (error as ValidationError).violations.map((v) => `${v.field} ${v.reason}`);
      expect(violations).toEqual([
        'parameters.version NOT_A_PARAMETER',
        'parameters.capFen WRONG_TYPE',
        'parameters.cap_fen UNKNOWN_FIELD',
        'parameters.abuse.minRefunds WRONG_TYPE',
        'parameters.tiers[0].outcome.capFen WRONG_TYPE',
        'parameters.minTrust WRONG_TYPE',
      ]);
    }
  });

  it('refuses something that is not an object of fields', () => {
    expect(() => overlayPolicy(V1, [1], 'p')).toThrow(ValidationError);
    expect(() => overlayPolicy(V1, null, 'p')).toThrow(ValidationError);
  });
});

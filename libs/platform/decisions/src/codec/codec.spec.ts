import { describe, expect, it } from 'vitest';
import { decodeDecisionJson, DecisionJsonError, encodeDecisionJson } from './decision-json';
import { firstDifference } from './first-difference';

describe('decision codec', () => {
  it('round-trips bigint money, dates, bytes, special numbers and $-keys exactly', () => {
    const value = {
      amountFen: 12_345_678_901_234_567_890n,
      negative: -5n,
      at: new Date('2026-11-01T08:00:00.123Z'),
      never: new Date(Number.NaN),
      hash: new Uint8Array([0, 255, 7]),
      ratios: [0.1, Number.NaN, Infinity, -Infinity, -0, 0],
      evidence: { $bigint: 'not a tag', $$x: 'two dollars', plain: 'text with \u0000 NUL' },
      nested: [{ b: 2, a: [true, null] }],
    };
    const decoded = decodeDecisionJson(encodeDecisionJson(value));
    expect(firstDifference(value, decoded)).toBeUndefined();
    expect(decoded).toEqual(value);
    expect(Object.is((decoded as typeof value).ratios[4], -0)).toBe(true);
  });

  it('writes one text per value whatever the key order, leaving undefined fields out', () => {
    expect(encodeDecisionJson({ b: 1, a: { d: undefined, c: 2n } })).toBe('{"a":{"c":{"$bigint":"2"}},"b":1}');
    expect(encodeDecisionJson({ a: { c: 2n }, b: 1 })).toBe(encodeDecisionJson({ b: 1, a: { c: 2n } }));
    expect(encodeDecisionJson([undefined, 1])).toBe('[null,1]');
  });

  it('refuses what is not plain data, and text that is not the codec', () => {
    expect(() => encodeDecisionJson({ s: new Set([1]) })).toThrow(DecisionJsonError);
    expect(() => encodeDecisionJson({ f: () => 1 })).toThrow(DecisionJsonError);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => encodeDecisionJson(cyclic)).toThrow(/deeper than/);
    expect(() => decodeDecisionJson('{"a":')).toThrow(/not JSON/);
    expect(() => decodeDecisionJson('{"$bigint":"1.5"}')).toThrow(/not an integer/);
    expect(() => decodeDecisionJson('{"$date":"yesterday"}')).toThrow(/not a date/);
    expect(() => decodeDecisionJson('{"$evil":1,"x":2}')).toThrow(/unknown tag/);
  });
});

describe('firstDifference', () => {
  it('is undefined for equal values, undefined fields counting as absent', () => {
    expect(firstDifference({ a: 1, b: undefined, d: new Date(5) }, { a: 1, d: new Date(5) })).toBeUndefined();
    expect(firstDifference([Number.NaN, 1n], [Number.NaN, 1n])).toBeUndefined();
  });

  it('names the first difference in sorted-key, index order with both values', () => {
    const recorded = { outcome: 'GRANTED', reasons: [{ code: 'A', evidence: { cap_fen: '100' } }, { code: 'B' }], z: 1 };
    const recomputed = { outcome: 'GRANTED', reasons: [{ code: 'A', evidence: { cap_fen: '200' } }, { code: 'C' }], z: 2 };
    expect(firstDifference(recorded, recomputed)).toEqual({ path: '$.reasons[0].evidence.cap_fen', recorded: '100', recomputed: '200' });
  });

  it('reports missing keys and array lengths, type changes and odd keys', () => {
    expect(firstDifference({ a: 1 }, { a: 1, b: 2 })).toEqual({ path: '$.b', recorded: undefined, recomputed: 2 });
    expect(firstDifference([1, 2], [1])).toEqual({ path: '$[1]', recorded: 2, recomputed: undefined });
    expect(firstDifference({ 'cap fen': 1n }, { 'cap fen': 1 })).toEqual({ path: '$["cap fen"]', recorded: 1n, recomputed: 1 });
    expect(firstDifference({ a: [1] }, { a: { 0: 1 } })?.path).toBe('$.a');
    expect(firstDifference(new Date(1), new Date(2))?.path).toBe('$');
    expect(firstDifference(new Uint8Array([1, 2]), new Uint8Array([1, 3]))?.path).toBe('$[1]');
    expect(firstDifference(0, -0)?.path).toBe('$');
  });
});

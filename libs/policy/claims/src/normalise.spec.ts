import { describe, expect, it } from 'vitest';
import { GAP_INVISIBLE, GAP_NONE, GAP_VISIBLE, HARD_BREAK, normaliseForClaims } from './normalise';

describe('normaliseForClaims', () => {
  it('folds width, case, look-alikes and traditional characters into one matching key', () => {
    expect(normaliseForClaims('ＢＥＳＴ').text).toBe('best');
    expect(normaliseForClaims('bеst').text).toBe('best'); // Cyrillic е
    expect(normaliseForClaims('國家級').text).toBe('国家级');
    expect(normaliseForClaims('Ｎｏ．１').text).toBe(normaliseForClaims('No.1').text);
    expect(normaliseForClaims('N0.l').text).toBe(normaliseForClaims('No.1').text);
  });

  it('drops filler but remembers whether it was visible', () => {
    const n = normaliseForClaims('a b\u200bc');
    expect(n.text).toBe('abc');
    expect([...n.gap.subarray(0, n.length)]).toEqual([GAP_NONE, GAP_VISIBLE, GAP_INVISIBLE]);
  });

  it('maps every unit back to the character it came from', () => {
    const source = 'x 𝐛 ① ㍿';
    const n = normaliseForClaims(source);
    const spans = Array.from({ length: n.length }, (_, k) => source.slice(n.start[k], n.end[k]));
    expect(n.text).toBe('xbl株式会社');
    expect(spans).toEqual(['x', '𝐛', '①', '㍿', '㍿', '㍿', '㍿']);
    expect(n.originalSpan(1, 3)).toEqual({ start: 2, end: 6 });
  });

  it('turns a long run of visible filler into a hard break', () => {
    const n = normaliseForClaims('a     b', 4);
    expect([...n.units.subarray(0, n.length)]).toEqual(['a'.charCodeAt(0), HARD_BREAK, 'b'.charCodeAt(0)]);
    expect(normaliseForClaims('a    b', 4).text).toBe('ab');
    // invisible padding does not count: it cannot separate what a reader sees as one word
    expect(normaliseForClaims(`a${'\u200b'.repeat(20)}b`, 4).text).toBe('ab');
  });

  it('returns an empty key for text without letters or digits', () => {
    expect(normaliseForClaims('').length).toBe(0);
    expect(normaliseForClaims(' ，。!?🔥').length).toBe(0);
  });
});

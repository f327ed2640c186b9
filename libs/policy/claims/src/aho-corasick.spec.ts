import { describe, expect, it } from 'vitest';
import { seededRandom } from '@govern/policy-core';
import { AhoCorasick } from './aho-corasick';

const units = (s: string): Uint16Array => Uint16Array.from(s, (c) => c.charCodeAt(0));

const naive = (patterns: string[], text: string): string[] => {
  const found: string[] = [];
  patterns.forEach((p, id) => {
    for (let i = text.indexOf(p); i !== -1; i = text.indexOf(p, i + 1)) found.push(`${id}@${i + p.length}`);
  });
  return found.sort();
};

const viaAutomaton = (patterns: string[], text: string): string[] => {
  const sink: number[] = [];
  new AhoCorasick(patterns.map(units)).scan(units(text), text.length, sink);
  const found: string[] = [];
  for (let i = 0; i < sink.length; i += 2) found.push(`${sink[i]}@${sink[i + 1]}`);
  return found.sort();
};

describe('AhoCorasick', () => {
  it('finds overlapping and nested occurrences', () => {
    const patterns = ['he', 'she', 'his', 'hers', '第一', '全网第一'];
    expect(viaAutomaton(patterns, 'ushers 全网第一')).toEqual(naive(patterns, 'ushers 全网第一'));
    expect(viaAutomaton(['aa'], 'aaaa')).toEqual(['0@2', '0@3', '0@4']);
  });

  it('agrees with a brute-force search on random texts', () => {
    const random = seededRandom(2026);
    const alphabet = 'ab最好第一';
    const pick = (len: number): string =>
      Array.from({ length: len }, () => alphabet[Math.floor(random.next() * alphabet.length)]).join('');
    for (let round = 0; round < 200; round++) {
      const patterns = [...new Set(Array.from({ length: 1 + Math.floor(random.next() * 8) }, () => pick(1 + Math.floor(random.next() * 4))))];
      const text = pick(Math.floor(random.next() * 60));
      expect(viaAutomaton(patterns, text)).toEqual(naive(patterns, text));
    }
  });
});

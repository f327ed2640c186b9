import fc from 'fast-check';
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

describe('AhoCorasick: dense table encoding', () => {
  // Units drawn from a small alphabet (the hard-break unit 0, Latin, CJK, a surrogate) so that
  // patterns share prefixes and suffixes and the failure links matter.
  const unitsOf = fc.array(fc.constantFrom(0, 0x61, 0x62, 0x6c, 0x6f, 0x6700, 0x7b2c, 0x4e00, 0xd800), { minLength: 1, maxLength: 5 });

  it('finds what a brute-force search finds, in text order, and knows each pattern length', () => {
    fc.assert(
      fc.property(fc.array(unitsOf, { minLength: 1, maxLength: 12 }), fc.array(fc.constantFrom(0, 0x61, 0x62, 0x6c, 0x6f, 0x6700, 0x7b2c, 0x4e00, 0xd800, 0x20), { maxLength: 80 }), (patterns, textUnits) => {
        const automaton = new AhoCorasick(patterns);
        const text = Uint16Array.from(textUnits);
        const sink: number[] = [];
        automaton.scan(text, text.length, sink);
        const found: string[] = [];
        for (let i = 0; i < sink.length; i += 2) found.push(`${sink[i]}@${sink[i + 1]}`);
        const expected: string[] = [];
        patterns.forEach((p, id) => {
          for (let end = p.length; end <= text.length; end++) {
            if (p.every((u, j) => text[end - p.length + j] === u)) expected.push(`${id}@${end}`);
          }
        });
        expect([...found].sort()).toEqual([...expected].sort());
        // occurrences come out by end offset
        const ends = [];
        for (let i = 1; i < sink.length; i += 2) ends.push(sink[i] as number);
        expect(ends).toEqual([...ends].sort((a, b) => a - b));
        expect([...automaton.patternLength]).toEqual(patterns.map((p) => p.length));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the table at states × alphabet × 4 bytes', () => {
    const automaton = new AhoCorasick([units('best'), units('第一')]);
    expect(automaton.next.byteLength).toBe(automaton.stateCount * automaton.width * 4);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@govern/policy-core';
import { AhoCorasick, ROW_SHIFT } from './aho-corasick';

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

  it('keeps the table at states × padded alphabet × 2 bytes while the entries fit 16 bits', () => {
    const automaton = new AhoCorasick([units('best'), units('第一')]);
    expect(automaton.next).toBeInstanceOf(Int16Array);
    expect(automaton.stride).toBe(Math.ceil(automaton.width / (1 << ROW_SHIFT)) << ROW_SHIFT);
    expect(automaton.next.byteLength).toBe(automaton.stateCount * automaton.stride * 2);
  });

  // Every string of `length` letters over the first `letters` Latin letters.
  const allStrings = (letters: number, length: number): string[] => {
    let out = [''];
    for (let l = 0; l < length; l++) out = out.flatMap((prefix) => Array.from({ length: letters }, (_, c) => prefix + String.fromCharCode(0x61 + c)));
    return out;
  };
  const randomText = (letters: number, length: number): string => {
    const random = seededRandom(length);
    return Array.from({ length }, () => String.fromCharCode(0x61 + Math.floor(random.next() * (letters + 1)))).join('');
  };

  it('finds every occurrence with 16-bit entries whose row offsets pass 16 bits', () => {
    // 1 + 20 + 400 + 8,000 states, 21 classes in rows of 32: row offsets up to 269,440, stored >> 5.
    const patterns = allStrings(20, 3);
    const automaton = new AhoCorasick(patterns.map(units));
    expect(automaton.next).toBeInstanceOf(Int16Array);
    expect(automaton.stride).toBe(32);
    const text = randomText(20, 400);
    expect(viaAutomaton(patterns, text)).toEqual(naive(patterns, text));
  });

  it('keeps 32-bit entries for an automaton of more than 32,768 states', () => {
    const patterns = allStrings(14, 4); // 41,371 states
    const automaton = new AhoCorasick(patterns.map(units));
    expect(automaton.next).toBeInstanceOf(Int32Array);
    const text = randomText(14, 200);
    expect(viaAutomaton(patterns, text)).toEqual(naive(patterns, text));
  });
});

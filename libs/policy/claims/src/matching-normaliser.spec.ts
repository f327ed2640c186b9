import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '@govern/policy-core';
import type { ClaimHit, ClaimLexicon } from './claim-types';
import { CLAIMS_LEXICON } from './claims-lexicon.policy';
import { compileClaimScanner, compileLexicon } from './claim-scanner';
import { CharBuffer, MatchBuffer, MatchingNormaliser } from './matching-normaliser';
import { NormaliseBuffer, normaliseForClaims, normaliseInto } from './normalise';

// Pieces that exercise every path of the one-pass scan: terms and allow phrases and their
// characters, separators visible and invisible, long filler runs (hard breaks), combining
// marks, full-width and look-alike letters, traditional characters, surrogate pairs, lone
// surrogates, characters that expand to several units, letters and digits around terms.
const termPieces = CLAIMS_LEXICON.terms.flatMap((t) => [t.term, ...(t.allow ?? [])]);
const charPieces = [...new Set(termPieces.join(''))];
const otherPieces = [
  ' ', '.', '-', '✨', '　', '\u200b', '\u200d', '\u0336', '\u0301', '     ', '— — ', '\n\n\n\n\n\n',
  'ＢＥＳＴ', 'Ｎｏ．１', 'е', 'Ο', '國', '療', '壹', '𝐛𝐞𝐬𝐭', '🔥', '\ud800', '\udc00', '\ud83d',
  '㍿', '①', 'ﬁ', 'ﷺ', '0', '1', 'l', 'O', 'x', 'st', 'er', '%', '#', '这款', 'the ', 'a', 'é',
];
const textOf = (...pools: string[][]): fc.Arbitrary<string> =>
  fc.array(fc.oneof(...pools.map((pool) => fc.constantFrom(...pool))), { maxLength: 40 }).map((pieces) => pieces.join(''));
const text = textOf(termPieces, charPieces, otherPieces);

const twoPass = (lexicon: ClaimLexicon) => {
  const compiled = compileLexicon(lexicon);
  const onePass = new MatchingNormaliser(compiled.automaton, lexicon.normalisation.maxFillerRun);
  const buffer = new MatchBuffer(4); // small, so texts grow it
  return { compiled, onePass, buffer };
};

describe('MatchingNormaliser: one pass equals normalise, then scan', () => {
  const { compiled, onePass, buffer } = twoPass(CLAIMS_LEXICON);
  const { maxFillerRun } = CLAIMS_LEXICON.normalisation;

  it('finds the same occurrences, with the same columns wherever resolution reads them', () => {
    fc.assert(
      fc.property(text, (source) => {
        const reference = normaliseInto(new NormaliseBuffer(8), source, maxFillerRun);
        const expected: number[] = [];
        compiled.automaton.scan(reference.units, reference.length, expected);

        const occurrences: number[] = [];
        const columns = onePass.run(buffer, source, occurrences);
        expect(occurrences).toEqual(expected);
        expect(columns.length).toBe(reference.length);
        for (let o = 0; o < occurrences.length; o += 2) {
          const e = occurrences[o + 1] as number;
          const s = e - (compiled.patterns[occurrences[o] as number]?.units.length ?? 0);
          for (let k = Math.max(0, s - 1); k < Math.min(columns.length, e + 1); k++) {
            expect([columns.start[k], columns.end[k], columns.gap[k], columns.kind[k]], `unit ${k}`).toEqual([
              reference.start[k],
              reference.end[k],
              reference.gap[k],
              reference.kind[k],
            ]);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('unpacks every column to what normaliseInto writes', () => {
    fc.assert(
      fc.property(text, (source) => {
        const reference = normaliseInto(new NormaliseBuffer(8), source, maxFillerRun);
        const columns = onePass.run(buffer, source, []);
        buffer.unpack(0, columns.length);
        const n = reference.length;
        expect(columns.length).toBe(n);
        expect([...columns.start.subarray(0, n)]).toEqual([...reference.start.subarray(0, n)]);
        expect([...columns.end.subarray(0, n)]).toEqual([...reference.end.subarray(0, n)]);
        expect([...columns.gap.subarray(0, n)]).toEqual([...reference.gap.subarray(0, n)]);
        expect([...columns.kind.subarray(0, n)]).toEqual([...reference.kind.subarray(0, n)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('unpacks right after a scan that stopped half way (it wrote packed bytes and never reported its length)', () => {
    const source = '这款最好的best seller，第一次用。'.repeat(20);
    const reference = normaliseInto(new NormaliseBuffer(8), source, maxFillerRun);
    const interrupted = new MatchBuffer(4);
    interrupted.reset(source.length + 16);
    interrupted.packed.fill(0xff, 0, source.length); // what a scan that threw could leave
    const columns = onePass.run(interrupted, source, []);
    interrupted.unpack(0, columns.length);
    const n = reference.length;
    expect([...columns.end.subarray(0, n)]).toEqual([...reference.end.subarray(0, n)]);
    expect([...columns.gap.subarray(0, n)]).toEqual([...reference.gap.subarray(0, n)]);
    expect([...columns.kind.subarray(0, n)]).toEqual([...reference.kind.subarray(0, n)]);
  });

  it('gives the scanner the same hits as scanning the normalised text', () => {
    const scanner = compileClaimScanner(CLAIMS_LEXICON);
    fc.assert(
      fc.property(text, (source) => {
        const viaTwoPasses = scanner.scanNormalised(normaliseForClaims(source, maxFillerRun));
        expect(scanner.scan(source)).toEqual(viaTwoPasses);
      }),
      { numRuns: 2000 },
    );
  });

  it('orders hits by start, longer first, then lexicon order', () => {
    const scanner = compileClaimScanner(CLAIMS_LEXICON);
    const termIndex = new Map(CLAIMS_LEXICON.terms.map((t, index) => [t.id, index]));
    const order = (a: ClaimHit, b: ClaimHit): number =>
      a.start - b.start || b.end - a.end || (termIndex.get(a.termId) ?? 0) - (termIndex.get(b.termId) ?? 0);
    let multiple = 0;
    fc.assert(
      fc.property(text, (source) => {
        const hits = scanner.scan(source);
        if (hits.length > 1) multiple++;
        expect(hits).toEqual([...hits].sort(order));
      }),
      { numRuns: 2000 },
    );
    expect(multiple).toBeGreaterThan(100);
  });

  it('puts hits on the same span in lexicon order', () => {
    // ㍿ is one character of four units: all three terms span it, found in the order A, C, B.
    const scanner = compileClaimScanner({
      name: 'test',
      version: '1',
      normalisation: { maxFillerRun: 4 },
      terms: [
        { id: 'B', term: '会社', category: 'ABSOLUTE', severity: 'HIGH' },
        { id: 'A', term: '株式', category: 'ABSOLUTE', severity: 'HIGH' },
        { id: 'C', term: '式会', category: 'ABSOLUTE', severity: 'HIGH' },
      ],
    });
    expect(scanner.scan('x㍿y').map((hit) => [hit.termId, hit.start, hit.end])).toEqual([['B', 1, 2], ['A', 1, 2], ['C', 1, 2]]);
  });

  it('grows its buffer for characters that expand to many units', () => {
    const source = `最${'ﷺ'.repeat(300)}好 ${'㍿'.repeat(500)} best`;
    const reference = normaliseForClaims(source, maxFillerRun);
    const occurrences: number[] = [];
    const columns = onePass.run(new MatchBuffer(4), source, occurrences);
    expect(columns.length).toBe(reference.length);
    expect(columns.length).toBeGreaterThan(source.length);
    const expected: number[] = [];
    compiled.automaton.scan(reference.units, reference.length, expected);
    expect(occurrences).toEqual(expected);
  });
});

describe('MatchingNormaliser: single separators, stepped over by the inner loop', () => {
  // A space, "，" or "。" between two kept characters only sets the gap of the second, unless
  // maxFillerRun is 0 (then it is a hard break); runs of two or more, invisible filler and
  // marks go the general way. Terms, allow phrases and their characters, joined this way.
  const separators = [' ', '，', '。', '.', '-', '✨', '  ', '\u200b', ' \u200b', '\u0336', ''];
  const joined = fc
    .array(fc.tuple(fc.constantFrom(...termPieces, ...charPieces, 'best', 'No', '1', 'x'), fc.constantFrom(...separators)), { maxLength: 30 })
    .map((parts) => parts.map(([piece, separator]) => piece + separator).join(''));

  it.each([0, 1, 4])('maxFillerRun %i: the same hits as scanning the normalised text', (maxFillerRun) => {
    const scanner = compileClaimScanner({ ...CLAIMS_LEXICON, normalisation: { maxFillerRun } });
    fc.assert(
      fc.property(joined, (source) => {
        expect(scanner.scan(source)).toEqual(scanner.scanNormalised(normaliseForClaims(source, maxFillerRun)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('MatchingNormaliser: a one-pass table past 16-bit entries', () => {
  it('keeps 32-bit entries and finds what scanning the normalised text finds', () => {
    // 120 terms of 30 characters drawn from 400: about 3,600 states × 416 classes, so the rows
    // do not fit 16-bit entries once moved past the 0x10000 codes.
    const letters = Array.from({ length: 400 }, (_, i) => String.fromCharCode(0x4e00 + i));
    const random = seededRandom(13);
    const pick = (): string => letters[Math.floor(random.next() * letters.length)] as string;
    const words = Array.from({ length: 120 }, () => Array.from({ length: 30 }, pick).join(''));
    const lexicon: ClaimLexicon = {
      name: 'test',
      version: '1',
      normalisation: { maxFillerRun: 4 },
      terms: words.map((term, index) => ({ id: `T${index}`, term, category: 'ABSOLUTE', severity: 'HIGH' })),
    };
    const scanner = compileClaimScanner(lexicon);
    const { automaton } = compileLexicon(lexicon);
    expect(new MatchingNormaliser(automaton, 4).tableBytes).toBe((0x10000 + automaton.next.length) * 4);
    const halves = words.flatMap((word) => [word.slice(0, 15), word.slice(15)]);
    fc.assert(
      fc.property(textOf(words, halves, letters, otherPieces), (source) => {
        expect(scanner.scan(source)).toEqual(scanner.scanNormalised(normaliseForClaims(source, 4)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('MatchingNormaliser: other filler limits and a pattern across a hard break', () => {
  // maxFillerRun 0 turns every visible separator into a hard break, and a term written with
  // a long run of spaces holds the hard-break unit itself, so the automaton has a class for it.
  const lexicon: ClaimLexicon = {
    name: 'test',
    version: '1',
    normalisation: { maxFillerRun: 0 },
    terms: [
      { id: 'A', term: 'best', category: 'ABSOLUTE', severity: 'HIGH' },
      { id: 'B', term: '最 好', category: 'ABSOLUTE', severity: 'HIGH' },
      { id: 'C', term: '第一', category: 'ABSOLUTE', severity: 'HIGH', allow: ['第一次'] },
    ],
  };

  const ownPieces = ['best', '最 好', '最', '好', '第一', '第一次', '次', 'b', 'e', 's', 't', ' ', '  ', '.', '\u200b', '\u0336', '𝐛'];

  it.each([0, 1, 4])('maxFillerRun %i', (maxFillerRun) => {
    const withLimit = { ...lexicon, normalisation: { maxFillerRun } };
    const scanner = compileClaimScanner(withLimit);
    fc.assert(
      fc.property(textOf(ownPieces, otherPieces), (source) => {
        expect(scanner.scan(source)).toEqual(scanner.scanNormalised(normaliseForClaims(source, maxFillerRun)));
      }),
      { numRuns: 1000 },
    );
    if (maxFillerRun === 0) expect(scanner.scan('它最 好').map((hit) => hit.termId)).toEqual(['B']);
  });
});

describe('CharBuffer: the units the one-pass scan reads', () => {
  const unitsOf = (source: string): number[] => Array.from({ length: source.length }, (_, i) => source.charCodeAt(i));

  it('copies every representation of a string exactly: ropes, one-byte text, lone surrogates', () => {
    const chars = new CharBuffer();
    let rope = '';
    for (const piece of ['最', 'best ', '\ud800', 'x', '\udc00', '𝐛', 'No.1']) rope += piece;
    const cases = [rope, 'plain ascii text', '\ud83d', '', '第一'.repeat(3000), rope.slice(1, -1)];
    for (const source of cases) {
      expect([...chars.load(source).subarray(0, source.length)]).toEqual(unitsOf(source));
    }
  });

  it('gives the same units as charCodeAt for any text, growing as needed', () => {
    const chars = new CharBuffer();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (source) => {
        expect([...chars.load(source).subarray(0, source.length)]).toEqual(unitsOf(source));
      }),
      { numRuns: 300 },
    );
  });
});

import { DomainError, type PolicyRef } from '@govern/policy-core';
import { AhoCorasick } from './aho-corasick';
import { type ClaimHit, type ClaimLexicon, type ClaimTerm, SEVERITY_RANK } from './claim-types';
import { CLAIMS_LEXICON } from './claims-lexicon.policy';
import {
  GAP_NONE,
  GAP_VISIBLE,
  KIND_DIGIT,
  KIND_LATIN_LETTER,
  NormaliseBuffer,
  type NormalisedColumns,
  type NormalisedText,
  normaliseInto,
} from './normalise';
import { MatchBuffer, MatchingNormaliser } from './matching-normaliser';

/** Finds prohibited claims in a text. Compile once, scan many times; safe to share. */
export interface ClaimScanner {
  /** The lexicon the hits come from: record it with every decision. */
  readonly policy: PolicyRef;
  readonly terms: readonly ClaimTerm[];
  /** Every claim in `text`, ordered by start (longer first at one start). */
  scan(text: string): ClaimHit[];
  /** The same on a text already normalised with `normaliseForClaims` (and this lexicon's maxFillerRun). */
  scanNormalised(text: NormalisedText): ClaimHit[];
  /** The lexicon entry behind a hit, e.g. for its allow-list or `waivedBy`. */
  term(termId: string): ClaimTerm | undefined;
}

/** A term or an allow phrase as the automaton sees it. */
export interface CompiledPattern {
  /** Index of the term in the lexicon; for an allow phrase, of the term that lists it. */
  termIndex: number;
  isAllow: boolean;
  /** Normalised units (the matching key). */
  units: Uint16Array;
  /** Starts / ends with a Latin letter or digit: needs a word boundary there. */
  boundaryAtStart: boolean;
  boundaryAtEnd: boolean;
  /**
   * For each Latin word of the pattern with two letters or more, the offsets inside the
   * pattern between its letters. In the text these must be all unbroken ("best") or all
   * broken ("b e s t"), so "be st" or "to be St Regis" do not spell "best".
   */
  wordInteriors: readonly (readonly number[])[];
}

export interface CompiledLexicon {
  lexicon: ClaimLexicon;
  patterns: readonly CompiledPattern[];
  automaton: AhoCorasick;
}

const isLatin = (kind: number): boolean => kind === KIND_LATIN_LETTER || kind === KIND_DIGIT;

const invalid = (message: string, metadata: Record<string, string>): DomainError =>
  new DomainError('FAILED_PRECONDITION', 'CLAIMS.LEXICON_INVALID', message, metadata);

const compilePattern = (text: string, termIndex: number, isAllow: boolean, maxFillerRun: number): CompiledPattern => {
  const normalised = normaliseInto(new NormaliseBuffer(text.length + 16), text, maxFillerRun);
  const n = normalised.length;
  const units = normalised.units.slice(0, n);
  const wordInteriors: number[][] = [];
  let current: number[] = [];
  for (let k = 1; k <= n; k++) {
    const sameWord =
      k < n &&
      normalised.gap[k] === GAP_NONE &&
      isLatin(normalised.kind[k] as number) &&
      isLatin(normalised.kind[k - 1] as number) &&
      // letters and digits are separate words: "top1" is "top" + "1"
      (normalised.kind[k] as number) === (normalised.kind[k - 1] as number);
    if (sameWord) {
      current.push(k);
    } else {
      if (current.length > 0) wordInteriors.push(current);
      current = [];
    }
  }
  return {
    termIndex,
    isAllow,
    units,
    boundaryAtStart: n > 0 && isLatin(normalised.kind[0] as number),
    boundaryAtEnd: n > 0 && isLatin(normalised.kind[n - 1] as number),
    wordInteriors,
  };
};

const keyOf = (units: Uint16Array): string => String.fromCharCode(...units);

/** Validates the lexicon and builds its automaton. Throws `CLAIMS.LEXICON_INVALID` on bad data. */
export const compileLexicon = (lexicon: ClaimLexicon): CompiledLexicon => {
  const { maxFillerRun } = lexicon.normalisation;
  const patterns: CompiledPattern[] = [];
  const ids = new Set<string>();
  const termKeys = new Map<string, string>();
  const allowKeys = new Set<string>();
  lexicon.terms.forEach((term, termIndex) => {
    if (ids.has(term.id)) throw invalid(`duplicate term id ${term.id}`, { term_id: term.id });
    ids.add(term.id);
    const pattern = compilePattern(term.term, termIndex, false, maxFillerRun);
    if (pattern.units.length === 0) throw invalid(`term ${term.id} is empty once normalised`, { term_id: term.id });
    const key = keyOf(pattern.units);
    const twin = termKeys.get(key);
    if (twin !== undefined) {
      throw invalid(`terms ${twin} and ${term.id} normalise to the same text`, { term_id: term.id, other_term_id: twin });
    }
    termKeys.set(key, term.id);
    patterns.push(pattern);
    for (const phrase of term.allow ?? []) {
      const allow = compilePattern(phrase, termIndex, true, maxFillerRun);
      const allowKey = keyOf(allow.units);
      if (!allowKey.includes(key)) {
        throw invalid(`allow phrase "${phrase}" of ${term.id} does not contain the term`, { term_id: term.id, phrase });
      }
      // An allow phrase suppresses whatever lies inside it, so one listing is enough.
      if (allowKeys.has(allowKey)) continue;
      allowKeys.add(allowKey);
      patterns.push(allow);
    }
  });
  return { lexicon, patterns, automaton: new AhoCorasick(patterns.map((p) => p.units)) };
};

/** Does the occurrence of `pattern` at normalised [s, e) stand as a match in the text? */
const stands = (pattern: CompiledPattern, text: NormalisedColumns, s: number, e: number): boolean => {
  const { gap, kind } = text;
  if (pattern.boundaryAtStart && s > 0 && gap[s] === GAP_NONE && isLatin(kind[s - 1] as number)) return false;
  if (pattern.boundaryAtEnd && e < text.length && gap[e] === GAP_NONE && isLatin(kind[e] as number)) return false;
  for (const interior of pattern.wordInteriors) {
    let broken = 0;
    for (const k of interior) if (gap[s + k] === GAP_VISIBLE) broken++;
    if (broken !== 0 && broken !== interior.length) return false;
  }
  return true;
};

// Scratch of resolveHits, reused across calls (it is synchronous and does not re-enter):
// flat (s, e) pairs of standing allow phrases and (termIndex, start, end, s, e) of standing
// terms, each with its count. Typed and counted rather than arrays emptied by setting their
// length, which is a call into the runtime (and drops the backing store, so the next pushes
// allocate again): most texts have occurrences, and most of those end with no hit ("第一次" is
// an occurrence of 第一 and of an allow phrase), which then allocates nothing but the answer.
let allowedScratch = new Int32Array(64);
let foundScratch = new Int32Array(160);

/**
 * Turns raw occurrences — pairs (pattern index, normalised end) from any matcher — into hits:
 * boundary and split checks, allow phrases suppressing what lies inside them, original offsets.
 */
export const resolveHits = (compiled: CompiledLexicon, text: NormalisedColumns, occurrences: readonly number[]): ClaimHit[] => {
  const { patterns, lexicon } = compiled;
  const { patternLength } = compiled.automaton; // the patterns' lengths, without a load of each pattern's units
  // Room for every occurrence to stand, as an allow phrase or as a term.
  if (occurrences.length * 5 > foundScratch.length) {
    allowedScratch = new Int32Array(occurrences.length * 2);
    foundScratch = new Int32Array(occurrences.length * 5);
  }
  const allowed = allowedScratch;
  const found = foundScratch;
  let allowedLength = 0;
  let foundLength = 0;
  for (let i = 0; i < occurrences.length; i += 2) {
    const pattern = patterns[occurrences[i] as number] as CompiledPattern;
    const e = occurrences[i + 1] as number;
    const s = e - (patternLength[occurrences[i] as number] as number);
    if (!stands(pattern, text, s, e)) continue;
    if (pattern.isAllow) {
      allowed[allowedLength++] = s;
      allowed[allowedLength++] = e;
    } else {
      found[foundLength++] = pattern.termIndex;
      found[foundLength++] = text.start[s] as number;
      found[foundLength++] = text.end[e - 1] as number;
      found[foundLength++] = s;
      found[foundLength++] = e;
    }
  }
  // Kept in place: the terms no allow phrase covers move to the front, as (termIndex, start, end)
  // in original offsets, so the hits are built from numbers with no object in between.
  let kept = 0;
  for (let f = 0; f < foundLength; f += 5) {
    const s = found[f + 3] as number;
    const e = found[f + 4] as number;
    let inside = false;
    for (let a = 0; a < allowedLength && !inside; a += 2) inside = (allowed[a] as number) <= s && (allowed[a + 1] as number) >= e;
    if (inside) continue;
    found[3 * kept] = found[f] as number;
    found[3 * kept + 1] = found[f + 1] as number;
    found[3 * kept + 2] = found[f + 2] as number;
    kept++;
  }
  if (kept === 0) return [];
  // By start, longer first, then term order. A stable insertion sort: the lists are a handful
  // of hits, for which Array.prototype.sort's call into the comparator costs more.
  for (let j = 1; j < kept; j++) {
    const termIndex = found[3 * j] as number;
    const start = found[3 * j + 1] as number;
    const end = found[3 * j + 2] as number;
    let at = j;
    for (; at > 0; at--) {
      const before = 3 * (at - 1);
      const beforeStart = found[before + 1] as number;
      const beforeEnd = found[before + 2] as number;
      if ((beforeStart - start || end - beforeEnd || (found[before] as number) - termIndex) <= 0) break;
      found[3 * at] = found[before] as number;
      found[3 * at + 1] = beforeStart;
      found[3 * at + 2] = beforeEnd;
    }
    found[3 * at] = termIndex;
    found[3 * at + 1] = start;
    found[3 * at + 2] = end;
  }
  const hits: ClaimHit[] = [];
  for (let h = 0; h < kept; h++) {
    const term = lexicon.terms[found[3 * h] as number] as ClaimTerm;
    const start = found[3 * h + 1] as number;
    const end = found[3 * h + 2] as number;
    hits.push({
      termId: term.id,
      term: term.term,
      category: term.category,
      severity: term.severity,
      start,
      end,
      matchedText: text.source.slice(start, end),
    });
  }
  return hits;
};

/** Compiles a scanner for `lexicon` (the platform lexicon by default). */
export const compileClaimScanner = (lexicon: ClaimLexicon = CLAIMS_LEXICON): ClaimScanner => {
  const compiled = compileLexicon(lexicon);
  const byId = new Map(lexicon.terms.map((term) => [term.id, term]));
  const onePass = new MatchingNormaliser(compiled.automaton, lexicon.normalisation.maxFillerRun);
  // The normalised text never leaves `scan`, so one buffer serves every call (scans are
  // synchronous; nothing re-enters). The occurrences go to a new array each call: a small
  // array costs less to allocate than an old one to empty (setting its length is a call into
  // the runtime, and drops its backing store all the same).
  const scratch = new MatchBuffer(1024);
  const scanNormalised = (text: NormalisedText): ClaimHit[] => {
    const occurrences: number[] = [];
    compiled.automaton.scan(text.units, text.length, occurrences);
    return occurrences.length === 0 ? [] : resolveHits(compiled, text, occurrences);
  };
  return {
    policy: { name: lexicon.name, version: lexicon.version },
    terms: lexicon.terms,
    // One pass normalises and matches (see MatchingNormaliser); the same as
    // scanNormalised(normaliseForClaims(text, maxFillerRun)).
    scan: (text) => {
      const occurrences: number[] = [];
      const normalised = onePass.run(scratch, text, occurrences);
      return occurrences.length === 0 ? [] : resolveHits(compiled, normalised, occurrences);
    },
    scanNormalised,
    term: (termId) => byId.get(termId),
  };
};

/**
 * Drops hits that lie inside a stronger-or-equal hit of the same category ("第一" inside
 * "全网第一", "最" inside "最好"), for consumers that want one reason per claim. `scan` itself
 * reports every distinct term.
 */
export const collapseNestedHits = (hits: readonly ClaimHit[]): ClaimHit[] =>
  hits.filter(
    (hit) =>
      !hits.some(
        (other) =>
          other !== hit &&
          other.category === hit.category &&
          other.start <= hit.start &&
          other.end >= hit.end &&
          other.end - other.start > hit.end - hit.start &&
          SEVERITY_RANK[other.severity] >= SEVERITY_RANK[hit.severity],
      ),
  );

import type { AhoCorasick } from './aho-corasick';
import { LOOK_ALIKES } from './look-alikes';

/**
 * Matching form of a text: what is left after the tricks sellers use to slip a claim past a
 * filter are undone, with every unit pointing back to the original text.
 *
 * Per code point: compatibility decomposition (NFKD: full-width, circled, mathematical and
 * other styled forms become plain letters and digits), combining marks dropped (so "bést",
 * "b̶e̶s̶t̶" read "best"), look-alike letters mapped (Cyrillic/Greek that look Latin,
 * traditional Chinese characters of the lexicon), lower case, then the digit/letter
 * skeleton (0 and o, 1 and l and i are one letter each) so "N0.1", "No.l", "1OO%" meet
 * "No.1" and "100%". Only letters, digits, `%` and `#` are kept; everything else is filler
 * (spaces, punctuation, emoji, zero-width characters) and is removed, remembering that it
 * was there: Latin terms need a word boundary and must not be glued from pieces of other
 * words. A run of visible filler longer than `maxFillerRun` becomes a hard break, so a
 * claim is not assembled across a paragraph.
 *
 * The result is a matching key, not text to show: show `source.slice(start, end)`.
 */

/** What was removed before a unit: nothing, only invisible characters, or something visible. */
export const GAP_NONE = 0;
export const GAP_INVISIBLE = 1;
export const GAP_VISIBLE = 2;

/** What a unit was before the skeleton folded digits into letters. */
export const KIND_LATIN_LETTER = 1;
export const KIND_DIGIT = 2;
/** Any other letter or number: Chinese characters, non-Latin scripts. */
export const KIND_OTHER = 3;
/** `%`, `#`, and the hard break. */
export const KIND_SYMBOL = 4;

/** The unit standing for a hard break; no term contains it. */
export const HARD_BREAK = 0;

/** Visible filler characters tolerated between two characters of one claim ("最 ✨ 好" is 3). */
export const DEFAULT_MAX_FILLER_RUN = 4;

// Normalised units never hold a lone surrogate (those are filler), so decoding is lossless.
const UTF16 = new TextDecoder('utf-16le');

export class NormalisedText {
  private joined: string | undefined;

  constructor(
    /** The original text. */
    readonly source: string,
    /** Number of units; the arrays below may be longer (spare capacity). */
    readonly length: number,
    /** Normalised UTF-16 code units. */
    readonly units: Uint16Array,
    /** Original offset (UTF-16) where the character that produced each unit starts. */
    readonly start: Int32Array,
    /** Original offset (UTF-16) just after that character. */
    readonly end: Int32Array,
    /** Filler removed just before each unit: GAP_NONE, GAP_INVISIBLE or GAP_VISIBLE. */
    readonly gap: Uint8Array,
    /** KIND_* of each unit. */
    readonly kind: Uint8Array,
  ) {}

  /** The normalised units as a string (the hard break is U+0000). */
  get text(): string {
    if (this.joined === undefined) {
      this.joined = UTF16.decode(this.units.subarray(0, this.length));
    }
    return this.joined;
  }

  /** Original span [start, end) of the normalised units [from, to). */
  originalSpan(from: number, to: number): { start: number; end: number } {
    return { start: this.start[from] ?? 0, end: this.end[to - 1] ?? 0 };
  }
}

/** How one code point normalises: kept units with their kinds, or filler of some kind. */
interface Mapping {
  units: number[];
  kinds: number[];
  /** When `units` is empty: GAP_INVISIBLE or GAP_VISIBLE. */
  filler: number;
  /** A combining mark: it belongs to the character before it (and to a match ending there). */
  mark?: boolean;
}

const KEPT = /[\p{L}\p{N}%#]/u;
const MARK = /^\p{M}$/u;
const INVISIBLE = /[\p{Cf}\p{M}\p{Default_Ignorable_Code_Point}]/u;
const MARKS = /\p{M}/gu;
const SKELETON: Readonly<Record<string, string>> = { '0': 'o', '1': 'l', i: 'l' };

const kindOf = (ch: string): number => {
  if (ch >= 'a' && ch <= 'z') return KIND_LATIN_LETTER;
  if (ch >= '0' && ch <= '9') return KIND_DIGIT;
  if (ch === '%' || ch === '#') return KIND_SYMBOL;
  return KIND_OTHER;
};

const computeMapping = (cp: number): Mapping => {
  const original = String.fromCodePoint(cp);
  if (MARK.test(original)) return { units: [], kinds: [], filler: GAP_INVISIBLE, mark: true };
  if (INVISIBLE.test(original)) return { units: [], kinds: [], filler: GAP_INVISIBLE };
  const decomposed = original.normalize('NFKD').replace(MARKS, '');
  if (decomposed.length === 0) return { units: [], kinds: [], filler: GAP_INVISIBLE };
  const units: number[] = [];
  const kinds: number[] = [];
  for (const piece of decomposed) {
    const lower = (LOOK_ALIKES[piece] ?? piece).toLowerCase();
    for (const ch of lower) {
      if (!KEPT.test(ch)) continue;
      const key = SKELETON[ch] ?? ch;
      for (let k = 0; k < key.length; k++) {
        units.push(key.charCodeAt(k));
        kinds.push(kindOf(ch));
      }
    }
  }
  return { units, kinds, filler: units.length === 0 ? GAP_VISIBLE : GAP_NONE };
};

// Memo of the mapping per code point, filled on first sight. The common case, a BMP code
// point that maps to one unit, lives in typed arrays so the hot loop does no hashing.
const UNSEEN = -1;
const FILLER_VISIBLE = -2;
const FILLER_INVISIBLE = -3;
const COMPLEX = -4;
const FILLER_MARK = -5;
const bmpUnit = new Int32Array(0x10000).fill(UNSEEN);
const bmpKind = new Uint8Array(0x10000);
const complex = new Map<number, Mapping>();

const learn = (cp: number): void => {
  const mapping = computeMapping(cp);
  if (cp > 0xffff || mapping.units.length > 1) {
    complex.set(cp, mapping);
    if (cp <= 0xffff) bmpUnit[cp] = COMPLEX;
  } else if (mapping.units.length === 1) {
    bmpUnit[cp] = mapping.units[0] as number;
    bmpKind[cp] = mapping.kinds[0] as number;
  } else if (mapping.mark === true) {
    bmpUnit[cp] = FILLER_MARK;
  } else {
    bmpUnit[cp] = mapping.filler === GAP_INVISIBLE ? FILLER_INVISIBLE : FILLER_VISIBLE;
  }
};

const mappingOf = (cp: number): Mapping => {
  let mapping = complex.get(cp);
  if (mapping === undefined) {
    learn(cp);
    mapping = complex.get(cp) as Mapping;
  }
  return mapping;
};

/** The code point at `i`, a surrogate pair read as one (it is then 2 UTF-16 units wide: above U+FFFF). */
const codePointAt = (source: string, i: number, n: number): number => {
  const cp = source.charCodeAt(i);
  if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < n) {
    const low = source.charCodeAt(i + 1);
    if (low >= 0xdc00 && low < 0xe000) return ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return cp;
};

/**
 * A code point's unit (≥ 0) or what it is instead: COMPLEX (several units, or above U+FFFF:
 * `mappingOf` gives them), FILLER_MARK, FILLER_INVISIBLE or FILLER_VISIBLE. Learns it if new.
 */
const unitOf = (cp: number): number => {
  let unit = cp <= 0xffff ? (bmpUnit[cp] as number) : COMPLEX;
  if (unit === UNSEEN) {
    learn(cp);
    unit = bmpUnit[cp] as number;
  }
  if (unit !== COMPLEX) return unit;
  const mapping = mappingOf(cp);
  if (mapping.units.length > 0) return COMPLEX;
  if (mapping.mark === true) return FILLER_MARK;
  return mapping.filler === GAP_INVISIBLE ? FILLER_INVISIBLE : FILLER_VISIBLE;
};

/**
 * Growable output columns carved from one buffer (allocating typed arrays dominates the cost
 * of short texts, so there is one allocation, and a scanner reuses its builder).
 */
export class NormaliseBuffer {
  units!: Uint16Array;
  start!: Int32Array;
  end!: Int32Array;
  gap!: Uint8Array;
  kind!: Uint8Array;
  length = 0;
  private capacity = 0;

  constructor(capacity: number) {
    this.allocate(capacity);
  }

  /** Empties the buffer and makes room for at least `capacity` units. */
  reset(capacity: number): void {
    this.length = 0;
    if (capacity > this.capacity) this.allocate(capacity);
  }

  push(unit: number, start: number, end: number, gap: number, kind: number): void {
    if (this.length === this.capacity) this.allocate(this.capacity * 2);
    const k = this.length++;
    this.units[k] = unit;
    this.start[k] = start;
    this.end[k] = end;
    this.gap[k] = gap;
    this.kind[k] = kind;
  }

  private allocate(capacity: number): void {
    // 4 + 4 + 2 + 1 + 1 bytes per unit, in decreasing alignment.
    const buffer = new ArrayBuffer(capacity * 12);
    const start = new Int32Array(buffer, 0, capacity);
    const end = new Int32Array(buffer, capacity * 4, capacity);
    const units = new Uint16Array(buffer, capacity * 8, capacity);
    const gap = new Uint8Array(buffer, capacity * 10, capacity);
    const kind = new Uint8Array(buffer, capacity * 11, capacity);
    if (this.length > 0) {
      start.set(this.start.subarray(0, this.length));
      end.set(this.end.subarray(0, this.length));
      units.set(this.units.subarray(0, this.length));
      gap.set(this.gap.subarray(0, this.length));
      kind.set(this.kind.subarray(0, this.length));
    }
    this.start = start;
    this.end = end;
    this.units = units;
    this.gap = gap;
    this.kind = kind;
    this.capacity = capacity;
  }
}

/** Normalises `source` for claim matching; see the module comment. Linear in the text. */
export const normaliseForClaims = (source: string, maxFillerRun: number = DEFAULT_MAX_FILLER_RUN): NormalisedText =>
  normaliseInto(new NormaliseBuffer(source.length + 16), source, maxFillerRun);

/**
 * The same into a reusable buffer: the result is a view of `out` and is only valid until
 * the buffer is used again.
 */
export const normaliseInto = (out: NormaliseBuffer, source: string, maxFillerRun: number): NormalisedText => {
  const n = source.length;
  out.reset(n + 16);
  let pendingGap = GAP_NONE;
  let visibleRun = 0;
  let runStart = 0;

  let i = 0;
  while (i < n) {
    const cp = codePointAt(source, i, n);
    const width = cp > 0xffff ? 2 : 1;
    const unit = unitOf(cp);
    const mapping = unit === COMPLEX ? mappingOf(cp) : undefined;

    if (unit >= 0 || unit === COMPLEX) {
      // A long run of visible filler before this character becomes a hard break.
      if (visibleRun > maxFillerRun && out.length > 0) out.push(HARD_BREAK, runStart, i, GAP_VISIBLE, KIND_SYMBOL);
      if (unit >= 0) {
        out.push(unit, i, i + width, pendingGap, bmpKind[cp] as number);
      } else if (mapping !== undefined) {
        for (let k = 0; k < mapping.units.length; k++) {
          out.push(mapping.units[k] as number, i, i + width, k === 0 ? pendingGap : GAP_NONE, mapping.kinds[k] as number);
        }
      }
      pendingGap = GAP_NONE;
      visibleRun = 0;
    } else if (unit === FILLER_VISIBLE) {
      if (visibleRun === 0) runStart = i;
      visibleRun++;
      pendingGap = GAP_VISIBLE;
    } else if (unit === FILLER_MARK && pendingGap === GAP_NONE && out.length > 0 && out.end[out.length - 1] === i) {
      // A mark right after a kept character stays with it: "b̶e̶s̶t̶" matches to its last stroke.
      out.end[out.length - 1] = i + width;
    } else if (pendingGap === GAP_NONE) {
      pendingGap = GAP_INVISIBLE;
    }
    i += width;
  }
  return new NormalisedText(source, out.length, out.units, out.start, out.end, out.gap, out.kind);
};

/**
 * What hit resolution reads of a normalised text: the columns without the units (an
 * automaton that matched while normalising has no use for them).
 */
export type NormalisedColumns = Pick<NormalisedText, 'source' | 'length' | 'start' | 'end' | 'gap' | 'kind'>;

/** In `MatchBuffer.packed`: kind in bits 0-2, gap in bits 3-4, and this flag when `end` was written. */
const PACKED_END_WRITTEN = 0x20;
const PACKED_GAP_SHIFT = 3;

/**
 * The columns of a one-pass scan. Per unit the hot loop writes two: `start` and one packed
 * byte (gap, kind, and whether `end` differs from start + 1, in which case `end` was written).
 * `gap`, `kind` and `end` — what hit resolution reads — are unpacked afterwards only around
 * the occurrences found (`unpack`), a few units per occurrence rather than three stores per
 * unit of text. 11 bytes per unit in one allocation, reused by a scanner.
 */
export class MatchBuffer {
  start!: Int32Array;
  end!: Int32Array;
  packed!: Uint8Array;
  gap!: Uint8Array;
  kind!: Uint8Array;
  length = 0;
  private capacity = 0;

  constructor(capacity: number) {
    this.allocate(capacity);
  }

  /** Empties the buffer and makes room for at least `capacity` units. */
  reset(capacity: number): void {
    this.length = 0;
    if (capacity > this.capacity) this.allocate(capacity);
  }

  /** Makes room for at least `capacity` units, keeping the first `length`. */
  grow(capacity: number): void {
    if (capacity > this.capacity) this.allocate(Math.max(capacity, this.capacity * 2));
  }

  /** Fills `gap`, `kind` and `end` of units [from, to) from the packed column. Idempotent. */
  unpack(from: number, to: number): void {
    const { start, end, packed, gap, kind } = this;
    for (let k = from; k < to; k++) {
      const p = packed[k] as number;
      kind[k] = p & 7;
      gap[k] = (p >> PACKED_GAP_SHIFT) & 3;
      if ((p & PACKED_END_WRITTEN) === 0) end[k] = (start[k] as number) + 1;
    }
  }

  private allocate(capacity: number): void {
    const buffer = new ArrayBuffer(capacity * 11);
    const start = new Int32Array(buffer, 0, capacity);
    const end = new Int32Array(buffer, capacity * 4, capacity);
    const packed = new Uint8Array(buffer, capacity * 8, capacity);
    const gap = new Uint8Array(buffer, capacity * 9, capacity);
    const kind = new Uint8Array(buffer, capacity * 10, capacity);
    if (this.length > 0) {
      start.set(this.start.subarray(0, this.length));
      end.set(this.end.subarray(0, this.length));
      packed.set(this.packed.subarray(0, this.length));
    }
    this.start = start;
    this.end = end;
    this.packed = packed;
    this.gap = gap;
    this.kind = kind;
    this.capacity = capacity;
  }
}

// Codes of the one-pass table (see MatchingNormaliser). A kept BMP character that maps to one
// unit is (automaton class << 8) | kind, non-negative, so its low byte is the packed byte of
// a unit with no gap before it; everything else is negative.
const CODE_CLASS_SHIFT = 8;
const CODE_UNKNOWN = -1;
const CODE_VISIBLE = -2;
/** Surrogates, invisible filler, marks, characters of several units: the general path. */
const CODE_GENERAL = -3;

/** Size of a scanner's one-pass character table (one Int32 per UTF-16 unit). */
export const ONE_PASS_TABLE_BYTES = 0x10000 * 4;

/**
 * Normalisation and matching in one pass, for one automaton: the same occurrences as
 * `automaton.scan` over `normaliseInto`'s units, and the same start / end / gap / kind
 * wherever hit resolution looks (units s - 1 .. e of every occurrence [s, e)), without
 * writing the units or walking them a second time.
 *
 * Why: end to end, a scan was mostly normalisation (two table lookups, a method call and
 * five stores per character), then a second loop over the units for the automaton. Here one
 * table indexed by the raw UTF-16 unit answers both questions at once — how the character
 * normalises (kept, visible filler, or something rarer) and the class in the automaton's
 * alphabet of the unit it becomes — so the common character costs one load from this table,
 * one from the transition table and two stores (see MatchBuffer). Everything else (surrogate
 * pairs, marks, invisible filler, characters that expand to several units, a character seen
 * for the first time) takes the general path, which is `normaliseInto`'s logic unit for
 * unit. The table is 0x10000 × 4 bytes = 256 KB per scanner, filled lazily from the module's
 * memo; only the entries of characters that occur are touched.
 */
export class MatchingNormaliser {
  private readonly codes = new Int32Array(ONE_PASS_TABLE_BYTES / 4).fill(CODE_UNKNOWN);

  constructor(
    private readonly automaton: AhoCorasick,
    private readonly maxFillerRun: number,
  ) {}

  /**
   * Normalises `source` into `out` and appends every occurrence of the automaton's patterns
   * to `sink` as pairs (pattern index, normalised end). The columns returned (views of
   * `out`, valid until it is used again) hold start for every unit and gap / kind / end for
   * units s - 1 .. e of each occurrence [s, e) appended by this call.
   */
  run(out: MatchBuffer, source: string, sink: number[]): NormalisedColumns {
    const { codes, automaton, maxFillerRun } = this;
    const { classOf, next } = automaton;
    const breakClass = classOf[HARD_BREAK] as number;
    const firstOccurrence = sink.length;
    const n = source.length;
    out.reset(n + 16);
    // Every unit the fast path pushes is paid for by a character it consumed (a hard break
    // by the filler before it), so n + 16 holds them; the other paths make room first.
    let { start, end, packed } = out;
    let k = 0;
    let row = 0;
    // The gap before the next unit, already shifted into its place in the packed byte.
    let pendingGap = GAP_NONE << PACKED_GAP_SHIFT;
    let visibleRun = 0;
    let runStart = 0;
    let i = 0;
    while (i < n) {
      const c = source.charCodeAt(i);
      const code = codes[c] as number;
      if (code >= 0) {
        if (visibleRun > maxFillerRun && k > 0) {
          if (k + 2 + (n - i) > start.length) {
            out.length = k;
            out.grow(k + 2 + (n - i) + 16);
            ({ start, end, packed } = out);
          }
          start[k] = runStart;
          end[k] = i;
          packed[k] = PACKED_END_WRITTEN | (GAP_VISIBLE << PACKED_GAP_SHIFT) | KIND_SYMBOL;
          k++;
          const t = next[row + breakClass] as number;
          if (t >= 0) row = t;
          else automaton.emit((row = ~t), k, sink);
        }
        start[k] = i;
        packed[k] = pendingGap | code; // the store keeps the low byte: gap | kind
        k++;
        let t = next[row + (code >> CODE_CLASS_SHIFT)] as number;
        if (t >= 0) row = t;
        else automaton.emit((row = ~t), k, sink);
        i++;
        // The characters that follow it directly, with no gap: the inner loop of most text.
        while (i < n) {
          const more = codes[source.charCodeAt(i)] as number;
          if (more < 0) break;
          start[k] = i;
          packed[k] = more;
          k++;
          t = next[row + (more >> CODE_CLASS_SHIFT)] as number;
          if (t >= 0) row = t;
          else automaton.emit((row = ~t), k, sink);
          i++;
        }
        pendingGap = GAP_NONE << PACKED_GAP_SHIFT;
        visibleRun = 0;
        continue;
      }
      if (code === CODE_VISIBLE) {
        if (visibleRun === 0) runStart = i;
        visibleRun++;
        pendingGap = GAP_VISIBLE << PACKED_GAP_SHIFT;
        i++;
        continue;
      }
      if (code === CODE_UNKNOWN) {
        codes[c] = this.codeFor(c);
        continue; // again, now known
      }

      // The general path: normaliseInto's logic for one code point.
      const cp = codePointAt(source, i, n);
      const width = cp > 0xffff ? 2 : 1;
      const unit = unitOf(cp);
      const mapping = unit === COMPLEX ? mappingOf(cp) : undefined;
      if (unit >= 0 || unit === COMPLEX) {
        const count = mapping === undefined ? 1 : mapping.units.length;
        if (k + count + 1 + (n - i) + 16 > start.length) {
          out.length = k;
          out.grow(k + count + 1 + (n - i) + 16);
          ({ start, end, packed } = out);
        }
        if (visibleRun > maxFillerRun && k > 0) {
          start[k] = runStart;
          end[k] = i;
          packed[k] = PACKED_END_WRITTEN | (GAP_VISIBLE << PACKED_GAP_SHIFT) | KIND_SYMBOL;
          k++;
          const t = next[row + breakClass] as number;
          if (t >= 0) row = t;
          else automaton.emit((row = ~t), k, sink);
        }
        for (let j = 0; j < count; j++) {
          const u = mapping === undefined ? unit : (mapping.units[j] as number);
          const unitKind = mapping === undefined ? (bmpKind[cp] as number) : (mapping.kinds[j] as number);
          start[k] = i;
          end[k] = i + width;
          packed[k] = PACKED_END_WRITTEN | (j === 0 ? pendingGap : GAP_NONE << PACKED_GAP_SHIFT) | unitKind;
          k++;
          const t = next[row + (classOf[u] as number)] as number;
          if (t >= 0) row = t;
          else automaton.emit((row = ~t), k, sink);
        }
        pendingGap = GAP_NONE << PACKED_GAP_SHIFT;
        visibleRun = 0;
      } else if (unit === FILLER_VISIBLE) {
        if (visibleRun === 0) runStart = i;
        visibleRun++;
        pendingGap = GAP_VISIBLE << PACKED_GAP_SHIFT;
      } else if (unit === FILLER_MARK && pendingGap === GAP_NONE << PACKED_GAP_SHIFT && k > 0) {
        // A mark right after a kept character stays with it: "b̶e̶s̶t̶" matches to its last stroke.
        const last = packed[k - 1] as number;
        const lastEnd = (last & PACKED_END_WRITTEN) !== 0 ? (end[k - 1] as number) : (start[k - 1] as number) + 1;
        if (lastEnd === i) {
          end[k - 1] = i + width;
          packed[k - 1] = last | PACKED_END_WRITTEN;
        } else {
          pendingGap = GAP_INVISIBLE << PACKED_GAP_SHIFT;
        }
      } else if (pendingGap === GAP_NONE << PACKED_GAP_SHIFT) {
        pendingGap = GAP_INVISIBLE << PACKED_GAP_SHIFT;
      }
      i += width;
    }
    out.length = k;

    // Unpack what resolution reads: units s - 1 .. e of each occurrence [s, e).
    const { patternLength } = automaton;
    for (let o = firstOccurrence; o < sink.length; o += 2) {
      const e = sink[o + 1] as number;
      const s = e - (patternLength[sink[o] as number] as number);
      out.unpack(Math.max(0, s - 1), Math.min(k, e + 1));
    }
    return { source, length: k, start: out.start, end: out.end, gap: out.gap, kind: out.kind };
  }

  /** The one-pass code of the UTF-16 unit `c` (learning its mapping if it is new). */
  private codeFor(c: number): number {
    if (c >= 0xd800 && c < 0xdc00) return CODE_GENERAL; // may start a surrogate pair
    let unit = bmpUnit[c] as number;
    if (unit === UNSEEN) {
      learn(c);
      unit = bmpUnit[c] as number;
    }
    if (unit === FILLER_VISIBLE) return CODE_VISIBLE;
    if (unit < 0) return CODE_GENERAL;
    return ((this.automaton.classOf[unit] as number) << CODE_CLASS_SHIFT) | (bmpKind[c] as number);
  }
}

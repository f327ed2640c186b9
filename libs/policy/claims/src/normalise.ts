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
export interface Mapping {
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
export const FILLER_VISIBLE = -2;
export const FILLER_INVISIBLE = -3;
export const COMPLEX = -4;
export const FILLER_MARK = -5;
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

export const mappingOf = (cp: number): Mapping => {
  let mapping = complex.get(cp);
  if (mapping === undefined) {
    learn(cp);
    mapping = complex.get(cp) as Mapping;
  }
  return mapping;
};

/** The code point at `i`, a surrogate pair read as one (it is then 2 UTF-16 units wide: above U+FFFF). */
export const codePointAt = (source: string, i: number, n: number): number => {
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
export const unitOf = (cp: number): number => {
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

/** KIND_* of the unit of a BMP code point whose `unitOf` is a unit (≥ 0). */
export const bmpKindOf = (cp: number): number => bmpKind[cp] as number;

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

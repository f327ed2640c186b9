import { type AhoCorasick, ROW_SHIFT as AUTOMATON_ROW_SHIFT } from './aho-corasick';
import {
  bmpKindOf,
  codePointAt,
  COMPLEX,
  FILLER_MARK,
  FILLER_VISIBLE,
  GAP_INVISIBLE,
  GAP_NONE,
  GAP_VISIBLE,
  HARD_BREAK,
  KIND_SYMBOL,
  mappingOf,
  type NormalisedColumns,
  unitOf,
} from './normalise';

/**
 * The automaton's ROW_SHIFT, as a constant of this module. Why: an imported binding is a live
 * cell that V8's optimised code loads and checks (not yet initialised? a small integer?) at
 * every use, and the scan loops shift by it at every step; a module's own constant is folded
 * into an immediate.
 */
const ROW_SHIFT = AUTOMATON_ROW_SHIFT;

// Buffer#write stores UTF-16 little-endian; on a big-endian machine the units are swapped
// back so the Uint16Array view reads them right.
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * The UTF-16 units of the text being scanned, copied in one native call, reused by a scanner.
 *
 * Why a copy: the hot loop reads every unit, and `String#charCodeAt` in a loop dispatches on
 * the string's representation at each call (sequential one- or two-byte, or a rope or slice
 * of one: texts built by concatenation are ropes, flattened but still reached through their
 * first half). `Buffer#write(text, 'utf16le')` copies any representation at memcpy speed
 * (lone surrogates included), and a load from a Uint16Array is one instruction.
 */
export class CharBuffer {
  private bytes = Buffer.allocUnsafeSlow(0);
  private units = new Uint16Array(0);

  /** The units of `source` (a view valid until the next call; it may be longer than the text). */
  load(source: string): Uint16Array {
    const n = source.length;
    if (n > this.units.length) {
      this.bytes = Buffer.allocUnsafeSlow(Math.max(2 * n, 1024) * 2);
      this.units = new Uint16Array(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length / 2);
    }
    this.bytes.write(source, 0, 'utf16le');
    if (!LITTLE_ENDIAN) this.bytes.subarray(0, 2 * n).swap16();
    return this.units;
  }
}

/**
 * In `MatchBuffer.packed`: kind in bits 0-2, gap in bits 3-4, PACKED_END_WRITTEN when `end` was
 * written, and PACKED_WRITTEN on every byte written. A byte left 0 is a unit of the one-pass
 * scan's inner loop (see `MatchBuffer`).
 */
const PACKED_KIND_MASK = 7;
const PACKED_GAP_SHIFT = 3;
const PACKED_END_WRITTEN = 0x20;
const PACKED_WRITTEN = 0x40;
// The gaps in their place in the packed byte, and the hard break's byte, as this module's
// constants (see ROW_SHIFT: the outer loop sets a gap at every character).
const NO_GAP = GAP_NONE << PACKED_GAP_SHIFT;
const INVISIBLE_GAP = GAP_INVISIBLE << PACKED_GAP_SHIFT;
const VISIBLE_GAP = GAP_VISIBLE << PACKED_GAP_SHIFT;
const HARD_BREAK_PACKED = PACKED_WRITTEN | PACKED_END_WRITTEN | VISIBLE_GAP | KIND_SYMBOL;

/**
 * The columns of a one-pass scan. Per unit the hot loop writes `start`, and where the unit is
 * not plain one packed byte (gap, kind, whether `end` differs from start + 1, in which case
 * `end` was written). A plain unit — one that the scan's inner loop wrote: a kept character
 * of one unit right after another, no gap — leaves its packed byte 0 (the column is zeroed
 * natively when the buffer is reset) and its kind is read back from its character's one-pass
 * code. Why: each typed array the inner loop touches costs, at every unit, a map check, two
 * loads for its data pointer and a bounds check (V8 does not hoist them out of the loop), so
 * one store fewer per unit is worth a memset. `gap`, `kind` and `end` — what hit resolution
 * reads — are unpacked afterwards only around the occurrences found (`unpack`). 11 bytes per
 * unit in one allocation, reused by a scanner.
 */
export class MatchBuffer {
  start!: Int32Array;
  end!: Int32Array;
  packed!: Uint8Array;
  gap!: Uint8Array;
  kind!: Uint8Array;
  length = 0;
  private capacity = 0;
  /** `packed` may be non-zero below this: what the last scan wrote, or all if it did not finish. */
  private writtenTo = 0;
  /** The scanned text's units and the one-pass codes that give a plain unit its kind. */
  private chars: Uint16Array = new Uint16Array(0);
  private codes: Int16Array | Int32Array = new Int16Array(0);

  constructor(capacity: number) {
    this.allocate(capacity);
  }

  /**
   * Empties the buffer for a scan and makes room for at least `capacity` units, with `packed`
   * all 0: what the last scan wrote is zeroed (below the length it reported with `written`, or
   * everything if it never did, say because it threw), and a new allocation is zero.
   */
  reset(capacity: number): void {
    this.packed.fill(0, 0, this.writtenTo);
    this.length = 0;
    if (capacity > this.capacity) this.allocate(capacity);
    this.writtenTo = this.capacity;
  }

  /** The scan is over: it wrote units [0, length). */
  written(length: number): void {
    this.length = length;
    this.writtenTo = length;
  }

  /** Makes room for at least `capacity` units, keeping the first `length`. */
  grow(capacity: number): void {
    if (capacity > this.capacity) this.allocate(Math.max(capacity, this.capacity * 2));
  }

  /** Where the kinds of plain units come from, for the scan now filling the buffer. */
  readPlainKindsFrom(chars: Uint16Array, codes: Int16Array | Int32Array): void {
    this.chars = chars;
    this.codes = codes;
  }

  /** Fills `gap`, `kind` and `end` of units [from, to) from the packed column. Idempotent. */
  unpack(from: number, to: number): void {
    const { start, end, packed, gap, kind, chars, codes } = this;
    for (let k = from; k < to; k++) {
      const p = packed[k] as number;
      if (p === 0) {
        kind[k] = (codes[chars[start[k] as number] as number] as number) & PACKED_KIND_MASK;
        gap[k] = GAP_NONE;
        end[k] = (start[k] as number) + 1;
        continue;
      }
      kind[k] = p & PACKED_KIND_MASK;
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
    this.writtenTo = capacity; // until the scan that grew it reports its length
  }
}

// Codes of the one-pass table (see MatchingNormaliser), its first 0x10000 entries. A kept BMP
// character that maps to one unit is (automaton class << 3) | kind, non-negative, its low bits
// the kind bits of its packed byte; everything else is negative.
const CODE_CLASS_SHIFT = 3;
const CODE_UNKNOWN = -1;
const CODE_VISIBLE = -2;
/** Surrogates, invisible filler, marks, characters of several units: the general path. */
const CODE_GENERAL = -3;
/** Where the transition rows start in the one-pass table: after one code per UTF-16 unit. */
const ROWS_AT = 0x10000;

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
 * alphabet of the unit it becomes — so the common character costs one load for its code,
 * one for the transition and one store (see MatchBuffer). Everything else (surrogate pairs,
 * marks, invisible filler, characters that expand to several units, a character seen for the
 * first time) takes the general path, which is `normaliseInto`'s logic unit for unit.
 *
 * The codes and a copy of the automaton's transitions share one typed array, `table`: codes at
 * [0, 0x10000), filled lazily from the module's memo (only the entries of characters that
 * occur are touched), then the transition rows, their entries rebased to start at ROWS_AT.
 * Why one array: V8 checks the map, reloads the data pointer and checks the bounds of every
 * typed array a loop touches at every iteration, so the inner loop costs less per array it
 * reads. 16-bit entries where the rebased rows fit, as in the automaton; 32-bit otherwise.
 */
export class MatchingNormaliser {
  /** Codes at [0, ROWS_AT), then the automaton's `next`, each entry + (ROWS_AT >> ROW_SHIFT). */
  private readonly table: Int16Array | Int32Array;
  private readonly chars = new CharBuffer();

  constructor(
    private readonly automaton: AhoCorasick,
    private readonly maxFillerRun: number,
  ) {
    const { next, width } = automaton;
    const base = ROWS_AT >> ROW_SHIFT;
    const lastEntry = base + ((automaton.stateCount - 1) * automaton.stride) / (1 << ROW_SHIFT);
    const narrow = lastEntry <= 0x7fff && (((width - 1) << CODE_CLASS_SHIFT) | PACKED_KIND_MASK) <= 0x7fff;
    const table = narrow ? new Int16Array(ROWS_AT + next.length) : new Int32Array(ROWS_AT + next.length);
    table.fill(CODE_UNKNOWN, 0, ROWS_AT);
    for (let j = 0; j < next.length; j++) {
      const entry = next[j] as number;
      table[ROWS_AT + j] = entry >= 0 ? entry + base : ~(~entry + base);
    }
    this.table = table;
  }

  /** Bytes held by the one-pass table (codes and the copy of the transitions). */
  get tableBytes(): number {
    return this.table.byteLength;
  }

  /**
   * Normalises `source` into `out` and appends every occurrence of the automaton's patterns
   * to `sink` as pairs (pattern index, normalised end). The columns returned (views of
   * `out`, valid until it is used again) hold start for every unit and gap / kind / end for
   * units s - 1 .. e of each occurrence [s, e) appended by this call.
   */
  run(out: MatchBuffer, source: string, sink: number[]): NormalisedColumns {
    const { table, automaton, maxFillerRun } = this;
    const chars = this.chars.load(source);
    const { classOf } = automaton;
    const breakClass = classOf[HARD_BREAK] as number;
    // A run of one visible filler is no hard break: the inner loop may step over it.
    const oneFillerJoins = maxFillerRun >= 1;
    const firstOccurrence = sink.length;
    const n = source.length;
    out.reset(n + 16);
    out.readPlainKindsFrom(chars, table);
    // Every unit the fast path pushes is paid for by a character it consumed (a hard break
    // by the filler before it), so n + 16 holds them; the other paths make room first.
    let { start, end, packed } = out;
    let k = 0;
    let row = ROWS_AT; // the root's row in the table
    // The gap before the next unit, already shifted into its place in the packed byte.
    let pendingGap = NO_GAP;
    let visibleRun = 0;
    let runStart = 0;
    let i = 0;
    while (i < n) {
      const c = chars[i] as number;
      const code = table[c] as number;
      // For the general path: the code point, its width in units, and what it normalises to.
      let cp = c;
      let width = 1;
      let unit = 0;
      let mapping: ReturnType<typeof mappingOf> | undefined;
      let count = 1;
      if (code < 0) {
        if (code === CODE_VISIBLE) {
          if (visibleRun === 0) runStart = i;
          visibleRun++;
          pendingGap = VISIBLE_GAP;
          i++;
          continue;
        }
        if (code === CODE_UNKNOWN) {
          table[c] = this.codeFor(c);
          continue; // again, now known
        }
        // The general path: normaliseInto's logic for one code point.
        cp = codePointAt(source, i, n);
        width = cp > 0xffff ? 2 : 1;
        unit = unitOf(cp);
        if (unit < 0 && unit !== COMPLEX) {
          if (unit === FILLER_VISIBLE) {
            if (visibleRun === 0) runStart = i;
            visibleRun++;
            pendingGap = VISIBLE_GAP;
          } else if (unit === FILLER_MARK && pendingGap === NO_GAP && k > 0) {
            // A mark right after a kept character stays with it: "b̶e̶s̶t̶" matches to its last stroke.
            const written = packed[k - 1] as number;
            const last =
              written !== 0 ? written : PACKED_WRITTEN | ((table[chars[start[k - 1] as number] as number] as number) & PACKED_KIND_MASK);
            const lastEnd = (last & PACKED_END_WRITTEN) !== 0 ? (end[k - 1] as number) : (start[k - 1] as number) + 1;
            if (lastEnd === i) {
              end[k - 1] = i + width;
              packed[k - 1] = last | PACKED_END_WRITTEN;
            } else {
              pendingGap = INVISIBLE_GAP;
            }
          } else if (pendingGap === NO_GAP) {
            pendingGap = INVISIBLE_GAP;
          }
          i += width;
          continue;
        }
        mapping = unit === COMPLEX ? mappingOf(cp) : undefined;
        count = mapping === undefined ? 1 : mapping.units.length;
        if (k + count + 1 + (n - i) + 16 > start.length) {
          out.length = k;
          out.grow(k + count + 1 + (n - i) + 16);
          ({ start, end, packed } = out);
        }
      }

      // A kept character. A visible run longer than maxFillerRun before it is a hard break: one
      // symbol unit spanning the run, which no pattern crosses. One place for both paths.
      if (visibleRun > maxFillerRun && k > 0) {
        if (k + 1 + count + (n - i) + 16 > start.length) {
          out.length = k;
          out.grow(k + 1 + count + (n - i) + 16);
          ({ start, end, packed } = out);
        }
        start[k] = runStart;
        end[k] = i;
        packed[k] = HARD_BREAK_PACKED;
        k++;
        const t = table[row + breakClass] as number;
        if (t >= 0) row = t << ROW_SHIFT;
        else automaton.emit((row = ~t << ROW_SHIFT) - ROWS_AT, k, sink);
      }
      if (code >= 0) {
        start[k] = i;
        packed[k] = PACKED_WRITTEN | pendingGap | (code & PACKED_KIND_MASK);
        k++;
        i++;
        let t = table[row + (code >> CODE_CLASS_SHIFT)] as number;
        // The characters that follow, up to the next state that ends a pattern: the inner loop
        // of most text. Kept characters of one unit, and a single visible filler between two
        // of them (a space, "，", "。": a sixth of the units of the bench's corpus), which only
        // sets the next unit's gap when it cannot be a hard break (maxFillerRun ≥ 1); a longer
        // run of filler, anything rarer, or the end of a pattern goes back to the outer loop.
        while (t >= 0) {
          row = t << ROW_SHIFT;
          if (i === n) break;
          const more = table[chars[i] as number] as number;
          if (more >= 0) {
            start[k] = i; // a plain unit: its packed byte stays 0
            k++;
            i++;
            t = table[row + (more >> CODE_CLASS_SHIFT)] as number;
            continue;
          }
          if (more !== CODE_VISIBLE || !oneFillerJoins || i + 1 === n) break;
          const after = table[chars[i + 1] as number] as number;
          if (after < 0) break;
          start[k] = i + 1;
          packed[k] = PACKED_WRITTEN | VISIBLE_GAP | (after & PACKED_KIND_MASK);
          k++;
          i += 2;
          t = table[row + (after >> CODE_CLASS_SHIFT)] as number;
        }
        // A state that ends a pattern (the outer loop carries on with the next character).
        if (t < 0) automaton.emit((row = ~t << ROW_SHIFT) - ROWS_AT, k, sink);
      } else {
        for (let j = 0; j < count; j++) {
          const u = mapping === undefined ? unit : (mapping.units[j] as number);
          const unitKind = mapping === undefined ? bmpKindOf(cp) : (mapping.kinds[j] as number);
          start[k] = i;
          end[k] = i + width;
          packed[k] = PACKED_WRITTEN | PACKED_END_WRITTEN | (j === 0 ? pendingGap : NO_GAP) | unitKind;
          k++;
          const t = table[row + (classOf[u] as number)] as number;
          if (t >= 0) row = t << ROW_SHIFT;
          else automaton.emit((row = ~t << ROW_SHIFT) - ROWS_AT, k, sink);
        }
        i += width;
      }
      pendingGap = NO_GAP;
      visibleRun = 0;
    }
    out.written(k);

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
    const unit = unitOf(c);
    if (unit === FILLER_VISIBLE) return CODE_VISIBLE;
    if (unit < 0) return CODE_GENERAL;
    return ((this.automaton.classOf[unit] as number) << CODE_CLASS_SHIFT) | bmpKindOf(c);
  }
}

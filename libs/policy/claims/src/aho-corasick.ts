/**
 * next[row + class] << ROW_SHIFT is a row offset. A constant, so the scan loops shift by an
 * immediate: a shift read from the automaton (the smallest that fits each table; 5 for the
 * platform lexicon too) measured +12 % instructions per round under callgrind and no gain.
 */
export const ROW_SHIFT = 5;

/**
 * Aho-Corasick automaton over UTF-16 code units, compiled to a dense transition table so a
 * scan costs one table lookup per unit whatever the number of patterns.
 *
 * Units are first mapped to a small alphabet (the distinct units of the patterns; every other
 * unit is class 0 and sends the automaton back to the root). Transitions already include the
 * failure links, and every state lists all patterns ending there (its own and its suffixes'),
 * so the scan loop has no inner fallback loop.
 *
 * The table holds row offsets (state × stride) rather than state numbers, so a step is one
 * load, one shift and one add with no multiply in the loop-carried chain, and a target state
 * that ends a pattern is stored complemented (~entry, negative): the common step tests a sign
 * instead of loading two output bounds.
 *
 * Entries are 16-bit where the automaton allows it: the row offset shifted right by
 * ROW_SHIFT, the stride (row length) padded to a multiple of 1 << ROW_SHIFT so the shift
 * loses nothing. Why: each step of a scan waits on the previous step's load from this table
 * (a fifth of the scan loop's samples), and at 4 bytes an entry the platform lexicon's table
 * (1552 states × 353 classes) was 2.2 MB, far past the L2 cache; at 2 bytes it is 1.2 MB (rows padded to 384) and twice as
 * many of the hot rows' entries share a cache line. An automaton whose entries do not fit 15
 * bits (states × stride / 32 past 32,767) keeps 32-bit entries; the scan loop is the same.
 */
export class AhoCorasick {
  /** Unit → alphabet class; 0 for units no pattern uses. */
  readonly classOf = new Uint16Array(0x10000);
  /** Alphabet size including class 0. */
  readonly width: number;
  /** Row length of `next`: `width` padded to a multiple of 1 << ROW_SHIFT. */
  readonly stride: number;
  /**
   * next[row + class] = (row of the following state) >> ROW_SHIFT, or its complement (~, negative)
   * when that state ends a pattern. Row 0 is the root.
   */
  readonly next: Int16Array | Int32Array;
  /** Patterns ending in state s: matches[outStart[s] .. outStart[s + 1]). */
  private readonly outStart: Uint32Array;
  private readonly matches: Uint32Array;
  readonly stateCount: number;
  /** Length in units of each pattern, by pattern index. */
  readonly patternLength: Uint32Array;

  constructor(patterns: readonly ArrayLike<number>[]) {
    this.patternLength = Uint32Array.from(patterns, (pattern) => pattern.length);
    let width = 1;
    for (const pattern of patterns) {
      if (pattern.length === 0) throw new Error('an Aho-Corasick pattern must not be empty');
      for (let i = 0; i < pattern.length; i++) {
        const unit = pattern[i] as number;
        if (this.classOf[unit] === 0) this.classOf[unit] = width++;
      }
    }
    this.width = width;

    // Trie.
    const children: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    patterns.forEach((pattern, id) => {
      let state = 0;
      for (let i = 0; i < pattern.length; i++) {
        const cls = this.classOf[pattern[i] as number] as number;
        let child = children[state]?.get(cls);
        if (child === undefined) {
          child = children.length;
          children.push(new Map());
          own.push([]);
          children[state]?.set(cls, child);
        }
        state = child;
      }
      own[state]?.push(id);
    });
    const states = children.length;
    this.stateCount = states;
    // Rows padded to a multiple of 1 << ROW_SHIFT, so an entry loses nothing to the shift.
    const stride = Math.ceil(width / (1 << ROW_SHIFT)) << ROW_SHIFT;
    this.stride = stride;
    const wide = (states - 1) * (stride >> ROW_SHIFT) > 0x7fff; // the sign marks a pattern's end

    // Breadth-first: failure links, complete transitions and merged outputs, written straight
    // in the table's encoding (a fail state's row is copied as is; it is already encoded).
    const next = wide ? new Int32Array(states * stride) : new Int16Array(states * stride);
    const fail = new Uint32Array(states);
    const outputs: number[][] = new Array<number[]>(states);
    outputs[0] = own[0] ?? [];
    const encode = (state: number, endsPattern: boolean): number => {
      const entry = (state * stride) >> ROW_SHIFT;
      return endsPattern ? ~entry : entry;
    };
    const decode = (entry: number): number => ((entry < 0 ? ~entry : entry) << ROW_SHIFT) / stride;
    const queue: number[] = [];
    for (const [cls, child] of children[0] ?? []) {
      next[cls] = encode(child, (own[child]?.length ?? 0) > 0);
      fail[child] = 0;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      const f = fail[state] as number;
      outputs[state] = [...(own[state] ?? []), ...(outputs[f] ?? [])];
      const row = state * stride;
      const failRow = f * stride;
      if (state !== 0) next.copyWithin(row, failRow, failRow + stride);
      for (const [cls, child] of children[state] ?? []) {
        const viaFail = next[failRow + cls] as number;
        // The child ends a pattern if it ends its own or its fail state ends one (sign bit).
        next[row + cls] = encode(child, (own[child]?.length ?? 0) > 0 || viaFail < 0);
        fail[child] = decode(viaFail);
        queue.push(child);
      }
    }
    this.next = next;
    this.outStart = new Uint32Array(states + 1);
    let total = 0;
    for (let s = 0; s < states; s++) {
      this.outStart[s] = total;
      total += outputs[s]?.length ?? 0;
    }
    this.outStart[states] = total;
    this.matches = new Uint32Array(total);
    for (let s = 0; s < states; s++) this.matches.set(outputs[s] ?? [], this.outStart[s] as number);
  }

  /** Bytes held by the transition table and the class map. */
  get tableBytes(): number {
    return this.next.byteLength + this.classOf.byteLength + this.outStart.byteLength + this.matches.byteLength;
  }

  /**
   * Appends (pattern index, `end`) for every pattern ending in the state whose row is `row`
   * (the complemented entry of `next`, complemented back and shifted). Off the hot path:
   * called on output states only.
   */
  emit(row: number, end: number, sink: number[]): void {
    const state = (row / this.stride) | 0;
    const to = this.outStart[state + 1] as number;
    for (let k = this.outStart[state] as number; k < to; k++) sink.push(this.matches[k] as number, end);
  }

  /**
   * Scans units[0 .. length) and appends every occurrence to `sink` as a pair
   * (pattern index, end offset exclusive), overlapping occurrences included.
   */
  scan(units: Uint16Array, length: number, sink: number[]): void {
    const { classOf, next } = this;
    let row = 0;
    for (let i = 0; i < length; i++) {
      const target = next[row + (classOf[units[i] as number] as number)] as number;
      if (target >= 0) {
        row = target << ROW_SHIFT;
      } else {
        row = ~target << ROW_SHIFT;
        this.emit(row, i + 1, sink);
      }
    }
  }
}

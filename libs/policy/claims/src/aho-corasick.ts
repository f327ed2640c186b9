/**
 * Aho-Corasick automaton over UTF-16 code units, compiled to a dense transition table so a
 * scan costs one table lookup per unit whatever the number of patterns.
 *
 * Units are first mapped to a small alphabet (the distinct units of the patterns; every other
 * unit is class 0 and sends the automaton back to the root). Transitions already include the
 * failure links, and every state lists all patterns ending there (its own and its suffixes'),
 * so the scan loop has no inner fallback loop.
 */
export class AhoCorasick {
  /** Unit → alphabet class; 0 for units no pattern uses. */
  private readonly classOf = new Uint16Array(0x10000);
  /** Alphabet size including class 0: the row width of `next`. */
  private readonly width: number;
  /** next[state * width + class] = following state. */
  private readonly next: Uint32Array;
  /** Patterns ending in state s: matches[outStart[s] .. outStart[s + 1]). */
  private readonly outStart: Uint32Array;
  private readonly matches: Uint32Array;
  readonly stateCount: number;

  constructor(patterns: readonly ArrayLike<number>[]) {
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

    // Breadth-first: failure links, complete transitions and merged outputs.
    const next = new Uint32Array(states * width);
    const fail = new Uint32Array(states);
    const outputs: number[][] = new Array<number[]>(states);
    outputs[0] = own[0] ?? [];
    const queue: number[] = [];
    for (const [cls, child] of children[0] ?? []) {
      next[cls] = child;
      fail[child] = 0;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      const f = fail[state] as number;
      outputs[state] = [...(own[state] ?? []), ...(outputs[f] ?? [])];
      const row = state * width;
      const failRow = f * width;
      for (let cls = 0; cls < width; cls++) next[row + cls] = next[failRow + cls] as number;
      for (const [cls, child] of children[state] ?? []) {
        next[row + cls] = child;
        fail[child] = next[failRow + cls] as number;
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

  /**
   * Scans units[0 .. length) and appends every occurrence to `sink` as a pair
   * (pattern index, end offset exclusive), overlapping occurrences included.
   */
  scan(units: Uint16Array, length: number, sink: number[]): void {
    const { classOf, next, width, outStart, matches } = this;
    let state = 0;
    for (let i = 0; i < length; i++) {
      state = next[state * width + (classOf[units[i] as number] as number)] as number;
      const from = outStart[state] as number;
      const to = outStart[state + 1] as number;
      for (let k = from; k < to; k++) sink.push(matches[k] as number, i + 1);
    }
  }
}

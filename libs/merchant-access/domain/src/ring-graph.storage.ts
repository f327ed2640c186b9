/**
 * The ring graph's storage primitives: 64-bit fingerprints of strings, typed arrays that grow,
 * and the open-addressing table from a fingerprint to a dense integer id. Kept apart from the
 * graph so its search and union-find read without the hashing details.
 */

// 64-bit string fingerprint (two 32-bit multiply-xorshift lanes, cyrb53-style), written to
// module scratch (`fp`) so hashing allocates nothing on the hot path.
/** The two 32-bit halves of the last fingerprint computed: read them right after `fingerprint`. */
export const fp = { hi: 0, lo: 0 };
export const fingerprint = (text: string): void => {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  fp.hi = h2 >>> 0;
  fp.lo = h1 >>> 0;
};

export const hex32 = (n: number): string => n.toString(16).padStart(8, '0');

export function grown<T extends Int32Array | Uint32Array | Uint8Array>(array: T, length: number, fill?: number): T {
  const next = new (array.constructor as new (n: number) => T)(length);
  next.set(array);
  if (fill !== undefined) next.fill(fill, array.length);
  return next;
}

const pow2AtLeast = (n: number): number => {
  let p = 16;
  while (p < n) p *= 2;
  return p;
};

/**
 * Open-addressing table from a 64-bit fingerprint to a dense integer id. It stores ids only;
 * the fingerprints live in the owner's arrays, read through `hiOf`/`loOf`.
 */
export class FingerprintTable {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(
    expected: number,
    private readonly hiOf: (id: number) => number,
    private readonly loOf: (id: number) => number,
  ) {
    const size = pow2AtLeast(Math.ceil(expected / 0.7));
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
  }

  get bytes(): number {
    return this.slots.byteLength;
  }

  /** Id for the fingerprint (the first one `accept` agrees to, when given), or -1. */
  find(hi: number, lo: number, accept?: (id: number) => boolean): number {
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const id = this.slots[slot] as number;
      if (id < 0) return -1;
      if (this.loOf(id) === lo && this.hiOf(id) === hi && (!accept || accept(id))) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Records a new id (the caller checked it is absent and stored its fingerprint). */
  insert(id: number): void {
    if ((this.count + 1) / this.slots.length > 0.7) this.resize(this.slots.length * 2);
    this.place(id);
    this.count++;
  }

  private place(id: number): void {
    const hi = this.hiOf(id);
    const lo = this.loOf(id);
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    while ((this.slots[slot] as number) >= 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = id;
  }

  private resize(size: number): void {
    const old = this.slots;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (const id of old) if (id >= 0) this.place(id);
  }
}

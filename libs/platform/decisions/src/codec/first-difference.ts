/**
 * The first place two decision values differ, found by a deterministic walk: object keys in
 * sorted order (a key whose value is undefined counts as absent), arrays by index, then
 * length. Values are what the decision codec carries: plain objects, arrays, strings,
 * numbers (NaN equals NaN; -0 differs from 0, as the codec keeps it), bigints, booleans,
 * null, Dates (by time) and Uint8Arrays (by byte).
 *
 * Hand-written: deep-equal libraries answer yes or no, and replay must say where and what.
 */
export interface Difference {
  /** JSONPath-like: `$.reasons[1].evidence.cap_fen`, `$["key with spaces"]`; `$` for the whole. */
  path: string;
  /** The value on the left (recorded) at the path; undefined when absent there. */
  recorded: unknown;
  /** The value on the right (recomputed) at the path; undefined when absent there. */
  recomputed: unknown;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const child = (path: string, key: string): string => (IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

type Kind = 'array' | 'date' | 'bytes' | 'object' | 'primitive';

const kindOf = (value: unknown): Kind => {
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof Uint8Array) return 'bytes';
  if (value !== null && typeof value === 'object') return 'object';
  return 'primitive';
};

const definedKeys = (value: object): string[] =>
  Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined);

const walk = (a: unknown, b: unknown, path: string): Difference | undefined => {
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return { path, recorded: a, recomputed: b };
  switch (kind) {
    case 'primitive':
      return Object.is(a, b) ? undefined : { path, recorded: a, recomputed: b };
    case 'date':
      return Object.is((a as Date).getTime(), (b as Date).getTime()) ? undefined : { path, recorded: a, recomputed: b };
    case 'bytes':
    case 'array': {
      const left = a as ArrayLike<unknown>;
      const right = b as ArrayLike<unknown>;
      const shared = Math.min(left.length, right.length);
      for (let i = 0; i < shared; i++) {
        const found = walk(left[i], right[i], `${path}[${i}]`);
        if (found) return found;
      }
      if (left.length === right.length) return undefined;
      return { path: `${path}[${shared}]`, recorded: left[shared], recomputed: right[shared] };
    }
    case 'object': {
      const left = a as Record<string, unknown>;
      const right = b as Record<string, unknown>;
      const keys = [...new Set([...definedKeys(left), ...definedKeys(right)])].sort();
      for (const key of keys) {
        const found = walk(left[key], right[key], child(path, key));
        if (found) return found;
      }
      return undefined;
    }
  }
};

/** Where `recomputed` first differs from `recorded`, or undefined when they are equal. */
export const firstDifference = (recorded: unknown, recomputed: unknown): Difference | undefined => walk(recorded, recomputed, '$');

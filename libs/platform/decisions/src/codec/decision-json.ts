/**
 * The decision codec: JSON that carries what decision inputs and outcomes hold — bigint money
 * in fen, dates, bytes — exactly, so a record replays years later to the same value.
 *
 *   bigint          {"$bigint": "12345"}
 *   Date            {"$date": "2026-11-01T08:00:00.000Z"}   ("invalid" for an invalid Date)
 *   NaN, ±Infinity, -0   {"$number": "NaN"}
 *   Uint8Array      {"$bytes": "<base64>"}
 *   a key "$x"      "$$x" (escaped, so data can never be read as a tag)
 *
 * Object keys are written in sorted order, so one value always has one text. `undefined`
 * properties are left out and `undefined` array elements become null, as in JSON.
 *
 * Hand-written rather than superjson or similar: this text is stored as evidence and must
 * decode for as long as records are kept, so its format is ours, small and fixed.
 */

const TAGS = new Set(['$bigint', '$date', '$number', '$bytes']);
const MAX_DEPTH = 64;

export class DecisionJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecisionJsonError';
  }
}

const isPlainObject = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

const toJsonable = (value: unknown, depth: number): unknown => {
  if (depth > MAX_DEPTH) throw new DecisionJsonError(`nested deeper than ${MAX_DEPTH} levels (a cycle?)`);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isNaN(value)) return { $number: 'NaN' };
      if (value === Infinity) return { $number: 'Infinity' };
      if (value === -Infinity) return { $number: '-Infinity' };
      if (Object.is(value, -0)) return { $number: '-0' };
      return value;
    case 'bigint':
      return { $bigint: value.toString() };
    case 'undefined':
      return null;
    case 'object': {
      if (value === null) return null;
      if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString() };
      if (value instanceof Uint8Array) return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
      if (Array.isArray(value)) return value.map((element) => toJsonable(element, depth + 1));
      if (!isPlainObject(value)) throw new DecisionJsonError(`cannot encode a ${value.constructor?.name ?? 'non-plain object'}: decision values are plain data`);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value).sort()) {
        const field = (value as Record<string, unknown>)[key];
        if (field === undefined) continue;
        out[key.startsWith('$') ? `$${key}` : key] = toJsonable(field, depth + 1);
      }
      return out;
    }
    default:
      throw new DecisionJsonError(`cannot encode a ${typeof value}: decision values are plain data`);
  }
};

/** Encodes a decision input or outcome (plain data) as decision-codec JSON text. */
export const encodeDecisionJson = (value: unknown): string => JSON.stringify(toJsonable(value, 0));

const fromTag = (tag: string, payload: unknown): unknown => {
  if (typeof payload !== 'string') throw new DecisionJsonError(`${tag} must hold a string`);
  switch (tag) {
    case '$bigint':
      if (!/^-?\d+$/.test(payload)) throw new DecisionJsonError(`$bigint "${payload.slice(0, 40)}" is not an integer`);
      return BigInt(payload);
    case '$date': {
      if (payload === 'invalid') return new Date(Number.NaN);
      const date = new Date(payload);
      if (Number.isNaN(date.getTime())) throw new DecisionJsonError(`$date "${payload.slice(0, 40)}" is not a date`);
      return date;
    }
    case '$number': {
      const special: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
      if (!Object.hasOwn(special, payload)) throw new DecisionJsonError(`$number "${payload.slice(0, 40)}" is not NaN, ±Infinity or -0`);
      return special[payload];
    }
    default:
      return new Uint8Array(Buffer.from(payload, 'base64'));
  }
};

const fromJsonable = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(fromJsonable);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only !== undefined && TAGS.has(only)) return fromTag(only, (value as Record<string, unknown>)[only]);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key.startsWith('$') && !key.startsWith('$$')) throw new DecisionJsonError(`unknown tag "${key.slice(0, 40)}"`);
    out[key.startsWith('$$') ? key.slice(1) : key] = fromJsonable((value as Record<string, unknown>)[key]);
  }
  return out;
};

/** Decodes decision-codec JSON text; throws DecisionJsonError when it is not. */
export const decodeDecisionJson = (text: string): unknown => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DecisionJsonError(`not JSON: ${(error as Error).message}`);
  }
  return fromJsonable(parsed);
};

import { isWellFormed } from '../bounded-text';
import { INVALID, type Invalid } from './checked';
import { INT64_MAX, INT64_MIN, isStorableTime } from './storable-time';

/**
 * The one page-token codec (AIP-158 keyset tokens): the sort key of the last item returned,
 * base64url JSON. A token is opaque to clients, and anything that does not decode to the exact
 * key shape is INVALID: times must round-trip through ISO-8601 and be storable, int64 parts must
 * fit BIGINT, string parts must be text PostgreSQL can compare (no NUL, no lone surrogate).
 */
export type KeyPart = 'time' | 'int64' | 'string';
type PartValue<P extends KeyPart> = P extends 'time' ? Date : P extends 'int64' ? bigint : string;
export type PageKey<Parts extends readonly KeyPart[]> = { -readonly [I in keyof Parts]: PartValue<Parts[I]> };

export interface PageTokenCodec<Key> {
  readonly parts: readonly KeyPart[];
  encode(key: Key): string;
  /** undefined for '' (the first page); INVALID for a token this codec did not issue. */
  decode(token: string): Key | undefined | Invalid;
}

/** Tokens longer than this were not issued here (ids are bounded well below it). */
export const PAGE_TOKEN_MAX_CHARS = 1_024;
const INT64_PATTERN = /^-?(0|[1-9][0-9]{0,18})$/;

const encodePart = (kind: KeyPart, value: unknown): string => {
  if (kind === 'time') return (value as Date).toISOString();
  if (kind === 'int64') return (value as bigint).toString();
  return value as string;
};

const decodePart = (kind: KeyPart, raw: unknown): unknown => {
  if (typeof raw !== 'string') return INVALID;
  if (kind === 'time') {
    const time = new Date(raw);
    return !Number.isNaN(time.getTime()) && time.toISOString() === raw && isStorableTime(time) ? time : INVALID;
  }
  if (kind === 'int64') {
    if (!INT64_PATTERN.test(raw)) return INVALID;
    const value = BigInt(raw);
    return value >= INT64_MIN && value <= INT64_MAX ? value : INVALID;
  }
  return !raw.includes('\u0000') && isWellFormed(raw) ? raw : INVALID;
};

export const pageTokenCodec = <const Parts extends readonly KeyPart[]>(...parts: Parts): PageTokenCodec<PageKey<Parts>> => ({
  parts,
  encode(key) {
    const values = key as readonly unknown[];
    return Buffer.from(JSON.stringify(parts.map((kind, i) => encodePart(kind, values[i]))), 'utf8').toString('base64url');
  },
  decode(token) {
    if (token === '') return undefined;
    if (token.length > PAGE_TOKEN_MAX_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) return INVALID;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      return INVALID;
    }
    if (!Array.isArray(raw) || raw.length !== parts.length) return INVALID;
    const key = parts.map((kind, i) => decodePart(kind, raw[i]));
    return key.includes(INVALID) ? INVALID : (key as PageKey<Parts>);
  },
});

/** Keyset newest-first lists by (time, id): the common case. */
export const timeIdPageToken = pageTokenCodec('time', 'string');
/** Lists ordered by a BIGINT sequence (ledger entries, score history). */
export const sequencePageToken = pageTokenCodec('int64');

export interface KeysetPage<T> {
  items: T[];
  /** '' on the last page. */
  nextPageToken: string;
}

/**
 * A page from rows fetched with `take: pageSize + 1`: the extra row only says there is a next
 * page; the token is the key of the last row returned.
 */
export const keysetPage = <T, Key>(rows: readonly T[], pageSize: number, codec: PageTokenCodec<Key>, keyOf: (last: T) => Key): KeysetPage<T> => {
  const items = rows.slice(0, pageSize);
  const last = items.at(-1);
  return { items, nextPageToken: rows.length > pageSize && last !== undefined ? codec.encode(keyOf(last)) : '' };
};

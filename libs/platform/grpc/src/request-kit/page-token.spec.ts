import { describe, expect, it } from 'vitest';
import { INVALID } from './checked';
import { keysetPage, pageTokenCodec, sequencePageToken, timeIdPageToken } from './page-token';

const forge = (parts: unknown[]): string => Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');

describe('page tokens', () => {
  it('round-trip every key kind', () => {
    const codec = pageTokenCodec('time', 'int64', 'string');
    const key: [Date, bigint, string] = [new Date('2026-10-01T00:00:00.001Z'), 9_223_372_036_854_775_807n, '订单-1'];
    expect(codec.decode(codec.encode(key))).toEqual(key);
    expect(sequencePageToken.decode(sequencePageToken.encode([-5n]))).toEqual([-5n]);
  });

  it.each([
    ['not base64url', 'a b c'],
    ['not JSON', Buffer.from('{{{').toString('base64url')],
    ['wrong shape', forge(['2026-10-01T00:00:00.000Z'])],
    ['a number where a string is expected', forge([1790812800000, 'id'])],
    ['a time that does not round-trip', forge(['2026-10-01', 'id'])],
    ['a time PostgreSQL cannot store (year 0)', forge(['0000-01-01T00:00:00.000Z', 'id'])],
    ['a time after 9999', forge(['+010000-01-01T00:00:00.000Z', 'id'])],
    ['an id with NUL', forge(['2026-10-01T00:00:00.000Z', 'a\u0000'])],
    ['an id with a lone surrogate', forge(['2026-10-01T00:00:00.000Z', 'a\ud800'])],
    ['too long', forge(['2026-10-01T00:00:00.000Z', 'x'.repeat(2_000)])],
  ])('refuses %s', (_name, token) => {
    expect(timeIdPageToken.decode(token)).toBe(INVALID);
  });

  it.each([['9223372036854775808'], ['-9223372036854775809'], ['01'], ['1e3'], ['']])('refuses the int64 %s (beyond BIGINT or not canonical)', (value) => {
    expect(sequencePageToken.decode(forge([value]))).toBe(INVALID);
  });

  it('a keyset page takes one row more than asked to know there is a next page', () => {
    const rows = [1, 2, 3].map((n) => ({ id: `r${n}`, at: new Date(Date.UTC(2026, 9, n)) }));
    const full = keysetPage(rows, 2, timeIdPageToken, (row) => [row.at, row.id]);
    expect(full.items).toEqual(rows.slice(0, 2));
    expect(timeIdPageToken.decode(full.nextPageToken)).toEqual([rows[1]?.at, 'r2']);
    expect(keysetPage(rows, 3, timeIdPageToken, (row) => [row.at, row.id]).nextPageToken).toBe('');
  });
});

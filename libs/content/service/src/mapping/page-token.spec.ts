import { ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decodePageToken, encodePageToken, pageSizeOf } from './page-token';

describe('page tokens', () => {
  it('round-trips a keyset position and treats an empty token as the first page', () => {
    const cursor = { at: new Date('2026-11-01T10:00:00.123Z'), id: 'v-42' };
    expect(decodePageToken(encodePageToken(cursor))).toEqual(cursor);
    expect(decodePageToken('')).toBeUndefined();
  });

  it('rejects a token it did not issue as bad input on page_token', () => {
    for (const token of ['not-base64-json', Buffer.from('{"at":"yesterday","id":"x"}').toString('base64url'), Buffer.from('[1]').toString('base64url')]) {
      expect(() => decodePageToken(token)).toThrow(ValidationError);
    }
  });

  it('defaults, caps and refuses page sizes as AIP-158 says', () => {
    expect(pageSizeOf(0)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageSizeOf(10)).toBe(10);
    expect(pageSizeOf(MAX_PAGE_SIZE + 1)).toBe(MAX_PAGE_SIZE);
    expect(() => pageSizeOf(-1)).toThrow(ValidationError);
  });
});

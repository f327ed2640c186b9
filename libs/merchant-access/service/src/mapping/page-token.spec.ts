import { describe, expect, it } from 'vitest';
import { Violations } from '@govern/policy-core';
import { decodePageToken, encodePageToken } from './page-token';

const token = (key: unknown): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

describe('page tokens', () => {
  it('reads back a token it issued', () => {
    const v = new Violations();
    const issued = encodePageToken([Date.parse('2026-11-01T00:00:00Z'), 'm-1']);
    expect(decodePageToken(v, issued)).toEqual([Date.parse('2026-11-01T00:00:00Z'), 'm-1']);
    expect(v.any).toBe(false);
  });

  it('refuses tokens it could not have issued, instead of failing in the query', () => {
    for (const bad of ['not-base64-json', token(['x', 'y']), token([]), token([1e300, 'a']), token([-1, 'a']), token([1, 2])]) {
      const v = new Violations();
      expect(decodePageToken(v, bad), bad).toBeUndefined();
      expect(v.items.map((i) => i.reason)).toEqual(['INVALID_PAGE_TOKEN']);
    }
  });
});

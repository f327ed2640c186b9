import { Violations } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { cursorTime, decodePageToken, encodePageToken } from './page-token';

describe('page tokens', () => {
  it('round-trip the last item of a page', () => {
    const v = new Violations();
    const token = encodePageToken({ key: '2026-11-01T00:00:00.000Z', id: 'order-9' });
    const cursor = decodePageToken(v, token);
    expect(cursor).toEqual({ key: '2026-11-01T00:00:00.000Z', id: 'order-9' });
    expect(cursorTime(v, cursor)).toEqual(new Date('2026-11-01T00:00:00Z'));
    expect(v.any).toBe(false);
  });

  it('report a token they did not issue as bad input, never as a first page', () => {
    for (const token of ['garbage', Buffer.from('{"a":1}').toString('base64url'), encodePageToken({ key: 'not-a-time', id: 'x' })]) {
      const v = new Violations();
      cursorTime(v, decodePageToken(v, token));
      expect(v.items.map((i) => [i.field, i.reason])).toEqual([['page_token', 'INVALID_PAGE_TOKEN']]);
    }
    expect(decodePageToken(new Violations(), '')).toBeUndefined();
  });
});

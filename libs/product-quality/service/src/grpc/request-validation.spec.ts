import { describe, expect, it } from 'vitest';
import { encodePageToken } from '../mapping/page-token';
import { qualityTiers } from '../mapping/enums';
import { timeKeyToken } from './handler-kit';
import { RequestChecks } from './request-validation';

describe('request checks', () => {
  it('collect every violation with its field path, never only the first', () => {
    const checks = new RequestChecks();
    checks.id('request_id', '');
    checks.id('product_id', 'P'.repeat(129));
    checks.refs('evidence_refs', ['ok', '']);
    checks.evidence('evidence', { '': 'x', report: 'r'.repeat(501) });
    checks.enumValue('tier', qualityTiers, 0);
    checks.notInFuture('tested_at', new Date('2026-11-01T00:06:00Z'), new Date('2026-11-01T00:00:00Z'));
    expect(checks.items.map((v) => [v.field, v.reason])).toEqual([
      ['request_id', 'REQUIRED'],
      ['product_id', 'TOO_LONG'],
      ['evidence_refs[1]', 'REQUIRED'],
      ['evidence[]', 'INVALID'],
      ['evidence[report]', 'TOO_LONG'],
      ['tier', 'UNKNOWN_VALUE'],
      ['tested_at', 'IN_FUTURE'],
    ]);
  });

  it('tolerates a small clock skew and treats UNSPECIFIED filters as "any"', () => {
    const checks = new RequestChecks();
    expect(checks.notInFuture('tested_at', new Date('2026-11-01T00:04:00Z'), new Date('2026-11-01T00:00:00Z'))).toBe(true);
    expect(checks.optionalEnum('tier', qualityTiers, 0)).toBeUndefined();
    expect(checks.any).toBe(false);
  });

  it('defaults, bounds and refuses page sizes per AIP-158', () => {
    const checks = new RequestChecks();
    expect(checks.pageSize('page_size', 0)).toBe(50);
    expect(checks.pageSize('page_size', 10_000)).toBe(500);
    checks.pageSize('page_size', -1);
    expect(checks.items.map((v) => v.field)).toEqual(['page_size']);
  });

  it('reads back the page tokens it issued and refuses anything else', () => {
    const checks = new RequestChecks();
    expect(timeKeyToken(checks, 'page_token', encodePageToken(['2026-11-01T00:00:00.000Z', 'ban-9']))).toEqual(['2026-11-01T00:00:00.000Z', 'ban-9']);
    expect(timeKeyToken(checks, 'page_token', '')).toBeUndefined();
    expect(checks.any).toBe(false);
    timeKeyToken(checks, 'page_token', 'not-a-token');
    timeKeyToken(checks, 'page_token', encodePageToken(['yesterday', 'ban-9']));
    // A valid JavaScript date PostgreSQL cannot store would otherwise fail in the query as INTERNAL.
    timeKeyToken(checks, 'page_token', encodePageToken(['-200000-01-01T00:00:00.000Z', 'ban-9']));
    expect(checks.items.map((v) => v.reason)).toEqual(['INVALID_PAGE_TOKEN', 'INVALID_PAGE_TOKEN', 'INVALID_PAGE_TOKEN']);
  });
});

import { ListingAction, ListingDecision } from '@govern/contracts-product-quality';
import { REASON, ValidationError } from '@govern/policy-core';
import { describe, expect, it } from 'vitest';
import { INVALID, isInvalid } from './checked';
import { DEFAULT_REQUEST_LIMITS } from './limits';
import { sequencePageToken, timeIdPageToken } from './page-token';
import { protoEnum } from './proto-enum';
import { RequestChecks } from './request-checks';

const actions = protoEnum(ListingAction, 'LISTING_ACTION_');
const decisions = protoEnum(ListingDecision, 'LISTING_DECISION_');

/** The violations a check recorded, as (field, reason). */
const seen = (checks: RequestChecks) => checks.items.map(({ field, reason }) => ({ field, reason }));

const thrown = (run: () => unknown): ValidationError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('RequestChecks', () => {
  it('returns checked values and lists every violation at once', () => {
    const checks = new RequestChecks();
    const requestId = checks.requestId('r-1');
    const productId = checks.id('product_id', '');
    const action = checks.enumValue('action', actions, 99);
    expect(requestId).toBe('r-1');
    expect(productId).toBe(INVALID);
    expect(action).toBe(INVALID);
    const error = thrown(() => checks.done({ requestId, productId, action }));
    expect(error.code).toBe('REQUEST.INVALID');
    expect(error.violations.map((v) => [v.field, v.reason])).toEqual([
      ['product_id', 'REQUIRED'],
      ['action', 'UNKNOWN_ENUM_VALUE'],
    ]);
  });

  it('done() returns the values typed without INVALID when nothing is wrong', () => {
    const checks = new RequestChecks();
    const { action, decision } = checks.done({ action: checks.enumValue('action', actions, ListingAction.LISTING_ACTION_EDIT), decision: checks.optionalEnum('decision', decisions, 0) });
    const narrowed: 'PUBLISH' | 'EDIT' = action;
    expect(narrowed).toBe('EDIT');
    // Without done(), the type still carries INVALID:
    // @ts-expect-error a Checked<Name> is not a Name
    const unchecked: 'PUBLISH' | 'EDIT' = checks.enumValue('action', actions, 1);
    expect(unchecked).toBe('PUBLISH');
    expect(decision).toBeUndefined();
  });

  it('gives the same client mistake the same reason everywhere', () => {
    const checks = new RequestChecks();
    checks.enumValue('a', actions, 0);
    checks.enumValue('b', actions, 42);
    checks.optionalEnum('c', actions, 42);
    checks.enumValue('d', actions, ListingAction.LISTING_ACTION_EDIT, { allowed: ['PUBLISH'] });
    checks.pageSize(-1);
    expect(seen(checks)).toEqual([
      { field: 'a', reason: REASON.REQUIRED },
      { field: 'b', reason: REASON.UNKNOWN_ENUM_VALUE },
      { field: 'c', reason: REASON.UNKNOWN_ENUM_VALUE },
      { field: 'd', reason: REASON.UNSUPPORTED_VALUE },
      { field: 'page_size', reason: REASON.OUT_OF_RANGE },
    ]);
  });

  it('refuses text PostgreSQL cannot store or a client cannot read back', () => {
    const checks = new RequestChecks();
    expect(checks.text('a', 'x\u0000y')).toBe(INVALID);
    expect(checks.text('b', 'x\ud800')).toBe(INVALID);
    expect(checks.text('c', '  ')).toBe(INVALID);
    expect(checks.id('d', 'x'.repeat(129))).toBe(INVALID);
    expect(checks.id('e', '🙂'.repeat(128))).toBe('🙂'.repeat(128)); // 128 code points, 256 UTF-16 units
    expect(checks.optionalText('f', '')).toBe('');
    expect(checks.optionalId('g', '')).toBeUndefined();
    expect(seen(checks).map((v) => v.reason)).toEqual(['CONTAINS_NUL', 'MALFORMED_UTF8', 'REQUIRED', 'TOO_LONG']);
  });

  it('says INVALID_TIMESTAMP (not "is required") for a present but impossible time', () => {
    const now = new Date('2026-11-01T00:00:00Z');
    const checks = new RequestChecks();
    checks.timestamp('missing', undefined);
    checks.timestamp('nan', new Date(Number.NaN));
    checks.timestamp('year_0', new Date('0000-06-01T00:00:00Z'));
    checks.timestamp('year_10000', new Date('+010000-01-01T00:00:00Z'));
    checks.timestamp('future', new Date(now.getTime() + DEFAULT_REQUEST_LIMITS.clockSkewMs + 1), { now });
    expect(checks.timestamp('skewed', new Date(now.getTime() + DEFAULT_REQUEST_LIMITS.clockSkewMs), { now })).toBeInstanceOf(Date);
    expect(checks.timestamp('year_1', new Date('0001-01-01T00:00:00Z'))).toBeInstanceOf(Date);
    expect(seen(checks)).toEqual([
      { field: 'missing', reason: 'REQUIRED' },
      { field: 'nan', reason: 'INVALID_TIMESTAMP' },
      { field: 'year_0', reason: 'INVALID_TIMESTAMP' },
      { field: 'year_10000', reason: 'INVALID_TIMESTAMP' },
      { field: 'future', reason: 'IN_FUTURE' },
    ]);
    expect(checks.items[1]?.description).not.toMatch(/required/);
  });

  it('checks a window end after start and within a span', () => {
    const checks = new RequestChecks();
    const start = new Date('2026-10-01T00:00:00Z');
    expect(checks.window('window', { startTime: start, endTime: new Date('2026-10-02T00:00:00Z') })).toEqual({ start, end: new Date('2026-10-02T00:00:00Z') });
    checks.window('w1', { startTime: start, endTime: start });
    checks.window('w2', { startTime: start, endTime: new Date('2027-10-02T00:00:00Z') }, { maxSpanMs: 366 * 86_400_000 - 1 });
    checks.window('w3', undefined);
    checks.window('w4', { startTime: new Date('-000010-01-01T00:00:00Z'), endTime: start });
    expect(seen(checks)).toEqual([
      { field: 'w1.end_time', reason: 'OUT_OF_RANGE' },
      { field: 'w2.end_time', reason: 'OUT_OF_RANGE' },
      { field: 'w3', reason: 'REQUIRED' },
      { field: 'w4.start_time', reason: 'INVALID_TIMESTAMP' },
    ]);
  });

  it('bounds lists, id lists and evidence maps, naming the element at fault', () => {
    const checks = new RequestChecks();
    expect(checks.idList('refs', ['a', 'b'], { unique: true })).toEqual(['a', 'b']);
    checks.idList('dup', ['a', 'b', 'a'], { unique: true });
    checks.idList('long', Array.from({ length: 101 }, (_, i) => `r${i}`));
    checks.idList('bad', ['ok', 'x\u0000']);
    checks.bounded('items', [], { required: true });
    checks.evidence('evidence', { ok: 'fine', ['k'.repeat(100)]: 'v', n: 'v\u0000' });
    checks.evidence('many', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])));
    expect(seen(checks)).toEqual([
      { field: 'dup[2]', reason: 'DUPLICATE' },
      { field: 'long', reason: 'TOO_MANY_ITEMS' },
      { field: 'bad[1]', reason: 'CONTAINS_NUL' },
      { field: 'items', reason: 'REQUIRED' },
      { field: `evidence["${'k'.repeat(63)}…"]`, reason: 'TOO_LONG' },
      { field: 'evidence["n"]', reason: 'CONTAINS_NUL' },
      { field: 'many', reason: 'TOO_MANY_ITEMS' },
    ]);
  });

  it('checks numbers: int64 bounds (BIGINT by default), finite doubles', () => {
    const checks = new RequestChecks();
    expect(checks.int64('amount_fen', 100n, { min: 1n })).toBe(100n);
    checks.int64('negative', -1n, { min: 0n });
    checks.number('rate', Number.NaN);
    checks.number('ratio', 1.5, { min: 0, max: 1 });
    checks.number('count', 1.5, { integer: true });
    expect(seen(checks).map((v) => v.reason)).toEqual(['OUT_OF_RANGE', 'OUT_OF_RANGE', 'OUT_OF_RANGE', 'OUT_OF_RANGE']);
  });

  it('AIP-158 page sizes and one page-token codec', () => {
    const checks = new RequestChecks();
    expect(checks.pageSize(0)).toBe(50);
    expect(checks.pageSize(10_000)).toBe(500);
    expect(checks.pageSize(0, { default: 20, max: 200 }, 'history_page_size')).toBe(20);
    const at = new Date('2026-10-01T12:00:00.123Z');
    expect(checks.pageToken(timeIdPageToken, timeIdPageToken.encode([at, 'order-1']))).toEqual([at, 'order-1']);
    expect(checks.pageToken(timeIdPageToken, '')).toBeUndefined();
    expect(checks.pageToken(sequencePageToken, 'garbage!', 'history_page_token')).toBe(INVALID);
    expect(seen(checks)).toEqual([{ field: 'history_page_token', reason: 'INVALID_PAGE_TOKEN' }]);
  });

  it('absorbs a domain validator under a prefix and lets other errors through', () => {
    const checks = new RequestChecks();
    const result = checks.absorb(() => {
      throw new ValidationError([{ field: 'title', description: 'is required', reason: 'REQUIRED' }], 'LISTING.INVALID');
    }, 'listing');
    expect(result).toBeUndefined();
    expect(checks.absorb(() => 42)).toBe(42);
    expect(seen(checks)).toEqual([{ field: 'listing.title', reason: 'REQUIRED' }]);
    expect(() => checks.absorb(() => { throw new Error('bug'); })).toThrow('bug');
  });

  it('accepts any enum decoder: a codec, a function', () => {
    const checks = new RequestChecks();
    expect(checks.enumValue('a', (n) => (n === 1 ? 'ONE' : undefined), 1)).toBe('ONE');
    expect(isInvalid(checks.enumValue('b', { fromProto: () => undefined }, 3))).toBe(true);
  });
});

describe('protoEnum', () => {
  it('maps names both ways without UNSPECIFIED', () => {
    expect(actions.names).toEqual(['PUBLISH', 'EDIT']);
    expect(actions.fromProto(ListingAction.LISTING_ACTION_EDIT)).toBe('EDIT');
    expect(actions.fromProto(0)).toBeUndefined();
    expect(actions.fromProto(99)).toBeUndefined();
    expect(actions.toProto('PUBLISH')).toBe(ListingAction.LISTING_ACTION_PUBLISH);
    expect(actions.toProto(null)).toBe(0);
  });
});

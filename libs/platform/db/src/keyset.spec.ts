import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keysetAfter, type KeysetDirection } from './keyset';

/** Prisma's reading of the `where` shapes keysetAfter writes (AND, OR, equality, lt/gt/lte/gte), on plain rows. */
type Row = Record<string, Date | string>;
const compare = (a: Date | string, b: Date | string): number =>
  a instanceof Date && b instanceof Date ? a.getTime() - b.getTime() : a < b ? -1 : a > b ? 1 : 0;
const matches = (row: Row, where: Record<string, unknown>): boolean =>
  Object.entries(where).every(([key, condition]) => {
    if (key === 'AND') return (condition as Record<string, unknown>[]).every((part) => matches(row, part));
    if (key === 'OR') return (condition as Record<string, unknown>[]).some((part) => matches(row, part));
    const value = row[key] as Date | string;
    if (condition instanceof Date || typeof condition === 'string') return compare(value, condition) === 0;
    const [[op, bound]] = Object.entries(condition as Record<string, Date | string>) as [[string, Date | string]];
    const c = compare(value, bound);
    return op === 'lt' ? c < 0 : op === 'lte' ? c <= 0 : op === 'gt' ? c > 0 : c >= 0;
  });

const ORDER = { time: 'createdAt', id: 'orderId' } as const;

describe('keysetAfter', () => {
  it('is no condition on the first page', () => {
    expect(keysetAfter({ ...ORDER, direction: 'newestFirst' }, undefined)).toEqual({});
  });

  it('bounds the time the index scan starts from, beside the exact "after (time, id)"', () => {
    const at = new Date('2026-12-01T00:00:00Z');
    expect(keysetAfter({ ...ORDER, direction: 'newestFirst' }, [at, 'o-5'])).toEqual({
      AND: [{ createdAt: { lte: at } }, { OR: [{ createdAt: { lt: at } }, { createdAt: at, orderId: { lt: 'o-5' } }] }],
    });
    expect(keysetAfter({ ...ORDER, direction: 'oldestFirst' }, [at, 'o-5'])).toEqual({
      AND: [{ createdAt: { gte: at } }, { OR: [{ createdAt: { gt: at } }, { createdAt: at, orderId: { gt: 'o-5' } }] }],
    });
  });

  it('selects exactly the rows after the key in the list order, ties in time broken by id', () => {
    const time = fc.integer({ min: 0, max: 5 }).map((minute) => new Date(Date.UTC(2026, 11, 1, 0, minute)));
    const row = fc.record({ createdAt: time, orderId: fc.constantFrom('a', 'b', 'c', 'd') });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), row, fc.constantFrom<KeysetDirection>('newestFirst', 'oldestFirst'), (rows, last, direction) => {
        const where = keysetAfter({ ...ORDER, direction }, [last.createdAt, last.orderId]);
        const sign = direction === 'newestFirst' ? -1 : 1;
        const after = (r: Row) => sign * (compare(r.createdAt as Date, last.createdAt) || compare(r.orderId as string, last.orderId)) > 0;
        expect(rows.filter((r) => matches(r, where))).toEqual(rows.filter(after));
      }),
    );
  });
});

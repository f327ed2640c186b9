import { describe, expect, it } from 'vitest';
import { oneRowFromSql, rowFromSql } from './sql-rows';

describe('rows read with plain SQL', () => {
  it('name their columns as the Prisma model does, values untouched', () => {
    const at = new Date('2026-12-05T00:00:00Z');
    expect(rowFromSql({ order_id: 'o-1', amount_fen: 1999n, paid_at: at, sku_2_code: 'x', reasons: [{ code: 'A' }] })).toEqual({
      orderId: 'o-1',
      amountFen: 1999n,
      paidAt: at,
      sku2Code: 'x',
      reasons: [{ code: 'A' }],
    });
  });

  it('take the one row a statement returned, or fail naming the table', () => {
    expect(oneRowFromSql([{ merchant_id: 'm-1' }], 'merchants')).toEqual({ merchantId: 'm-1' });
    expect(() => oneRowFromSql([], 'merchants')).toThrow('the statement on merchants returned no row');
  });
});

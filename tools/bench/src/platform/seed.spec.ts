import { describe, expect, it } from 'vitest';
import { cloneSql, type Column } from './seed';

const column = (name: string, extra: Partial<Column> = {}): Column => ({ column_name: name, column_default: null, is_identity: 'NO', is_generated: 'NEVER', ...extra });

describe('cloneSql', () => {
  const columns = [column('seq', { column_default: "nextval('t_seq'::regclass)" }), column('order_id'), column('status'), column('amount_fen'), column('total', { is_generated: 'ALWAYS' })];

  it('copies every column the template holds, replaces the overridden ones, and leaves sequences and generated columns to the table', () => {
    const sql = cloneSql('orders', columns, { where: 't.order_id = $1', params: ['o-1'] }, { order_id: `'o-' || g` });
    expect(sql).toBe(
      `INSERT INTO "orders" ("order_id", "status", "amount_fen") SELECT 'o-' || g, t."status", t."amount_fen" ` +
        `FROM "orders" t CROSS JOIN generate_series(1, $1::int) AS g WHERE t.order_id = $2`,
    );
  });

  it('numbers the template’s parameters after the count', () => {
    expect(cloneSql('jobs', [column('key'), column('kind')], { where: 't.key = $1 AND t.kind = $2', params: ['a', 'b'] }, {})).toMatch(/WHERE t\.key = \$2 AND t\.kind = \$3$/);
  });

  it('refuses an override of a column the table does not have (the schema changed under the bench)', () => {
    expect(() => cloneSql('orders', columns, { where: 'true', params: [] }, { shipped: 'now()' })).toThrow(/no column shipped/);
    expect(() => cloneSql('nothing', [], { where: 'true', params: [] }, {})).toThrow(/no table nothing/);
  });
});

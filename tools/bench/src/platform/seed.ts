import type pg from 'pg';

/**
 * Fixture seeding for the sizes no API can reach in a benchmark's time (10^5 orders): a row the
 * service itself wrote through its API is the template, and `count` copies of it are inserted in
 * one INSERT … SELECT over generate_series, with the keys (and whatever must differ) replaced by
 * SQL expressions of `g` (1..count). Every other column is copied as the service wrote it, so a
 * column added later is seeded the way the service fills it, and the fixture stays what the
 * service would have written.
 */
export interface Column {
  column_name: string;
  column_default: string | null;
  is_identity: 'YES' | 'NO';
  is_generated: 'ALWAYS' | 'NEVER';
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The INSERT … SELECT that copies the template row `$1` times ($2… are the template's parameters). Pure. */
export const cloneSql = (table: string, columns: readonly Column[], template: { where: string; params: unknown[] }, overrides: Record<string, string>): string => {
  if (columns.length === 0) throw new Error(`seeding: no table ${table}`);
  const names = new Set(columns.map((c) => c.column_name));
  const unknown = Object.keys(overrides).filter((name) => !names.has(name));
  if (unknown.length > 0) throw new Error(`seeding ${table}: no column ${unknown.join(', ')} (the schema changed; update tools/bench)`);
  // Sequences and generated columns fill themselves; everything else is copied or overridden.
  const copied = columns.filter(
    (c) => c.column_name in overrides || (c.is_identity === 'NO' && c.is_generated === 'NEVER' && !(c.column_default ?? '').startsWith('nextval(')),
  );
  const where = template.where.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 1}`);
  return (
    `INSERT INTO ${quote(table)} (${copied.map((c) => quote(c.column_name)).join(', ')}) ` +
    `SELECT ${copied.map((c) => overrides[c.column_name] ?? `t.${quote(c.column_name)}`).join(', ')} ` +
    `FROM ${quote(table)} t CROSS JOIN generate_series(1, $1::int) AS g WHERE ${where}`
  );
};

/**
 * Inserts `count` copies of the one row of `table` that `template.where` (over alias `t`, with
 * $1… for `template.params`) selects, `overrides` giving a column's SQL expression of `g`.
 */
export const cloneRows = async (
  pool: pg.Pool,
  table: string,
  template: { where: string; params: unknown[] },
  count: number,
  overrides: Record<string, string>,
): Promise<number> => {
  if (count <= 0) return 0;
  const { rows: columns } = await pool.query<Column>(
    `SELECT column_name, column_default, is_identity, is_generated FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  const result = await pool.query(cloneSql(table, columns, template, overrides), [count, ...template.params]);
  if (result.rowCount !== count) throw new Error(`seeding ${table}: the template (${template.where}) matched ${(result.rowCount ?? 0) / count} rows, expected 1`);
  return count;
};

/**
 * Rows read with plain SQL in the shape Prisma gives them: `SELECT *` and `RETURNING *` name the
 * snake_case columns, the models their camelCase fields (bigint, Date and parsed JSON alike, as
 * node-postgres and Prisma both return them). The services' hot paths read and write with plain
 * SQL and hand these rows to code written against the Prisma models.
 */
const camel = (column: string): string => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export const rowFromSql = <T>(row: Record<string, unknown>): T =>
  Object.fromEntries(Object.entries(row).map(([column, value]) => [camel(column), value])) as T;

/** The one row a statement returns (an INSERT ... RETURNING), or a failure naming the table. */
export const oneRowFromSql = <T>(rows: readonly Record<string, unknown>[], table: string): T => {
  const [row] = rows;
  if (!row) throw new Error(`the statement on ${table} returned no row`);
  return rowFromSql<T>(row);
};

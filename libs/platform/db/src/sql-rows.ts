/**
 * Rows read with plain SQL in the shape Prisma gives them: `SELECT *` and `RETURNING *` name the
 * snake_case columns, the models their camelCase fields (bigint, Date and parsed JSON alike, as
 * node-postgres and Prisma both return them). The services' hot paths read and write with plain
 * SQL and hand these rows to code written against the Prisma models.
 */
const toCamel = (column: string): string => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** Column names are the schema's, so few: each is converted once (a hot path converts every row it reads). */
const camelNames = new Map<string, string>();
const camel = (column: string): string => {
  let name = camelNames.get(column);
  if (name === undefined) {
    name = toCamel(column);
    camelNames.set(column, name);
  }
  return name;
};

export const rowFromSql = <T>(row: Record<string, unknown>): T => {
  const out: Record<string, unknown> = {};
  for (const column of Object.keys(row)) out[camel(column)] = row[column];
  return out as T;
};

/** The one row a statement returns (an INSERT ... RETURNING), or a failure naming the table. */
export const oneRowFromSql = <T>(rows: readonly Record<string, unknown>[], table: string): T => {
  const [row] = rows;
  if (!row) throw new Error(`the statement on ${table} returned no row`);
  return rowFromSql<T>(row);
};

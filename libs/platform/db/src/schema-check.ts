import type pg from 'pg';

/**
 * Checks that a service's Prisma schema and its migrated database agree, without the
 * Prisma schema engine: every model's table and every scalar field's column exist with a
 * compatible type, and every column the schema does not know can be left out of an
 * insert (nullable or defaulted). Returns the disagreements; empty means they agree.
 */
interface RuntimeField {
  name: string;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  dbName?: string | null;
}

interface RuntimeDataModel {
  models: Record<string, { dbName: string | null; fields: RuntimeField[] }>;
}

const COMPATIBLE: Record<string, string[]> = {
  String: ['text', 'character varying', 'uuid', 'character'],
  Int: ['integer', 'smallint'],
  BigInt: ['bigint'],
  Boolean: ['boolean'],
  DateTime: ['timestamp with time zone', 'timestamp without time zone', 'date'],
  Json: ['jsonb', 'json'],
  Bytes: ['bytea'],
  Float: ['double precision', 'real'],
  Decimal: ['numeric'],
};

const ARRAY_ELEMENT_TYPES: Record<string, string> = {
  _text: 'text',
  _varchar: 'character varying',
  _uuid: 'uuid',
  _int4: 'integer',
  _int2: 'smallint',
  _int8: 'bigint',
  _bool: 'boolean',
  _timestamptz: 'timestamp with time zone',
  _timestamp: 'timestamp without time zone',
  _jsonb: 'jsonb',
  _float8: 'double precision',
  _numeric: 'numeric',
};

export const runtimeDataModelOf = (client: object): RuntimeDataModel => {
  const model = (client as { _runtimeDataModel?: RuntimeDataModel })._runtimeDataModel;
  if (!model) throw new Error('not a generated Prisma client: no runtime data model');
  return model;
};

export const compareSchemaWithDatabase = async (client: object, pool: pg.Pool): Promise<string[]> => {
  const model = runtimeDataModelOf(client);
  const { rows } = await pool.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string; column_default: string | null }>(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  const tables = new Map<string, Map<string, (typeof rows)[number]>>();
  for (const row of rows) {
    if (!tables.has(row.table_name)) tables.set(row.table_name, new Map());
    tables.get(row.table_name)?.set(row.column_name, row);
  }
  const problems: string[] = [];
  for (const [name, definition] of Object.entries(model.models)) {
    const table = definition.dbName ?? name;
    const columns = tables.get(table);
    if (!columns) {
      problems.push(`model ${name}: table "${table}" is missing`);
      continue;
    }
    const known = new Set<string>();
    for (const field of definition.fields) {
      if (field.kind !== 'scalar' && field.kind !== 'enum') continue;
      const column = field.dbName ?? field.name;
      known.add(column);
      const actual = columns.get(column);
      if (!actual) {
        problems.push(`model ${name}: column "${table}.${column}" is missing`);
        continue;
      }
      const expected = field.kind === 'enum' ? ['USER-DEFINED'] : COMPATIBLE[field.type];
      // The runtime model does not say whether a field is a list (String[]): an array column
      // is compatible when its element type is (udt_name `_text` for text[], ...).
      const elementType = actual.data_type === 'ARRAY' ? ARRAY_ELEMENT_TYPES[actual.udt_name] : undefined;
      if (expected && !expected.includes(elementType ?? actual.data_type)) {
        problems.push(`model ${name}: column "${table}.${column}" is ${actual.data_type}, schema says ${field.type}`);
      }
    }
    for (const [column, actual] of columns) {
      if (!known.has(column) && actual.is_nullable === 'NO' && actual.column_default === null) {
        problems.push(`table "${table}": column "${column}" is required but not in model ${name}`);
      }
    }
  }
  return problems;
};

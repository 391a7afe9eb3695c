/**
 * How the two adapters share one description of the data: column kinds, the record-to-row mapping
 * derived from them (camelCase fields, snake_case columns), and a small migration language that
 * renders to SQLite's and PostgreSQL's DDL. Only the queries are written per dialect.
 */

export type Dialect = 'sqlite' | 'postgres';

/**
 * A column's kind: `text`, `int` (32-bit), `bigint` (epoch milliseconds and other 53-bit
 * integers), `json` (TEXT in SQLite, jsonb in PostgreSQL), `blob`; a trailing `?` allows NULL.
 */
export type ColumnKind = 'text' | 'int' | 'bigint' | 'json' | 'blob' | 'text?' | 'int?' | 'bigint?' | 'json?' | 'blob?';

/** A plain value either driver binds as is. */
export type SqlValue = string | number | null | Uint8Array;

/**
 * How a dialect moves JSON columns: `encode` makes the bound parameter (JSON text for SQLite, a
 * typed jsonb parameter for PostgreSQL) and never turns SQL NULL into the JSON literal `null`;
 * `decode` turns what the driver returned into a JavaScript value.
 */
export interface JsonCodec<J> {
  encode(value: unknown): J | null;
  decode(value: unknown): unknown;
}

export type Row = Record<string, unknown>;

export const columnName = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The mapping between one record type and its table's rows. */
export interface RowCodec<T> {
  readonly table: string;
  readonly columns: readonly string[];
  /** Column name to bound value. */
  toRow<J>(record: T, json: JsonCodec<J>): Record<string, SqlValue | J>;
  /** Only the given fields, for an UPDATE ... SET. */
  toPatch<J>(patch: Partial<T>, json: JsonCodec<J>): Record<string, SqlValue | J>;
  fromRow(row: Row, json: JsonCodec<unknown>): T;
}

/** Builds the codec of a table from its fields' kinds; every field of `T` must be listed. */
export function rowCodec<T>(table: string, kinds: { [K in keyof T]-?: ColumnKind }): RowCodec<T> {
  const fields = Object.keys(kinds) as (keyof T & string)[];
  const entries = fields.map((field) => ({ field, column: columnName(field), kind: kinds[field] as ColumnKind }));

  function encode<J>(kind: ColumnKind, value: unknown, json: JsonCodec<J>): SqlValue | J {
    if (value === null || value === undefined) return null;
    const base = kind.replace('?', '');
    if (base === 'json') return json.encode(value);
    if (base === 'blob') return value as Uint8Array;
    return value as SqlValue;
  }

  function decode(kind: ColumnKind, value: unknown, json: JsonCodec<unknown>): unknown {
    if (value === null || value === undefined) return kind.endsWith('?') ? null : value;
    switch (kind.replace('?', '')) {
      case 'int':
      case 'bigint':
        // PostgreSQL hands BIGINT back as a string.
        return Number(value);
      case 'json':
        return json.decode(value);
      case 'blob':
        return new Uint8Array(value as ArrayLike<number>);
      default:
        return value;
    }
  }

  return {
    table,
    columns: entries.map((e) => e.column),
    toRow(record, json) {
      const row: Record<string, SqlValue | never> = {};
      for (const { field, column, kind } of entries) row[column] = encode(kind, (record as Record<string, unknown>)[field], json) as SqlValue;
      return row;
    },
    toPatch(patch, json) {
      const row: Record<string, SqlValue | never> = {};
      for (const { field, column, kind } of entries) {
        if (field in (patch as object)) row[column] = encode(kind, (patch as Record<string, unknown>)[field], json) as SqlValue;
      }
      return row;
    },
    fromRow(row, json) {
      const record: Record<string, unknown> = {};
      for (const { field, column, kind } of entries) record[field] = decode(kind, row[column], json);
      return record as T;
    },
  };
}

// ---- migrations ------------------------------------------------------------------------------------

/** A column in a CREATE TABLE or ADD COLUMN: its kind, then constraints in portable SQL. */
export interface ColumnSpec {
  kind: ColumnKind | 'serial';
  /** `PRIMARY KEY`, `UNIQUE`, `REFERENCES sessions (id)`, `CHECK (...)`, `DEFAULT 'check'`: the same in both dialects. */
  constraints?: string;
}

export type MigrationStep =
  | { createTable: string; columns: Record<string, ColumnSpec>; tableConstraints?: string[] }
  | { addColumn: string; column: string; spec: ColumnSpec }
  | { dropColumn: string; column: string }
  | { createIndex: string; on: string; columns: string; unique?: boolean; where?: string }
  | { dropIndex: string }
  /** Anything else, written for each dialect (or once, when it is portable). */
  | { sql: string | Record<Dialect, string> };

/** One schema step. Versions start at 1 and only ever grow; append, never edit a shipped one. */
export interface Migration {
  version: number;
  steps: readonly MigrationStep[];
}

const TYPES: Record<Dialect, Record<string, string>> = {
  sqlite: { text: 'TEXT', int: 'INTEGER', bigint: 'INTEGER', json: 'TEXT', blob: 'BLOB', serial: 'INTEGER PRIMARY KEY AUTOINCREMENT' },
  postgres: { text: 'text', int: 'integer', bigint: 'bigint', json: 'jsonb', blob: 'bytea', serial: 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY' },
};

function columnSql(dialect: Dialect, name: string, spec: ColumnSpec): string {
  const base = spec.kind.replace('?', '');
  const parts = [name, TYPES[dialect][base]!];
  if (spec.kind !== 'serial' && !spec.kind.endsWith('?')) parts.push('NOT NULL');
  if (spec.constraints) parts.push(spec.constraints);
  return parts.join(' ');
}

/** The DDL of one step in one dialect. */
export function renderStep(dialect: Dialect, step: MigrationStep): string {
  if ('createTable' in step) {
    const lines = [...Object.entries(step.columns).map(([name, spec]) => columnSql(dialect, name, spec)), ...(step.tableConstraints ?? [])];
    return `CREATE TABLE ${step.createTable} (\n  ${lines.join(',\n  ')}\n)${dialect === 'sqlite' ? ' STRICT' : ''};`;
  }
  if ('addColumn' in step) return `ALTER TABLE ${step.addColumn} ADD COLUMN ${columnSql(dialect, step.column, step.spec)};`;
  if ('dropColumn' in step) return `ALTER TABLE ${step.dropColumn} DROP COLUMN ${step.column};`;
  if ('createIndex' in step) {
    return `CREATE ${step.unique ? 'UNIQUE ' : ''}INDEX ${step.createIndex} ON ${step.on} (${step.columns})${step.where ? ` WHERE ${step.where}` : ''};`;
  }
  if ('dropIndex' in step) return `DROP INDEX ${step.dropIndex};`;
  return typeof step.sql === 'string' ? step.sql : step.sql[dialect];
}

export function renderMigration(dialect: Dialect, migration: Migration): string {
  return migration.steps.map((step) => renderStep(dialect, step)).join('\n');
}

import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * Adds the columns a table does not have yet, so that a migration can run a second time (see
 * `atomically`). Postgres says `add column if not exists` (another schema's table of the same name
 * cannot mislead it); SQLite cannot, so there the table's columns are read first.
 */
export async function addColumnsIfMissing(
  db: Kysely<unknown>,
  table: string,
  columns: readonly (readonly [name: string, definition: RawBuilder<unknown>])[],
  postgres: boolean,
): Promise<void> {
  const existing = postgres
    ? []
    : ((await db.introspection.getTables()).find((t) => t.name === table)?.columns ?? []).map(
        (column) => column.name,
      );
  for (const [name, definition] of columns) {
    if (postgres) {
      await sql`alter table ${sql.table(table)} add column if not exists ${sql.ref(name)} ${definition}`.execute(
        db,
      );
    } else if (!existing.includes(name)) {
      await sql`alter table ${sql.table(table)} add column ${sql.ref(name)} ${definition}`.execute(db);
    }
  }
}

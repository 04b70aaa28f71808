import { type Kysely, Migrator, sql, type Transaction } from 'kysely';
import type { DatabaseLocation, Dialect } from './dialects/dialect';
import { openSqlite } from './dialects/sqlite';
import { MIGRATIONS, migrationProvider } from './migrations/index';
import type { Database } from './schema';

export type { DatabaseLocation, Dialect } from './dialects/dialect';

export type Executor = Kysely<Database> | Transaction<Database>;

export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
}

async function openDialect(location: DatabaseLocation): Promise<Dialect> {
  if (location.kind === 'sqlite') return openSqlite(location.path);
  // Loaded only for Postgres: the SQLite default starts without it.
  const { openPostgres } = await import('./dialects/postgres');
  return openPostgres(location.url, location.poolSize);
}

/** Opens the database and applies every pending migration (once, however many nodes start together). */
export async function openDatabase(location: DatabaseLocation): Promise<Dialect> {
  let dialect: Dialect;
  try {
    dialect = await openDialect(location);
  } catch (error) {
    throw new DatabaseError(
      `cannot open the database: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  try {
    await prepareSchema(dialect.db);
  } catch (error) {
    await dialect.close();
    if (error instanceof DatabaseError) throw error;
    throw new DatabaseError(
      `cannot open the database: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return dialect;
}

/** Refuses a schema newer than this code, then applies the pending migrations. */
export async function prepareSchema(db: Kysely<Database>): Promise<void> {
  await refuseNewerSchema(db);
  await migrate(db);
}

/** A node must not run against a schema it does not know: an older binary after an upgrade elsewhere. */
async function refuseNewerSchema(db: Kysely<Database>): Promise<void> {
  let applied: string[];
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    applied = rows.map((row) => row.name);
  } catch {
    return; // a new database: nothing applied yet
  }
  const unknown = applied.filter((name) => !Object.hasOwn(MIGRATIONS, name));
  if (unknown.length > 0) {
    throw new DatabaseError(
      `the database schema is newer than this tessera (it has migration ${unknown.join(', ')}); upgrade tessera on this node`,
    );
  }
}

async function migrate(db: Kysely<Database>): Promise<void> {
  // Kysely holds a lock while migrating (an advisory lock on Postgres), so concurrent nodes migrate once.
  // It runs each migration in a transaction where DDL is transactional (Postgres), and 0003 relies
  // on that to tell the dialects apart: keep `disableTransactions` off. On SQLite a migration opens
  // its own transaction (`migrations/atomically.ts`), so a crash midway leaves nothing behind.
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    const detail = error instanceof Error ? error.message : String(error);
    throw new DatabaseError(
      failed ? `migration ${failed} failed: ${detail}` : `the database schema cannot be migrated: ${detail}`,
    );
  }
}

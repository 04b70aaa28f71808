import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Transaction } from 'kysely';
import { migrationProvider } from './migrations/index';
import type { Database } from './schema';

/** Where the data lives, parsed from `--db` / `TESSERA_DATABASE_URL`. */
export type DatabaseLocation = { readonly kind: 'sqlite'; readonly path: string };

export type Executor = Kysely<Database> | Transaction<Database>;

export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly location: DatabaseLocation;
  close(): Promise<void>;
}

export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
}

function openSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  // WAL lets readers run beside the single writer; NORMAL is durable across crashes of the process.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** Opens the database and applies every pending migration. */
export async function openDatabase(location: DatabaseLocation): Promise<OpenDatabase> {
  const db = openSqlite(location.path);
  try {
    await migrate(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, location, close: () => db.destroy() };
}

async function migrate(db: Kysely<Database>): Promise<void> {
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

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import type { Dialect } from '../../src/store/dialects/dialect';
import { openPostgres } from '../../src/store/dialects/postgres';
import { openSqlite } from '../../src/store/dialects/sqlite';
import { createTestDatabase, POSTGRES_URL } from './postgres';

/** A fresh, unmigrated database to migrate by hand, and how to get rid of it. */
export type OpenTarget = () => Promise<{ dialect: Dialect; cleanup: () => Promise<void> }>;

/**
 * Runs a migration suite on a SQLite file, and on a Postgres database of its own where
 * TESSERA_TEST_POSTGRES_URL is set (otherwise the Postgres half reports itself skipped).
 */
export function onEveryMigrationTarget(name: string, suite: (database: string, open: OpenTarget) => void) {
  suite('sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-migration-'));
    const dialect = openSqlite(join(dir, 'tessera.db'));
    return {
      dialect,
      cleanup: async () => {
        await dialect.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });

  if (!POSTGRES_URL) console.warn(`${name}: postgres SKIPPED (TESSERA_TEST_POSTGRES_URL is not set)`);
  describe.skipIf(!POSTGRES_URL)('postgres (needs TESSERA_TEST_POSTGRES_URL)', () => {
    suite('postgres', async () => {
      const database = await createTestDatabase(POSTGRES_URL!);
      const dialect = openPostgres(database.url, 2);
      return {
        dialect,
        cleanup: async () => {
          await dialect.close();
          await database.drop();
        },
      };
    });
  });
}

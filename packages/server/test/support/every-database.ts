import { afterAll, describe } from 'vitest';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from './postgres';
import { type StartOptions, startTestServer, type TestServer } from './tessera';

/** Starts a real server for a suite, on the database the suite runs against. */
export type StartServer = (options?: StartOptions) => Promise<TestServer>;

/**
 * Runs `suite` on SQLite (in memory), and on Postgres where TESSERA_TEST_POSTGRES_URL is set, each
 * server on a database of its own, dropped afterwards. Without the URL, the Postgres half reports
 * itself skipped (and says so on the console), never passed.
 */
export function onEveryDatabase(
  name: string,
  suite: (database: 'sqlite' | 'postgres', start: StartServer) => void,
) {
  suite('sqlite', (options) => startTestServer(options));

  if (!POSTGRES_URL) console.warn(`${name}: postgres SKIPPED (TESSERA_TEST_POSTGRES_URL is not set)`);
  describe.skipIf(!POSTGRES_URL)('postgres (needs TESSERA_TEST_POSTGRES_URL)', () => {
    const databases: TestDatabase[] = [];
    afterAll(async () => {
      for (const database of databases) await database.drop();
    });
    suite('postgres', async (options) => {
      const database = await createTestDatabase(POSTGRES_URL!);
      databases.push(database);
      return startTestServer({ ...options, databaseUrl: database.url });
    });
  });
}

import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Set by CI (`.ci/run`); without it the Postgres halves of the suites report themselves skipped. */
export const POSTGRES_URL = process.env.TESSERA_TEST_POSTGRES_URL;

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new database with a random name on the test server, dropped (with its connections) afterwards. */
export async function createTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `tessera_test_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(
        () => {},
      ),
  };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseError, prepareSchema } from '../src/store/database';
import type { Dialect } from '../src/store/dialects/dialect';
import { openPostgres } from '../src/store/dialects/postgres';
import { openSqlite } from '../src/store/dialects/sqlite';
import * as usernamesCaseInsensitive from '../src/store/migrations/0004-usernames-case-insensitive';
import { migrationProvider } from '../src/store/migrations/index';
import type { Database } from '../src/store/schema';
import { createTestDatabase, POSTGRES_URL } from './support/postgres';
import { earlierSchema, earlierUserRow } from './support/rows';
import { expectError, startTestServer, T0 } from './support/tessera';

/**
 * Usernames and email addresses are case-insensitive identifiers: `Tina` and `tina` are one user,
 * who keeps the spelling given. Migration 0004 adds the index that says so.
 */
const BEFORE = '0003-tickets-found-by-id';
const userId = (n: number) => `user_${String(n).padStart(27, '0')}`;

async function migrateTo(db: Kysely<Database>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo(name);
  if (error) throw error;
}

interface Target {
  readonly dialect: () => Dialect;
  readonly url: string;
  readonly cleanup: () => Promise<void>;
}

function caseInsensitiveSuite(name: 'sqlite' | 'postgres', open: () => Promise<Target>) {
  describe(`case-insensitive identifiers on ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('finds, refuses and renames users by username and email address in any case', async () => {
      const target = await open();
      const server = await startTestServer({ databaseUrl: target.url });
      cleanup = async () => {
        await server.close();
        await target.cleanup();
      };
      const tina = await server.createUser({ username: 'Tina', email_address: ['Tina@Example.com'] });
      expect(tina.username).toBe('Tina');

      expectError(
        await server.post('/v1/users', { username: 'tina' }),
        422,
        'form_identifier_exists',
        'username',
      );
      expectError(
        await server.post('/v1/users', { email_address: ['TINA@example.COM'] }),
        422,
        'form_identifier_exists',
        'email_address',
      );
      for (const query of ['username=tINA', 'email_address=tina%40EXAMPLE.com']) {
        const found = await server.get(`/v1/users?${query}`);
        expect(found.body.map((user: { id: string }) => user.id)).toEqual([tina.id]);
      }
      const count = await server.get('/v1/users/count?username=TINA');
      expect(count.body.total_count).toBe(1);

      const token = await server.post('/v1/test_session_tokens', { identifier: 'TINA' });
      expect(token.status).toBe(200);
      expect(token.body.user_id).toBe(tina.id);

      const other = await server.createUser({ username: 'other' });
      expectError(
        await server.patch(`/v1/users/${other.id}`, { username: 'TINA' }),
        422,
        'form_identifier_exists',
        'username',
      );
      const respelled = await server.patch(`/v1/users/${tina.id}`, { username: 'TiNa' });
      expect(respelled.status).toBe(200);
      expect(respelled.body.username).toBe('TiNa');

      // Below the check, as when two nodes race past it: the index refuses the second spelling.
      const dialect = server.tessera.context.dialect;
      const raced = await earlierSchema(dialect.db)
        .insertInto('users')
        .values(earlierUserRow(userId(99), T0, { username: 'TINA' }))
        .execute()
        .catch((error: unknown) => error);
      expect(dialect.isUniqueViolation(raced)).toBe(true);
    });

    it('refuses to migrate while usernames differ only in case, naming the users, and changes nothing', async () => {
      const target = await open();
      const dialect = target.dialect();
      cleanup = async () => {
        await dialect.close();
        await target.cleanup();
      };
      const { db } = dialect;
      await migrateTo(db, BEFORE);
      await earlierSchema(db)
        .insertInto('users')
        .values([
          earlierUserRow(userId(1), T0, { username: 'Bob' }),
          earlierUserRow(userId(2), T0, { username: 'bob' }),
          earlierUserRow(userId(3), T0, { username: 'alice' }),
          earlierUserRow(userId(4), T0, { username: null }),
          earlierUserRow(userId(5), T0, { username: null }),
        ])
        .execute();

      const error = await prepareSchema(db).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as Error).message).toContain(userId(1));
      expect((error as Error).message).toContain(userId(2));
      expect((error as Error).message).not.toContain(userId(3));
      const applied = await db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(applied.map((row) => (row as { name: string }).name)).not.toContain(
        '0004-usernames-case-insensitive',
      );

      await db.updateTable('users').set({ username: 'bob2' }).where('id', '=', userId(2)).execute();
      await prepareSchema(db);
      const users = await db.selectFrom('users').select(['id', 'username']).orderBy('id').execute();
      expect(users.map((user) => user.username)).toEqual(['Bob', 'bob2', 'alice', null, null]);
    });

    it('can run a second time, as after a crash before it was recorded, and migrates down', async () => {
      const target = await open();
      const dialect = target.dialect();
      cleanup = async () => {
        await dialect.close();
        await target.cleanup();
      };
      const { db } = dialect;
      await prepareSchema(db);
      await usernamesCaseInsensitive.up(db as Kysely<unknown>);
      await earlierSchema(db)
        .insertInto('users')
        .values(earlierUserRow(userId(1), T0, { username: 'Carol' }))
        .execute();
      const dup = await earlierSchema(db)
        .insertInto('users')
        .values(earlierUserRow(userId(2), T0, { username: 'carol' }))
        .execute()
        .catch((e: unknown) => e);
      expect(dialect.isUniqueViolation(dup)).toBe(true);

      await migrateTo(db, BEFORE);
      await usernamesCaseInsensitive.down(db as Kysely<unknown>); // a second down is harmless too
      await earlierSchema(db)
        .insertInto('users')
        .values(earlierUserRow(userId(2), T0, { username: 'carol' }))
        .execute();
    });
  });
}

caseInsensitiveSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-case-'));
  const path = join(dir, 'tessera.db');
  return {
    dialect: () => openSqlite(path),
    url: `file:${path}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

if (!POSTGRES_URL)
  console.warn('case-insensitive identifiers: postgres SKIPPED (TESSERA_TEST_POSTGRES_URL is not set)');
describe.skipIf(!POSTGRES_URL)('postgres (needs TESSERA_TEST_POSTGRES_URL)', () => {
  caseInsensitiveSuite('postgres', async () => {
    const database = await createTestDatabase(POSTGRES_URL!);
    return {
      dialect: () => openPostgres(database.url, 2),
      url: database.url,
      cleanup: () => database.drop(),
    };
  });
});

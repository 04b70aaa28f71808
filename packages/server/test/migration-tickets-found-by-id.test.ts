import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, Migrator } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareSchema } from '../src/store/database';
import type { Dialect } from '../src/store/dialects/dialect';
import { openPostgres } from '../src/store/dialects/postgres';
import { openSqlite } from '../src/store/dialects/sqlite';
import { migrationProvider } from '../src/store/migrations/index';
import type { Database, TicketTable } from '../src/store/schema';
import { createTestDatabase, POSTGRES_URL } from './support/postgres';
import { ticketRow, userRow } from './support/rows';
import { expectError, FakeClock, startTestServer, T0 } from './support/tessera';

/**
 * Migration 0003: ticket values carry their id and the unique index on `token_hash` goes. Tickets
 * issued before it (a bare 43-character value) must keep working until they expire.
 */
const BEFORE = '0002-session-handoffs';
const USER_ID = `user_${'1'.repeat(27)}`;

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: migrationProvider });
}

async function migrateTo(db: Kysely<Database>, name: string): Promise<void> {
  const { error } = await migrator(db).migrateTo(name);
  if (error) throw error;
}

/** A ticket issued before 0003: its value is 256 random bits and nothing else. */
function legacyTicket(suffix: string, overrides: Partial<TicketTable> = {}) {
  const value = randomBytes(32).toString('base64url');
  const row = ticketRow(`tst_${suffix.padStart(27, '0')}`, USER_ID, T0 - 60_000, {
    token_hash: sha256Hex(value),
    expires_at: T0 + 3_600_000,
    ...overrides,
  });
  return { value, row };
}

async function seedBefore0003(db: Kysely<Database>) {
  await migrateTo(db, BEFORE);
  await db
    .insertInto('users')
    .values(userRow(USER_ID, T0 - 120_000, { username: 'legacy' }))
    .execute();
  const tickets = {
    pending: legacyTicket('1'),
    pendingToo: legacyTicket('2'),
    used: legacyTicket('3', { status: 'accepted', session_id: `sess_${'3'.repeat(27)}` }),
    revoked: legacyTicket('4', { status: 'revoked' }),
    expired: legacyTicket('5', { expires_at: T0 - 1000 }),
  };
  await db
    .insertInto('tickets')
    .values(Object.values(tickets).map((ticket) => ticket.row))
    .execute();
  return tickets;
}

const allTickets = (db: Kysely<Database>) => db.selectFrom('tickets').selectAll().orderBy('id').execute();

function migrationSuite(
  name: string,
  open: () => Promise<{ dialect: () => Dialect; url: string; cleanup: () => Promise<void> }>,
) {
  describe(`migration 0003 on ${name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    it('keeps every ticket, drops the unique index, and still accepts a pending ticket issued before', async () => {
      const target = await open();
      cleanup = target.cleanup;
      let dialect = target.dialect();
      const tickets = await seedBefore0003(dialect.db);
      const rowsBefore = await allTickets(dialect.db);
      await prepareSchema(dialect.db);
      expect(await allTickets(dialect.db)).toEqual(rowsBefore);
      const legacy = await dialect.db
        .selectFrom('legacy_ticket_hashes')
        .selectAll()
        .orderBy('ticket_id')
        .execute();
      expect(legacy.map((row) => row.ticket_id)).toEqual(
        [tickets.pending, tickets.pendingToo, tickets.expired].map((ticket) => ticket.row.id),
      );
      // The index is gone: two rows may now share a hash (none will: each is of 256 random bits).
      await dialect.db
        .insertInto('tickets')
        .values({ ...tickets.pending.row, id: `tst_${'9'.repeat(27)}` })
        .execute();
      await dialect.db
        .deleteFrom('tickets')
        .where('id', '=', `tst_${'9'.repeat(27)}`)
        .execute();
      await dialect.close();

      const server = await startTestServer({ databaseUrl: target.url, clock: new FakeClock() });
      try {
        const post = (ticket: string) => server.post('/v1/tickets/accept', { ticket }, { auth: false });
        const accepted = await post(tickets.pending.value);
        expect(accepted.status, accepted.text).toBe(200);
        expect(accepted.body.session.user_id).toBe(USER_ID);
        expectError(await post(tickets.pending.value), 409, 'ticket_already_used');
        // A legacy value with an id in front is not the same value.
        expectError(
          await post(`${tickets.pendingToo.row.id}.${tickets.pendingToo.value}`),
          404,
          'ticket_not_found',
        );
        expect((await post(tickets.pendingToo.value)).status).toBe(200);
        // Only pending tickets were carried over; the expired one was purged at start.
        expectError(await post(tickets.used.value), 404, 'ticket_not_found');
        expectError(await post(tickets.revoked.value), 404, 'ticket_not_found');
        expectError(await post(tickets.expired.value), 404, 'ticket_not_found');
        // New tickets carry their id and work beside the old ones.
        const fresh = await server.createToken({ user_id: USER_ID });
        expect(fresh.token.startsWith(`${fresh.id}.`)).toBe(true);
        expect((await post(fresh.token)).status).toBe(200);
      } finally {
        await server.close();
      }

      dialect = target.dialect();
      try {
        expect(await dialect.db.selectFrom('legacy_ticket_hashes').select('ticket_id').execute()).toEqual([
          { ticket_id: tickets.pending.row.id },
          { ticket_id: tickets.pendingToo.row.id },
        ]);
      } finally {
        await dialect.close();
      }
    });

    it('migrates down: the unique index returns and tickets carrying ids are revoked, not left unusable', async () => {
      const target = await open();
      cleanup = target.cleanup;
      let dialect = target.dialect();
      const tickets = await seedBefore0003(dialect.db);
      await dialect.close();
      const server = await startTestServer({ databaseUrl: target.url, clock: new FakeClock() });
      const fresh = await server.createToken({ user_id: USER_ID });
      await server.close();

      dialect = target.dialect();
      try {
        await migrateTo(dialect.db, BEFORE);
        const rows = new Map((await allTickets(dialect.db)).map((row) => [row.id, row]));
        expect(rows.get(fresh.id)?.status).toBe('revoked');
        expect(rows.get(tickets.pending.row.id)).toEqual(tickets.pending.row);
        await expect(
          dialect.db
            .insertInto('tickets')
            .values({ ...tickets.pending.row, id: `tst_${'9'.repeat(27)}` })
            .execute(),
        ).rejects.toThrow(/unique/i);
        // And up again: the legacy ticket still works.
        await prepareSchema(dialect.db);
      } finally {
        await dialect.close();
      }
      const again = await startTestServer({
        databaseUrl: target.url,
        clock: new FakeClock(),
        knownSecretKey: 'unused',
      });
      try {
        const accepted = await again.post(
          '/v1/tickets/accept',
          { ticket: tickets.pending.value },
          { auth: false },
        );
        expect(accepted.status, accepted.text).toBe(200);
      } finally {
        await again.close();
      }
    });
  });
}

migrationSuite('a SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-migration-'));
  const path = join(dir, 'tessera.db');
  return {
    dialect: () => openSqlite(path),
    url: `file:${path}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

if (!POSTGRES_URL) console.warn('migration 0003: postgres SKIPPED (TESSERA_TEST_POSTGRES_URL is not set)');
describe.skipIf(!POSTGRES_URL)('postgres (needs TESSERA_TEST_POSTGRES_URL)', () => {
  migrationSuite('Postgres', async () => {
    const database = await createTestDatabase(POSTGRES_URL!);
    return {
      dialect: () => openPostgres(database.url, 2),
      url: database.url,
      cleanup: () => database.drop(),
    };
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Dialect } from '../src/store/dialects/dialect';
import { openPostgres } from '../src/store/dialects/postgres';
import { openSqlite } from '../src/store/dialects/sqlite';
import * as ticketsFoundById from '../src/store/migrations/0003-tickets-found-by-id';
import { migrationProvider } from '../src/store/migrations/index';
import type { Database, TicketTable } from '../src/store/schema';
import { createTestDatabase, POSTGRES_URL } from './support/postgres';
import { earlierSchema, earlierTicketRow, earlierUserRow } from './support/rows';
import { expectError, FakeClock, startTestServer, T0 } from './support/tessera';

/**
 * Migration 0003: ticket values carry their id and the unique index on `token_hash` goes. Tickets
 * issued before it (a bare 43-character value) must keep working until they expire.
 */
const BEFORE = '0002-session-handoffs';
/** 0003 itself; later migrations change the tickets table again and have their own tests. */
const AFTER = '0003-tickets-found-by-id';
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
  const row = earlierTicketRow(`tst_${suffix.padStart(27, '0')}`, USER_ID, T0 - 60_000, {
    token_hash: sha256Hex(value),
    expires_at: T0 + 3_600_000,
    ...overrides,
  });
  return { value, row };
}

async function seedBefore0003(db: Kysely<Database>) {
  await migrateTo(db, BEFORE);
  await earlierSchema(db)
    .insertInto('users')
    .values(earlierUserRow(USER_ID, T0 - 120_000, { username: 'legacy' }))
    .execute();
  const tickets = {
    pending: legacyTicket('1'),
    pendingToo: legacyTicket('2'),
    used: legacyTicket('3', { status: 'accepted', session_id: `sess_${'3'.repeat(27)}` }),
    revoked: legacyTicket('4', { status: 'revoked' }),
    expired: legacyTicket('5', { expires_at: T0 - 1000 }),
  };
  await earlierSchema(db)
    .insertInto('tickets')
    .values(Object.values(tickets).map((ticket) => ticket.row))
    .execute();
  return tickets;
}

const allTickets = (db: Kysely<Database>) => db.selectFrom('tickets').selectAll().orderBy('id').execute();

function migrationSuite(
  name: 'sqlite' | 'postgres',
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
      await migrateTo(dialect.db, AFTER);
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
      await earlierSchema(dialect.db)
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

    it('migrates down to the schema it came from, where tickets issued since still work', async () => {
      const target = await open();
      cleanup = target.cleanup;
      let dialect = target.dialect();
      const tickets = await seedBefore0003(dialect.db);
      const schemaBefore = await ticketSchemaOf(dialect.db, name);
      expect(schemaBefore.indexes).toEqual([
        'index (kind, created_at)',
        'index (user_id, status)',
        'primary key (id)',
        'unique (token_hash)',
      ]);
      await migrateTo(dialect.db, AFTER);
      expect(await ticketSchemaOf(dialect.db, name)).toEqual({
        ...schemaBefore,
        indexes: schemaBefore.indexes.filter((index) => index !== 'unique (token_hash)'),
      });
      await dialect.close();
      const server = await startTestServer({ databaseUrl: target.url, clock: new FakeClock() });
      const fresh = await server.createToken({ user_id: USER_ID });
      await server.close();

      dialect = target.dialect();
      try {
        await migrateTo(dialect.db, BEFORE);
        expect(await ticketSchemaOf(dialect.db, name)).toEqual(schemaBefore);
        // The earlier code looks a ticket up by the hash of the whole value, whatever its shape.
        const found = await dialect.db
          .selectFrom('tickets')
          .selectAll()
          .where('token_hash', '=', sha256Hex(fresh.token))
          .execute();
        expect(found.map((row) => [row.id, row.status])).toEqual([[fresh.id, 'pending']]);
        expect((await allTickets(dialect.db)).find((row) => row.id === tickets.pending.row.id)).toEqual(
          tickets.pending.row,
        );
        // And up again: both kinds of value are accepted.
        await migrateTo(dialect.db, AFTER);
      } finally {
        await dialect.close();
      }
      const again = await startTestServer({
        databaseUrl: target.url,
        clock: new FakeClock(),
        knownSecretKey: 'unused',
      });
      try {
        for (const ticket of [tickets.pending.value, fresh.token]) {
          const accepted = await again.post('/v1/tickets/accept', { ticket }, { auth: false });
          expect(accepted.status, accepted.text).toBe(200);
        }
      } finally {
        await again.close();
      }
    });

    if (name === 'sqlite') {
      // SQLite's DDL is not run in Kysely's migration transaction: the migration is recorded in the
      // commit after its own, and a crash between the two runs it again on the next start.
      it('can run a second time, as after a crash before it was recorded', async () => {
        const target = await open();
        cleanup = target.cleanup;
        const dialect = target.dialect();
        try {
          const tickets = await seedBefore0003(dialect.db);
          await migrateTo(dialect.db, AFTER);
          const rows = await allTickets(dialect.db);
          await ticketsFoundById.up(dialect.db as Kysely<unknown>);
          expect(await allTickets(dialect.db)).toEqual(rows);
          const legacy = await dialect.db.selectFrom('legacy_ticket_hashes').select('ticket_id').execute();
          expect(legacy.map((row) => row.ticket_id).sort()).toEqual(
            [tickets.pending, tickets.pendingToo, tickets.expired].map((ticket) => ticket.row.id),
          );
        } finally {
          await dialect.close();
        }
      });
    }
  });
}

/**
 * The tickets table's columns and indexes, described the same way on both dialects: what a
 * migration must change, and all it may.
 */
async function ticketSchemaOf(db: Kysely<Database>, dialect: 'sqlite' | 'postgres') {
  const table = (await db.introspection.getTables()).find((t) => t.name === 'tickets');
  const columns = table?.columns.map((c) => `${c.name} ${c.dataType}${c.isNullable ? '' : ' not null'}`);
  let indexes: string[];
  if (dialect === 'sqlite') {
    const list = await sql<{
      name: string;
      unique: number;
      origin: string;
    }>`pragma index_list('tickets')`.execute(db);
    indexes = [];
    for (const index of list.rows) {
      const info = await sql<{ name: string }>`select name from pragma_index_info(${index.name})`.execute(db);
      const kind = index.origin === 'pk' ? 'primary key' : index.unique ? 'unique' : 'index';
      indexes.push(`${kind} (${info.rows.map((column) => column.name).join(', ')})`);
    }
  } else {
    const list = await sql<{ indexdef: string }>`
      select indexdef from pg_indexes where tablename = 'tickets'
    `.execute(db);
    indexes = list.rows.map(({ indexdef }) => {
      const columnsOf = /\((.*)\)$/.exec(indexdef)?.[1] ?? indexdef;
      const kind = /_pkey /.test(indexdef)
        ? 'primary key'
        : indexdef.startsWith('CREATE UNIQUE')
          ? 'unique'
          : 'index';
      return `${kind} (${columnsOf})`;
    });
  }
  return { columns, indexes: indexes.sort() };
}

migrationSuite('sqlite', async () => {
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
  migrationSuite('postgres', async () => {
    const database = await createTestDatabase(POSTGRES_URL!);
    return {
      dialect: () => openPostgres(database.url, 2),
      url: database.url,
      cleanup: () => database.drop(),
    };
  });
});

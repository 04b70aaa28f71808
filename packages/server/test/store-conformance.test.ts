import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTessera } from '../src/index';
import { DatabaseError, type Dialect, openDatabase, prepareSchema } from '../src/store/database';
import type { DatabaseLocation } from '../src/store/dialects/dialect';
import { purgeExpired } from '../src/store/housekeeping';
import * as idempotency from '../src/store/idempotency-store';
import * as instance from '../src/store/instance-store';
import type { SessionTable, TicketTable, UserTable } from '../src/store/schema';
import * as sessions from '../src/store/sessions-store';
import * as tickets from '../src/store/tickets-store';
import * as users from '../src/store/users-store';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from './support/postgres';
import * as rows from './support/rows';

// Far-future millisecond timestamps: they need 64-bit columns and must read back as numbers.
const T0 = 4_102_444_800_000;
let sequence = 0;
const id = (prefix: string) => `${prefix}_${String(++sequence).padStart(27, '0')}`;

const userRow = (overrides: Partial<UserTable> = {}) => rows.userRow(id('user'), T0, overrides);
const ticketRow = (userId: string, overrides: Partial<TicketTable> = {}) =>
  rows.ticketRow(id('tst'), userId, T0, overrides);

function sessionRow(userId: string, overrides: Partial<SessionTable> = {}): SessionTable {
  return {
    id: id('sess'),
    client_id: id('client'),
    user_id: userId,
    status: 'active',
    actor: null,
    ticket_id: null,
    authorized_party: null,
    refresh_token_hash: null,
    last_active_organization_id: null,
    claims: null,
    last_active_at: T0,
    expire_at: T0 + 1_800_000,
    abandon_at: T0 + 1_800_000,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  };
}

interface Target {
  readonly location: DatabaseLocation;
  readonly url: string;
  cleanup(): Promise<void>;
}

function storeConformance(name: string, prepare: () => Promise<Target>) {
  describe(`store conformance: ${name}`, () => {
    let target: Target;
    let dialect: Dialect;

    beforeAll(async () => {
      target = await prepare();
      dialect = await openDatabase(target.location);
    });

    afterAll(async () => {
      await dialect?.close();
      await target?.cleanup();
    });

    it('migrates idempotently: opening an up-to-date database again changes nothing', async () => {
      const again = await openDatabase(target.location);
      await again.close();
    });

    it('keeps the instance and publishes current and recently retired signing keys', async () => {
      await instance.insertInstance(dialect.db, {
        id: 'ins_1',
        environment: 'development',
        secret_key_hash: 'a',
        created_at: T0,
        session_claims: null,
        session_claims_updated_at: null,
      });
      await instance.setSecretKeyHash(dialect.db, 'ins_1', 'b');
      expect(await instance.findInstance(dialect.db)).toEqual({
        id: 'ins_1',
        environment: 'development',
        secret_key_hash: 'b',
        created_at: T0,
        session_claims: null,
        session_claims_updated_at: null,
      });
      const key = (kid: string, createdAt: number) => ({
        kid,
        private_key_pem: 'pem',
        public_jwk: '{}',
        created_at: createdAt,
        retired_at: null,
      });
      await instance.insertSigningKey(dialect.db, key('kid_old', T0));
      await instance.insertSigningKey(dialect.db, key('kid_new', T0 + 1));
      await instance.retireSigningKeys(dialect.db, 'kid_new', T0 + 10);
      const published = await instance.listPublishedSigningKeys(dialect.db, T0);
      expect(published.map((row) => [row.kid, row.retired_at])).toEqual([
        ['kid_new', null],
        ['kid_old', T0 + 10],
      ]);
      expect((await instance.listPublishedSigningKeys(dialect.db, T0 + 10)).map((row) => row.kid)).toEqual([
        'kid_new',
      ]);
      // Leave the database without an instance, for the server started further down.
      await dialect.db.deleteFrom('signing_keys').execute();
      await dialect.db.deleteFrom('instance').execute();
    });

    it('stores users with their email addresses and finds them by any identifier', async () => {
      const user = userRow({ username: 'Conf.User', first_name: 'Ada', public_metadata: '{"plan":"pro"}' });
      const email = { id: id('idn'), user_id: user.id, email_address: 'ada@example.com', created_at: T0 };
      await users.insertUser(dialect.db, user, [email]);
      expect(await users.findUserById(dialect.db, user.id)).toEqual({ ...user, emails: [email] });
      expect(await users.findUserIdByIdentifier(dialect.db, 'ADA@example.com')).toBe(user.id);
      expect(await users.findUserIdByIdentifier(dialect.db, 'Conf.User')).toBe(user.id);
      expect(await users.findUserIdByIdentifier(dialect.db, 'nobody')).toBeUndefined();
      expect(
        await users.findTakenIdentifiers(dialect.db, { emails: ['ada@example.com'], username: null }),
      ).toEqual({
        email: 'ada@example.com',
      });
      expect(
        await users.findTakenIdentifiers(dialect.db, { emails: [], username: 'Conf.User' }, user.id),
      ).toEqual({});
    });

    it('lets the unique indexes refuse duplicate identifiers, recognised by the dialect', async () => {
      const first = userRow({ username: 'unique-name' });
      await users.insertUser(dialect.db, first, []);
      const error = await users
        .insertUser(dialect.db, userRow({ username: 'unique-name' }), [])
        .catch((e: unknown) => e);
      expect(dialect.isUniqueViolation(error)).toBe(true);
      expect(dialect.isUnavailable(error)).toBe(false);
    });

    it('filters, searches, orders, pages and counts users', async () => {
      const tag = `f${++sequence}`;
      const made: UserTable[] = [];
      for (let i = 0; i < 5; i++) {
        const user = userRow({
          external_id: `${tag}-${i}`,
          last_name: i === 2 ? `100%_${tag}` : `Plain${tag}`,
          created_at: T0 + i,
        });
        await users.insertUser(dialect.db, user, [
          { id: id('idn'), user_id: user.id, email_address: `${tag}-${i}@example.com`, created_at: T0 },
        ]);
        made.push(user);
      }
      const ids = (records: readonly { id: string }[]) => records.map((record) => record.id);
      const byTag = { query: tag };
      expect(ids(await users.listUsers(dialect.db, byTag, {}))).toEqual(ids([...made].reverse()));
      expect(
        ids(await users.listUsers(dialect.db, byTag, { order_by: '+created_at', limit: 2, offset: 1 })),
      ).toEqual(ids(made.slice(1, 3)));
      expect(await users.countUsers(dialect.db, byTag)).toBe(5);
      // % and _ in a query are literal characters, not wildcards.
      expect(ids(await users.listUsers(dialect.db, { query: `100%_${tag}`.toUpperCase() }, {}))).toEqual([
        made[2]!.id,
      ]);
      expect(
        ids(
          await users.listUsers(
            dialect.db,
            { email_address: [`${tag}-0@example.com`, `${tag}-4@EXAMPLE.com`] },
            {},
          ),
        ),
      ).toEqual([made[4]!.id, made[0]!.id]);
      expect(
        ids(await users.listUsers(dialect.db, { external_id: [`${tag}-3`], user_id: [made[3]!.id] }, {})),
      ).toEqual([made[3]!.id]);
      expect(await users.countUsers(dialect.db, { external_id: [`${tag}-3`], user_id: [made[1]!.id] })).toBe(
        0,
      );
    });

    it('updates and deletes users with their email addresses', async () => {
      const user = userRow();
      await users.insertUser(dialect.db, user, [
        { id: id('idn'), user_id: user.id, email_address: `del${sequence}@example.com`, created_at: T0 },
      ]);
      await users.updateUser(dialect.db, user.id, { first_name: 'New', banned: 1, updated_at: T0 + 5 });
      expect(await users.findUserById(dialect.db, user.id)).toMatchObject({
        first_name: 'New',
        banned: 1,
        updated_at: T0 + 5,
      });
      await users.deleteUser(dialect.db, user.id);
      expect(await users.findUserById(dialect.db, user.id)).toBeUndefined();
      expect(await users.findUserIdByIdentifier(dialect.db, `del${sequence}@example.com`)).toBeUndefined();
    });

    it('issues a ticket only to a user who exists and is not banned, in one statement', async () => {
      const active = userRow();
      const banned = userRow({ banned: 1 });
      await users.insertUser(dialect.db, active, []);
      await users.insertUser(dialect.db, banned, []);
      const issued = ticketRow(active.id, { redirect_url: 'https://app.example/after' });
      expect(await tickets.insertTicketForActiveUser(dialect.db, issued, [])).toBe(true);
      expect(await tickets.findTicketForAcceptance(dialect.db, issued.id)).toEqual(issued);
      for (const userId of [banned.id, 'user_missing']) {
        const refused = ticketRow(userId);
        expect(await tickets.insertTicketForActiveUser(dialect.db, refused, [])).toBe(false);
        expect(await tickets.findTicketForAcceptance(dialect.db, refused.id)).toBeUndefined();
      }
    });

    if (name === 'postgres') {
      it('makes a token for a user wait for a ban in flight, and then refuses it', async () => {
        const user = userRow();
        await users.insertUser(dialect.db, user, []);
        const ban = await dialect.db.startTransaction().execute();
        await ban.updateTable('users').set({ banned: 1 }).where('id', '=', user.id).execute();
        let settled = false;
        const issued = tickets.insertTicketForActiveUser(dialect.db, ticketRow(user.id), []).finally(() => {
          settled = true;
        });
        // Wait until the insert is seen waiting for the ban's row lock. Without the lock it would read
        // the committed, unbanned row and insert, never waiting.
        await vi.waitFor(
          async () => {
            const { rows } = await sql<{
              waiting: number;
            }>`select count(*)::int as waiting from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock'`.execute(dialect.db);
            expect(settled).toBe(false);
            expect(rows[0]?.waiting).toBe(1);
          },
          { timeout: 15_000, interval: 20 },
        );
        await ban.commit().execute();
        expect(await issued).toBe(false);
      });
    }

    it('accepts a ticket exactly once, even when 20 acceptances race', async () => {
      const ticket = ticketRow('user_x');
      await tickets.insertTicket(dialect.db, ticket);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          dialect.db
            .transaction()
            .execute((trx) => tickets.markTicketAccepted(trx, ticket.id, `sess_${i}`, T0 + 1)),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const stored = await tickets.findTicketForAcceptance(dialect.db, ticket.id);
      expect(stored?.status).toBe('accepted');
      expect(stored?.session_id).toBe(`sess_${results.indexOf(true)}`);
      expect(await tickets.revokeTicket(dialect.db, 'test_session_token', ticket.id, T0 + 2)).toBe(false);
    });

    it('refuses to accept an expired ticket and revokes only pending ones', async () => {
      const expired = ticketRow('user_y', { expires_at: T0 });
      await tickets.insertTicket(dialect.db, expired);
      expect(await tickets.markTicketAccepted(dialect.db, expired.id, 'sess_1', T0)).toBe(false);
      expect(await tickets.revokeTicket(dialect.db, 'other_kind', expired.id, T0 + 1)).toBe(false);
      expect(await tickets.revokeTicket(dialect.db, 'test_session_token', expired.id, T0 + 1)).toBe(true);
      expect(await tickets.findTicketById(dialect.db, 'test_session_token', expired.id)).toMatchObject({
        status: 'revoked',
      });
      expect(await tickets.findTicketById(dialect.db, 'other_kind', expired.id)).toBeUndefined();
    });

    it('lists tickets by kind, user and status with a total, and revokes a user’s pending tickets', async () => {
      const userId = id('user');
      const rows = [
        ticketRow(userId, { created_at: T0 + 1 }),
        ticketRow(userId, { created_at: T0 + 2 }),
        ticketRow(userId, { status: 'revoked' }),
      ];
      for (const row of rows) await tickets.insertTicket(dialect.db, row);
      const pending = await tickets.listTickets(
        dialect.db,
        'test_session_token',
        { user_id: userId, status: 'pending' },
        { limit: 1 },
      );
      expect(pending.totalCount).toBe(2);
      expect(pending.rows.map((row) => row.id)).toEqual([rows[1]!.id]);
      const revoked = await tickets.revokeUserTickets(dialect.db, userId, T0 + 3);
      expect(revoked.map((row) => row.id).sort()).toEqual([rows[0]!.id, rows[1]!.id].sort());
      const all = await tickets.listTickets(dialect.db, 'test_session_token', { user_id: userId }, {});
      expect(all.rows.map((row) => row.status)).toEqual(['revoked', 'revoked', 'revoked']);
    });

    it('tells active from expired sessions by time and ends a session only while active', async () => {
      const userId = id('user');
      const live = sessionRow(userId, { created_at: T0 + 1 });
      const old = sessionRow(userId, { expire_at: T0 + 10 });
      await sessions.insertSession(dialect.db, live);
      await sessions.insertSession(dialect.db, old);
      const at = T0 + 100;
      const active = await sessions.listSessions(dialect.db, { user_id: userId, status: 'active' }, {}, at);
      const expired = await sessions.listSessions(dialect.db, { user_id: userId, status: 'expired' }, {}, at);
      expect([active.rows.map((row) => row.id), active.totalCount]).toEqual([[live.id], 1]);
      expect(expired.rows.map((row) => row.id)).toEqual([old.id]);
      expect(await sessions.endSession(dialect.db, old.id, 'revoked', at)).toBe(false);
      expect(await sessions.endSession(dialect.db, live.id, 'ended', at)).toBe(true);
      expect(await sessions.endSession(dialect.db, live.id, 'revoked', at)).toBe(false);
      await sessions.touchSession(dialect.db, live.id, at);
      expect(await sessions.findSessionById(dialect.db, live.id)).toMatchObject({
        status: 'ended',
        last_active_at: at,
      });
      const other = sessionRow(userId);
      await sessions.insertSession(dialect.db, other);
      await sessions.revokeUserSessions(dialect.db, userId, at);
      expect((await sessions.findSessionById(dialect.db, other.id))?.status).toBe('revoked');
    });

    it('reserves an idempotency key once under concurrency, completes, releases and purges', async () => {
      const row = { key_hash: `key-${++sequence}`, request_hash: 'r', created_at: T0, expires_at: T0 + 1000 };
      const reserved = await Promise.all(
        Array.from({ length: 10 }, () => idempotency.reserveIdempotencyKey(dialect.db, row)),
      );
      expect(reserved.filter(Boolean)).toHaveLength(1);
      await idempotency.completeIdempotencyKey(dialect.db, row.key_hash, 200, 'sealed');
      expect(await idempotency.findIdempotencyKey(dialect.db, row.key_hash)).toEqual({
        ...row,
        response_status: 200,
        response_sealed: 'sealed',
      });
      await idempotency.releaseIdempotencyKey(dialect.db, row.key_hash);
      expect(await idempotency.reserveIdempotencyKey(dialect.db, row)).toBe(true);
      await idempotency.purgeExpiredIdempotencyKeys(dialect.db, T0 + 1000);
      expect(await idempotency.findIdempotencyKey(dialect.db, row.key_hash)).toBeUndefined();
    });

    it('refuses to open a database whose schema is newer than this code', async () => {
      await sql`insert into kysely_migration (name, timestamp) values ('9999-from-the-future', 'now')`.execute(
        dialect.db,
      );
      try {
        const error = await prepareSchema(dialect.db).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatabaseError);
        expect((error as Error).message).toContain('newer than this tessera');
        expect((error as Error).message).toContain('9999-from-the-future');
      } finally {
        await sql`delete from kysely_migration where name = '9999-from-the-future'`.execute(dialect.db);
      }
    });

    it('purges expired idempotency replies and handoffs, and nothing else', async () => {
      const key = (hash: string, expires: number) => ({
        key_hash: hash,
        request_hash: 'r',
        created_at: T0,
        expires_at: expires,
      });
      await idempotency.reserveIdempotencyKey(dialect.db, key('purge-old', T0 + 10));
      await idempotency.reserveIdempotencyKey(dialect.db, key('purge-live', T0 + 1000));
      const handoff = (hash: string, expires: number) => ({
        handoff_hash: hash,
        session_id: 'sess_x',
        created_at: T0,
        expires_at: expires,
        redeemed_at: null,
      });
      await dialect.db
        .insertInto('session_handoffs')
        .values([handoff('h-old', T0 + 10), handoff('h-live', T0 + 1000)])
        .execute();
      await dialect.db
        .insertInto('legacy_ticket_hashes')
        .values([
          { token_hash: 'l-old', ticket_id: 'tst_old', expires_at: T0 + 10 },
          { token_hash: 'l-live', ticket_id: 'tst_live', expires_at: T0 + 1000 },
        ])
        .execute();
      await purgeExpired(dialect.db, T0 + 500);
      expect(await idempotency.findIdempotencyKey(dialect.db, 'purge-old')).toBeUndefined();
      expect(await idempotency.findIdempotencyKey(dialect.db, 'purge-live')).toBeDefined();
      const left = await dialect.db.selectFrom('session_handoffs').select('handoff_hash').execute();
      expect(left.map((row) => row.handoff_hash)).toEqual(['h-live']);
      const legacy = await dialect.db.selectFrom('legacy_ticket_hashes').select('token_hash').execute();
      expect(legacy.map((row) => row.token_hash)).toEqual(['l-live']);
    });

    it('runs exclusive sections one at a time', async () => {
      const events: string[] = [];
      await Promise.all(
        [1, 2, 3].map((n) =>
          dialect.exclusive(async (trx) => {
            events.push(`start ${n}`);
            await instance.findInstance(trx);
            await new Promise((resolve) => setTimeout(resolve, 20));
            events.push(`end ${n}`);
          }),
        ),
      );
      for (let i = 0; i < events.length; i += 2) {
        expect(events[i + 1]).toBe(events[i]!.replace('start', 'end'));
      }
    });

    it('serves the whole flow through the server: one session per ticket under 30 racing accepts', async () => {
      const tessera = await startTessera({ databaseUrl: target.url, log: () => {} });
      try {
        const headers = { authorization: `Bearer ${tessera.secretKey}`, 'content-type': 'application/json' };
        const call = async (method: string, pathAndQuery: string, body?: unknown) => {
          const [path = '', query = ''] = pathAndQuery.split('?');
          const response = await tessera.app.handle({
            method,
            path,
            query: new URLSearchParams(query),
            headers,
            body: Buffer.from(body === undefined ? '' : JSON.stringify(body)),
          });
          return { status: response.status, json: JSON.parse(response.body) as Record<string, unknown> };
        };
        const user = await call('POST', '/v1/users', { email_address: [`flow${++sequence}@example.com`] });
        const token = await call('POST', '/v1/test_session_tokens', { user_id: user.json.id });
        const accepts = await Promise.all(
          Array.from({ length: 30 }, () => call('POST', '/v1/tickets/accept', { ticket: token.json.token })),
        );
        expect(accepts.filter((reply) => reply.status === 200)).toHaveLength(1);
        const refused = accepts.filter((reply) => reply.status !== 200);
        expect(new Set(refused.map((reply) => (reply.json.errors as { code: string }[])[0]?.code))).toEqual(
          new Set(['ticket_already_used']),
        );
        // Values no ticket could have are simply unknown.
        const secret = String(token.json.token).split('.')[1];
        for (const forged of [
          `${'x'.repeat(400)}.${secret}`,
          `tst_${'é'.repeat(27)}.${secret}`,
          `${user.json.id}.${secret}`,
          '\ud800'.repeat(43),
        ]) {
          const reply = await call('POST', '/v1/tickets/accept', { ticket: forged });
          expect(reply.status, JSON.stringify(forged)).toBe(404);
          expect((reply.json.errors as { code: string }[])[0]?.code).toBe('ticket_not_found');
        }
        // Postgres cannot store U+0000 in text: every dialect refuses it as bad input, naming the field.
        for (const [method, path, body, field] of [
          ['POST', '/v1/tickets/accept', { ticket: `tst_${'\u0000'.repeat(27)}.${secret}` }, 'ticket'],
          ['POST', '/v1/users', { first_name: 'a\u0000b' }, 'first_name'],
          ['POST', '/v1/users', { email_address: ['a\u0000b@example.com'] }, 'email_address[0]'],
          ['POST', '/v1/test_session_tokens', { identifier: 'a\u0000b' }, 'identifier'],
          ['GET', '/v1/users?query=a%00b', undefined, 'query'],
        ] as const) {
          const reply = await call(method, path, body);
          expect(reply.status, `${method} ${path}`).toBe(422);
          expect((reply.json.errors as { meta: { param_name: string } }[])[0]?.meta.param_name).toBe(field);
        }
      } finally {
        await tessera.close();
      }
    });
  });
}

storeConformance('sqlite :memory:', async () => ({
  location: { kind: 'sqlite', path: ':memory:' },
  url: ':memory:',
  cleanup: async () => {},
}));

storeConformance('sqlite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-store-'));
  const path = join(dir, 'tessera.db');
  return {
    location: { kind: 'sqlite', path },
    url: `file:${path}`,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

if (!POSTGRES_URL) console.warn('store conformance: postgres SKIPPED (TESSERA_TEST_POSTGRES_URL is not set)');
describe.skipIf(!POSTGRES_URL)('postgres (needs TESSERA_TEST_POSTGRES_URL)', () => {
  storeConformance('postgres', async () => {
    const database: TestDatabase = await createTestDatabase(POSTGRES_URL!);
    return {
      location: { kind: 'postgres', url: database.url, poolSize: 10 },
      url: database.url,
      cleanup: () => database.drop(),
    };
  });
});

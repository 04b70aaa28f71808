import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dialect, openDatabase } from '../src/store/database';
import type { AuditEventTable, SessionTable, TicketTable, UserTable } from '../src/store/schema';
import { acceptPendingTicketAtOnce } from '../src/store/ticket-acceptance-postgres';
import { createTestDatabase, POSTGRES_URL, type TestDatabase } from './support/postgres';
import * as rows from './support/rows';

// The acceptance in one statement (Postgres only): everything written when the ticket is pending and
// unexpired and its user active (and a member of the ticket's organization), nothing otherwise.

const T0 = 4_102_444_800_000;
let sequence = 0;
const id = (prefix: string) => `${prefix}_${String(++sequence).padStart(27, '0')}`;

function sessionFor(ticket: TicketTable): SessionTable {
  return {
    id: id('sess'),
    client_id: id('client'),
    user_id: ticket.user_id,
    status: 'active',
    actor: JSON.stringify({ sub: ticket.id, type: 'test_session_token' }),
    ticket_id: ticket.id,
    authorized_party: null,
    refresh_token_hash: null,
    last_active_organization_id: ticket.organization_id,
    claims: null,
    last_active_at: T0,
    expire_at: T0 + 1_800_000,
    abandon_at: T0 + 1_800_000,
    created_at: T0,
    updated_at: T0,
  };
}

function eventsFor(ticket: TicketTable, session: SessionTable): AuditEventTable[] {
  return ['ticket.accepted', 'session.started'].map((type) => ({
    id: id('evt'),
    type,
    actor: '{"type":"ticket_holder","id":null,"name":null}',
    user_id: ticket.user_id,
    ticket_id: ticket.id,
    ticket_kind: ticket.kind,
    session_id: session.id,
    agent_name: null,
    task_description: null,
    reason: null,
    ip: '127.0.0.1',
    user_agent: 'test',
    data: null,
    created_at: T0,
  }));
}

if (!POSTGRES_URL)
  console.warn('acceptance in one statement: postgres SKIPPED (TESSERA_TEST_POSTGRES_URL is not set)');
describe.skipIf(!POSTGRES_URL)('accepting a ticket in one statement (Postgres)', () => {
  let database: TestDatabase;
  let dialect: Dialect;

  beforeAll(async () => {
    database = await createTestDatabase(POSTGRES_URL!);
    dialect = await openDatabase({ kind: 'postgres', url: database.url, poolSize: 4 });
  });
  afterAll(async () => {
    await dialect?.close();
    await database?.drop();
  });

  async function issued(user: Partial<UserTable> = {}, ticket: Partial<TicketTable> = {}) {
    const userRow = rows.userRow(id('user'), T0 - 1000, user);
    await dialect.db.insertInto('users').values(userRow).execute();
    const ticketRow = rows.ticketRow(id('tst'), userRow.id, T0 - 1000, ticket);
    await dialect.db.insertInto('tickets').values(ticketRow).execute();
    return ticketRow;
  }

  function accept(ticket: TicketTable, now = T0) {
    const session = sessionFor(ticket);
    const accepted = acceptPendingTicketAtOnce(dialect.db, {
      ticketId: ticket.id,
      userId: ticket.user_id,
      organizationId: ticket.organization_id,
      session,
      events: eventsFor(ticket, session),
      now,
    });
    return { session, accepted };
  }

  async function writtenFor(ticket: TicketTable) {
    const db = dialect.db;
    return {
      ticket: await db
        .selectFrom('tickets')
        .selectAll()
        .where('id', '=', ticket.id)
        .executeTakeFirstOrThrow(),
      sessions: await db.selectFrom('sessions').selectAll().where('ticket_id', '=', ticket.id).execute(),
      events: await db.selectFrom('audit_events').selectAll().where('ticket_id', '=', ticket.id).execute(),
      user: await db.selectFrom('users').selectAll().where('id', '=', ticket.user_id).executeTakeFirst(),
    };
  }

  it('writes the session, the accepted ticket, the sign-in and both events, as given', async () => {
    const ticket = await issued();
    const { session, accepted } = accept(ticket);
    expect(await accepted).toBe(true);
    const written = await writtenFor(ticket);
    expect(written.ticket).toMatchObject({ status: 'accepted', session_id: session.id, updated_at: T0 });
    expect(written.sessions).toEqual([session]);
    expect(written.events.map((event) => event.type).sort()).toEqual(['session.started', 'ticket.accepted']);
    expect(written.events[0]).toMatchObject({ session_id: session.id, ip: '127.0.0.1', user_agent: 'test' });
    expect(written.user).toMatchObject({ last_sign_in_at: T0, last_active_at: T0 });
  });

  it.each([
    ['used', {}, { status: 'accepted' }],
    ['revoked', {}, { status: 'revoked' }],
    ['expired', {}, { expires_at: T0 }],
    ['for a banned user', { banned: 1 }, {}],
    ['for a locked user', { locked: 1 }, {}],
    ['into an organization the user is not a member of', {}, { organization_id: 'org_none' }],
  ] as const)('writes nothing for a ticket %s', async (_why, user, overrides) => {
    const ticket = await issued(user, overrides as Partial<TicketTable>);
    expect(await accept(ticket).accepted).toBe(false);
    const written = await writtenFor(ticket);
    expect(written.ticket).toEqual(ticket);
    expect(written.sessions).toEqual([]);
    expect(written.events).toEqual([]);
    expect(written.user).toMatchObject({ last_sign_in_at: null });
  });

  it('writes nothing for a user who is gone', async () => {
    const ticket = await issued();
    await dialect.db.deleteFrom('users').where('id', '=', ticket.user_id).execute();
    expect(await accept(ticket).accepted).toBe(false);
    const written = await writtenFor(ticket);
    expect([written.ticket.status, written.sessions, written.events]).toEqual(['pending', [], []]);
  });

  it('accepts a ticket into an organization its user is a member of', async () => {
    const ticket = await issued({}, { organization_id: id('org') });
    await dialect.db
      .insertInto('organization_memberships')
      .values({
        id: id('orgmem'),
        organization_id: ticket.organization_id!,
        user_id: ticket.user_id,
        role_id: 'role_member',
        public_metadata: '{}',
        private_metadata: '{}',
        created_at: T0,
        updated_at: T0,
      })
      .execute();
    expect(await accept(ticket).accepted).toBe(true);
  });

  it('accepts a ticket once when ten acceptances race, with one session and two events', async () => {
    const ticket = await issued();
    const attempts = Array.from({ length: 10 }, () => accept(ticket).accepted);
    expect((await Promise.all(attempts)).filter(Boolean)).toHaveLength(1);
    const written = await writtenFor(ticket);
    expect(written.sessions).toHaveLength(1);
    expect(written.events).toHaveLength(2);
    expect(written.ticket.session_id).toBe(written.sessions[0]!.id);
  });
});

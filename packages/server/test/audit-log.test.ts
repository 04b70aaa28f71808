import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHousekeeping } from '../src/instance/housekeeping';
import { onEveryDatabase, type StartServer } from './support/every-database';
import { expectError, type Json, type TestServer } from './support/tessera';

const APP = 'https://app.example.com';
const DAY_MS = 86_400_000;

async function events(server: TestServer, query: string): Promise<Json[]> {
  const reply = await server.get(`/v1/audit_events?order_by=%2Bcreated_at&limit=500&${query}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

const typesOf = (list: Json[]) => list.map((event) => event.type);

/** Makes every insert into audit_events fail: a failure after the change, inside its transaction. */
async function breakTheLog(server: TestServer, postgres: boolean): Promise<() => Promise<void>> {
  const db = server.tessera.context.db;
  if (postgres) {
    await sql`create function refuse_event() returns trigger language plpgsql as
      $$ begin raise exception 'injected failure'; end $$`.execute(db);
    await sql`create trigger refuse_event before insert on audit_events
      for each row execute function refuse_event()`.execute(db);
    return async () => {
      await sql`drop trigger refuse_event on audit_events`.execute(db);
      await sql`drop function refuse_event()`.execute(db);
    };
  }
  await sql`create trigger refuse_event before insert on audit_events
    begin select raise(abort, 'injected failure'); end`.execute(db);
  return async () => {
    await sql`drop trigger refuse_event`.execute(db);
  };
}

function auditSuite(database: string, start: StartServer) {
  describe(`the audit log on ${database}`, () => {
    let server: TestServer;

    beforeAll(async () => {
      server = await start({ allowedRedirectOrigins: [APP] });
    });
    afterAll(() => server.close());

    it('records a ban, an unban and a deletion, with the sessions and tickets that went with them', async () => {
      const user = await server.createUser({ username: `ban-${database}` });
      const { session } = await server.accept((await server.createToken({ user_id: user.id })).token);
      expect((await server.post(`/v1/users/${user.id}/ban`)).status).toBe(200);
      expect((await server.post(`/v1/users/${user.id}/unban`)).status).toBe(200);
      const pending = await server.createToken({ user_id: user.id });
      expect((await server.del(`/v1/users/${user.id}`)).status).toBe(200);
      const list = await events(server, `user_id=${user.id}`);
      expect(typesOf(list)).toEqual([
        'user.created',
        'ticket.issued',
        'ticket.accepted',
        'session.started',
        'user.banned',
        'user.unbanned',
        'ticket.issued',
        'ticket.revoked',
        'user.deleted',
      ]);
      expect(list[0]).toMatchObject({ actor: { type: 'secret_key' }, data: null });
      list.shift();
      expect(list[3]).toMatchObject({
        actor: { type: 'secret_key' },
        data: { revoked_session_ids: [session.id] },
      });
      expect(list[6]).toMatchObject({
        ticket_id: pending.id,
        reason: 'user_deleted',
        actor: { type: 'secret_key' },
      });
      expect(list[7].data).toEqual({ revoked_session_ids: [], revoked_ticket_ids: [pending.id] });
    });

    it('records a session revoked, a session ended, and a JWT refused for a session no longer active', async () => {
      const user = await server.createUser({ username: `sessions-${database}` });
      const first = (await server.accept((await server.createToken({ user_id: user.id })).token)).session;
      const second = (await server.accept((await server.createToken({ user_id: user.id })).token)).session;
      expect((await server.post(`/v1/sessions/${first.id}/revoke`)).status).toBe(200);
      expect((await server.post(`/v1/sessions/${second.id}/end`)).status).toBe(200);
      expectError(await server.post(`/v1/sessions/${first.id}/tokens`, {}), 400, 'session_not_active');
      expect(typesOf(await events(server, `session_id=${first.id}`))).toEqual([
        'ticket.accepted',
        'session.started',
        'session.revoked',
        'session.refresh_refused',
      ]);
      const [refused] = await events(server, `session_id=${first.id}&type=session.refresh_refused`);
      expect(refused).toMatchObject({ reason: 'session_not_active', data: { session_status: 'revoked' } });
      expect(typesOf(await events(server, `session_id=${second.id}`))).toEqual([
        'ticket.accepted',
        'session.started',
        'session.ended',
      ]);
    });

    it('records a key rotation and a testing token, by the CLI when its User-Agent says so', async () => {
      const rotated = await server.post('/v1/jwks/rotate', undefined, {
        headers: { 'user-agent': 'tessera-cli/0.1.0' },
      });
      expect(rotated.status).toBe(200);
      const [rotation] = (await events(server, 'type=signing_key.rotated')).slice(-1);
      expect(rotation).toMatchObject({ actor: { type: 'cli', id: null, name: null } });
      expect(rotated.body.keys.map((key: Json) => key.kid)).toContain(rotation.data.kid);
      const testing = await server.post('/v1/testing_tokens');
      expect(testing.status, testing.text).toBe(200);
      expect(testing.body).toEqual({
        object: 'testing_token',
        token: expect.any(String),
        expires_at: server.clock.t + 3_600_000,
      });
      const [issued] = (await events(server, 'type=testing_token.issued')).slice(-1);
      expect(issued).toMatchObject({
        actor: { type: 'secret_key' },
        data: { expires_at: testing.body.expires_at },
      });
    });

    it('filters by user, type, ticket, session and time, and pages with a total', async () => {
      const user = await server.createUser({ username: `filters-${database}` });
      const from = server.clock.t;
      const tokens = [];
      for (let i = 0; i < 5; i++) {
        server.clock.advance(1000);
        tokens.push(await server.createToken({ user_id: user.id }));
      }
      const page = await server.get(
        `/v1/audit_events?paginated=true&user_id=${user.id}&type=ticket.issued&limit=2&offset=1`,
      );
      expect(page.body.total_count).toBe(5);
      expect(page.body.data.map((event: Json) => event.ticket_id)).toEqual([tokens[3].id, tokens[2].id]);
      const window = await events(
        server,
        `user_id=${user.id}&created_after=${from + 1000}&created_before=${from + 4000}`,
      );
      expect(window.map((event) => event.ticket_id)).toEqual([tokens[1].id, tokens[2].id]);
      expect(typesOf(await events(server, `ticket_id=${tokens[4].id}`))).toEqual(['ticket.issued']);
      expectError(
        await server.get('/v1/audit_events?type=ticket.stolen'),
        422,
        'form_param_value_invalid',
        'type',
      );
      expectError(
        await server.get('/v1/audit_events?user_id=nope'),
        422,
        'form_param_value_invalid',
        'user_id',
      );
    });

    it('holds no secret: no ticket value, JWT, refresh token or key appears in any event', async () => {
      const user = await server.createUser({ email_address: [`secrets-${database}@example.com`] });
      const secrets: string[] = [server.secretKey];
      const token = await server.createToken({ user_id: user.id, redirect_url: `${APP}/x` });
      const agent = await server.post('/v1/agents/tasks', {
        on_behalf_of: { user_id: user.id },
        permissions: '*',
        agent_name: 'scanner',
        task_description: 'Look around',
        redirect_url: `${APP}/y`,
      });
      const actor = await server.post('/v1/actor_tokens', { user_id: user.id, actor: { sub: 'admin_1' } });
      secrets.push(token.token, agent.body.token, actor.body.token);
      for (const value of [token.token, agent.body.token]) {
        const accepted = await server.accept(value);
        secrets.push(accepted.jwt);
      }
      // A refused acceptance: the ticket presented again.
      expectError(
        await server.post('/v1/tickets/accept', { ticket: token.token }, { auth: false }),
        409,
        'ticket_already_used',
      );
      const all = JSON.stringify(await events(server, ''));
      expect(all).toContain('ticket_already_used');
      for (const secret of secrets) {
        expect(all).not.toContain(secret);
        // Nor its secret half alone.
        expect(all).not.toContain(secret.split('.').pop());
      }
    });

    it('records no refusal for a value that is not the ticket’s: knowing an id writes nothing', async () => {
      const user = await server.createUser({ username: `forger-${database}` });
      const token = await server.createToken({ user_id: user.id });
      const forged = `${token.id}.${'A'.repeat(43)}`;
      for (let i = 0; i < 3; i++) {
        expectError(
          await server.post('/v1/tickets/accept', { ticket: forged }, { auth: false }),
          404,
          'ticket_not_found',
        );
      }
      expect(typesOf(await events(server, `ticket_id=${token.id}`))).toEqual(['ticket.issued']);
    });

    it('answers a refusal as a refusal even when it cannot be recorded', async () => {
      const user = await server.createUser({ username: `unrecorded-${database}` });
      const token = await server.createToken({ user_id: user.id });
      const { session } = await server.accept(token.token);
      expect((await server.post(`/v1/sessions/${session.id}/revoke`)).status).toBe(200);
      const repair = await breakTheLog(server, database === 'postgres');
      try {
        expectError(
          await server.post('/v1/tickets/accept', { ticket: token.token }, { auth: false }),
          409,
          'ticket_already_used',
        );
        expectError(await server.post(`/v1/sessions/${session.id}/tokens`, {}), 400, 'session_not_active');
      } finally {
        await repair();
      }
    });

    it('keeps neither the change nor its event when writing the event fails', async () => {
      const user = await server.createUser({ username: `atomic-${database}` });
      const pending = await server.createToken({ user_id: user.id });
      const before = {
        tickets: (await server.get(`/v1/test_session_tokens?paginated=true&user_id=${user.id}`)).body
          .total_count,
        events: (await events(server, `user_id=${user.id}`)).length,
      };
      const repair = await breakTheLog(server, database === 'postgres');
      try {
        expect((await server.post('/v1/test_session_tokens', { user_id: user.id })).status).toBe(500);
        expect((await server.post(`/v1/test_session_tokens/${pending.id}/revoke`)).status).toBe(500);
        expect(
          (await server.post('/v1/tickets/accept', { ticket: pending.token }, { auth: false })).status,
        ).toBe(500);
        expect((await server.post(`/v1/users/${user.id}/ban`)).status).toBe(500);
      } finally {
        await repair();
      }
      expect(
        (await server.get(`/v1/test_session_tokens?paginated=true&user_id=${user.id}`)).body.total_count,
      ).toBe(before.tickets);
      expect((await server.get(`/v1/test_session_tokens/${pending.id}`)).body.status).toBe('pending');
      expect((await server.get(`/v1/sessions?paginated=true&user_id=${user.id}`)).body.total_count).toBe(0);
      expect((await server.get(`/v1/users/${user.id}`)).body.banned).toBe(false);
      expect((await events(server, `user_id=${user.id}`)).length).toBe(before.events);
      // And once the log works again, so does everything else.
      expect((await server.accept(pending.token)).session.user_id).toBe(user.id);
    });

    it('deletes events past their retention, and only those', async () => {
      const user = await server.createUser({ username: `retention-${database}` });
      const old = await server.createToken({ user_id: user.id });
      server.clock.advance(10 * DAY_MS);
      const recent = await server.createToken({ user_id: user.id });
      await runHousekeeping(server.tessera.context.db, server.clock.now(), { auditRetentionDays: 5 });
      const left = await events(server, `user_id=${user.id}`);
      // The old ticket's issue is past retention; its expiry was recorded just now.
      expect(left.map((event) => [event.type, event.ticket_id])).toEqual([
        ['ticket.issued', recent.id],
        ['ticket.expired', old.id],
      ]);
      expect(left.every((event) => event.created_at >= server.clock.t - 5 * DAY_MS)).toBe(true);
    });
  });
}

onEveryDatabase('audit log', auditSuite);

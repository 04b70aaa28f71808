import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTicketExpiries } from '../src/instance/housekeeping';
import { onEveryDatabase, type StartServer } from './support/every-database';
import { expectError, type Json, newSecretKey, type TestServer } from './support/tessera';
import { submitTicketUrl } from './support/ticket-page';

/**
 * One suite, every kind of ticket: each case runs for test session tokens, sign-in tokens, actor
 * tokens and agent tasks, on SQLite and on Postgres. A kind differs only in data (its path, its
 * create body, how its sessions are marked), so a gap in one kind shows as a failing case here.
 */
interface KindCase {
  readonly name: string;
  readonly path: string;
  readonly object: string;
  readonly idPrefix: string;
  /** The create body for a user (an http(s) redirect to the app when given). */
  readonly body: (user: Json, redirectUrl?: string) => Record<string, unknown>;
  /** The session's `actor` (and the JWT's `act`) after acceptance. */
  readonly actor: (created: Json) => Json;
  /** Who the audit log says accepted it. */
  readonly acceptedBy: (created: Json) => Json;
  readonly expiresInSeconds: number;
  readonly sessionSeconds: number;
  readonly allowedInProduction: boolean;
}

const APP = 'https://app.example.com';
const TICKET_HOLDER = { type: 'ticket_holder', id: null, name: null };

const KINDS: readonly KindCase[] = [
  {
    name: 'test_session_token',
    path: '/v1/test_session_tokens',
    object: 'test_session_token',
    idPrefix: 'tst',
    body: (user, redirectUrl) => ({ user_id: user.id, ...(redirectUrl && { redirect_url: redirectUrl }) }),
    actor: (created) => ({ sub: created.id, type: 'test_session_token' }),
    acceptedBy: () => TICKET_HOLDER,
    expiresInSeconds: 600,
    sessionSeconds: 1800,
    allowedInProduction: false,
  },
  {
    name: 'sign_in_token',
    path: '/v1/sign_in_tokens',
    object: 'sign_in_token',
    idPrefix: 'sit',
    body: (user, redirectUrl) => ({ user_id: user.id, ...(redirectUrl && { redirect_url: redirectUrl }) }),
    actor: () => null,
    acceptedBy: () => TICKET_HOLDER,
    expiresInSeconds: 30 * 24 * 3600,
    sessionSeconds: 604_800,
    allowedInProduction: true,
  },
  {
    name: 'actor_token',
    path: '/v1/actor_tokens',
    object: 'actor_token',
    idPrefix: 'act',
    body: (user, redirectUrl) => ({
      user_id: user.id,
      actor: { sub: 'user_support_ada', ticket: 'SUP-42' },
      ...(redirectUrl && { redirect_url: redirectUrl }),
    }),
    actor: () => ({ sub: 'user_support_ada', ticket: 'SUP-42' }),
    acceptedBy: () => ({ type: 'actor', id: 'user_support_ada', name: null }),
    expiresInSeconds: 3600,
    sessionSeconds: 1800,
    allowedInProduction: true,
  },
  {
    name: 'agent_task',
    path: '/v1/agents/tasks',
    object: 'agent_task',
    idPrefix: 'agttsk',
    body: (user, redirectUrl) => ({
      on_behalf_of: { user_id: user.id },
      permissions: '*',
      agent_name: 'checkout-bot',
      task_description: 'Buy the cheapest plan',
      redirect_url: redirectUrl ?? `${APP}/agent`,
    }),
    actor: (created) => ({
      type: 'agent',
      sub: created.agent_id,
      agent_name: 'checkout-bot',
      task_id: created.id,
      permissions: '*',
    }),
    acceptedBy: (created) => ({ type: 'agent', id: created.agent_id, name: 'checkout-bot' }),
    expiresInSeconds: 600,
    sessionSeconds: 1800,
    allowedInProduction: true,
  },
];

async function eventsOf(server: TestServer, ticketId: string): Promise<Json[]> {
  const reply = await server.get(`/v1/audit_events?ticket_id=${ticketId}&order_by=%2Bcreated_at&limit=100`);
  expect(reply.status, reply.text).toBe(200);
  return reply.body;
}

function kindSuite(database: string, start: StartServer) {
  describe.each(KINDS)(`${database}: $name`, (kind) => {
    let server: TestServer;
    let user: Json;

    const create = async (body = kind.body(user)): Promise<Json> => {
      const reply = await server.post(kind.path, body);
      expect(reply.status, reply.text).toBe(200);
      return reply.body;
    };

    beforeAll(async () => {
      server = await start({ allowedRedirectOrigins: [APP] });
      user = await server.createUser({ email_address: ['ada@example.com'], username: 'ada' });
    });
    afterAll(() => server.close());

    it('creates a pending ticket with its value and URL, its id prefix and its default lifetimes', async () => {
      const created = await create();
      expect(created).toMatchObject({
        object: kind.object,
        id: expect.stringMatching(new RegExp(`^${kind.idPrefix}_[0-9A-Za-z]{27}$`)),
        user_id: user.id,
        status: 'pending',
        session_id: null,
        expires_at: server.clock.t + kind.expiresInSeconds * 1000,
        session_max_duration_in_seconds: kind.sessionSeconds,
        created_at: server.clock.t,
      });
      expect(created.token).toMatch(new RegExp(`^${created.id}\\.[A-Za-z0-9_-]{43}$`));
      expect(created.url).toBe(`${server.tessera.publicUrl}/v1/tickets/accept?ticket=${created.token}`);
      // Read back, the value is gone: only its hash is stored.
      const read = await server.get(`${kind.path}/${created.id}`);
      expect(read.body).toMatchObject({ id: created.id, token: null, url: null, status: 'pending' });
    });

    it('is accepted from code: a session marked as the kind says, and a JWT whose act matches', async () => {
      const created = await create();
      const { session, jwt } = await server.accept(created.token);
      expect(session).toMatchObject({ user_id: user.id, status: 'active', actor: kind.actor(created) });
      expect(session.expire_at).toBe(server.clock.t + kind.sessionSeconds * 1000);
      const jwks = createLocalJWKSet((await server.get('/.well-known/jwks.json')).body);
      const { payload } = await jwtVerify(jwt, jwks, { currentDate: server.clock.date() });
      expect(payload.sub).toBe(user.id);
      expect(payload.sid).toBe(session.id);
      if (kind.actor(created) === null) expect(payload.act).toBeUndefined();
      else expect(payload.act).toEqual(kind.actor(created));
      const read = await server.get(`${kind.path}/${created.id}`);
      expect(read.body).toMatchObject({ status: 'accepted', session_id: session.id });
    });

    it('is accepted by a browser over a socket: the page, its form, a cookie and the redirect', async () => {
      const created = await create(kind.body(user, `${APP}/welcome`));
      const response = await submitTicketUrl(created.url, { headers: { 'user-agent': 'Chromium/1 test' } });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(
        /^https:\/\/app\.example\.com\/welcome\?__tessera_handoff=/,
      );
      // The app gets the session through the handoff: tessera sets no cookie an app on the same host
      // (cookies ignore ports) could take for its own.
      expect(response.headers.get('set-cookie')).toBeNull();
      const [accepted] = (await eventsOf(server, created.id)).filter(
        (event) => event.type === 'ticket.accepted',
      );
      expect(accepted).toMatchObject({
        user_agent: 'Chromium/1 test',
        ip: expect.stringMatching(/127\.0\.0\.1/),
      });
    });

    it('is accepted once under 50 racing acceptances: one session, 49 × 409 ticket_already_used', async () => {
      const created = await create();
      const replies = await Promise.all(
        Array.from({ length: 50 }, () =>
          server.post('/v1/tickets/accept', { ticket: created.token }, { auth: false }),
        ),
      );
      expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
      for (const reply of replies.filter((r) => r.status !== 200))
        expectError(reply, 409, 'ticket_already_used');
      const sessions = await server.get(`/v1/sessions?paginated=true&user_id=${user.id}&limit=500`);
      const started = sessions.body.data.filter((session: Json) =>
        replies.some((reply) => reply.status === 200 && reply.body.session.id === session.id),
      );
      expect(started).toHaveLength(1);
      const events = await eventsOf(server, created.id);
      expect(events.filter((event) => event.type === 'ticket.accepted')).toHaveLength(1);
      expect(events.filter((event) => event.type === 'ticket.accept_failed')).toHaveLength(49);
    });

    it('expires on the injected clock (410) and the expiry is recorded once', async () => {
      const created = await create({ ...kind.body(user), expires_in_seconds: 60 });
      server.clock.advance(60_000);
      expectError(
        await server.post('/v1/tickets/accept', { ticket: created.token }, { auth: false }),
        410,
        'ticket_expired',
      );
      expect(await recordTicketExpiries(server.tessera.context.db, server.clock.now())).toBeGreaterThan(0);
      await recordTicketExpiries(server.tessera.context.db, server.clock.now());
      const types = (await eventsOf(server, created.id)).map((event) => event.type);
      expect(types).toEqual(['ticket.issued', 'ticket.accept_failed', 'ticket.expired']);
    });

    it('is revoked while pending, then refused; revoking again names the kind', async () => {
      const created = await create();
      const revoked = await server.post(`${kind.path}/${created.id}/revoke`);
      expect(revoked.status, revoked.text).toBe(200);
      expect(revoked.body).toMatchObject({
        object: kind.object,
        id: created.id,
        status: 'revoked',
        token: null,
      });
      expectError(
        await server.post(`${kind.path}/${created.id}/revoke`),
        400,
        `${kind.name}_cannot_be_revoked`,
      );
      expectError(
        await server.post('/v1/tickets/accept', { ticket: created.token }, { auth: false }),
        410,
        'ticket_revoked',
      );
      const events = await eventsOf(server, created.id);
      expect(events.map((event) => [event.type, event.actor.type, event.reason])).toEqual([
        ['ticket.issued', 'secret_key', null],
        ['ticket.revoked', 'secret_key', null],
        ['ticket.accept_failed', 'ticket_holder', 'ticket_revoked'],
      ]);
    });

    it('is not revoked through another kind’s path', async () => {
      const created = await create();
      const other = KINDS.find((k) => k.name !== kind.name)!;
      expectError(await server.post(`${other.path}/${created.id}/revoke`), 404, 'resource_not_found');
      expect((await server.get(`${kind.path}/${created.id}`)).body.status).toBe('pending');
    });

    it('records issue, then acceptance and the session it started, in order, with who did each', async () => {
      const created = await create();
      const { session } = await server.accept(created.token);
      const events = await eventsOf(server, created.id);
      expect(events.map((event) => event.type)).toEqual([
        'ticket.issued',
        'ticket.accepted',
        'session.started',
      ]);
      const [issued, accepted, started] = events;
      expect(issued).toMatchObject({
        user_id: user.id,
        ticket_kind: kind.name,
        actor: { type: 'secret_key' },
      });
      expect(accepted).toMatchObject({ session_id: session.id, actor: kind.acceptedBy(created) });
      expect(started).toMatchObject({ session_id: session.id, actor: kind.acceptedBy(created) });
      if (kind.name === 'agent_task') {
        expect(issued).toMatchObject({
          agent_name: 'checkout-bot',
          task_description: 'Buy the cheapest plan',
        });
      }
    });

    it('lists by user and status, newest first, and refuses what is not its own', async () => {
      server.clock.advance(1);
      const first = await create();
      server.clock.advance(1);
      const second = await create();
      const list = await server.get(`${kind.path}?paginated=true&user_id=${user.id}&status=pending&limit=2`);
      expect(list.status, list.text).toBe(200);
      expect(list.body.data.map((t: Json) => t.id)).toEqual([second.id, first.id]);
      expect(list.body.data.every((t: Json) => t.object === kind.object && t.token === null)).toBe(true);
      expectError(await server.get(`${kind.path}/user_${'0'.repeat(27)}`), 404, 'resource_not_found');
    });

    if (kind.name === 'actor_token') {
      it('refuses an actor that would pass for an agent or a test sign-in', async () => {
        for (const type of ['agent', 'test_session_token']) {
          expectError(
            await server.post(kind.path, { user_id: user.id, actor: { sub: 'x', type } }),
            422,
            'form_param_value_invalid',
            'actor.type',
          );
        }
        expectError(
          await server.post(kind.path, { user_id: user.id, actor: {} }),
          422,
          'form_param_missing',
          'actor.sub',
        );
        expectError(
          await server.post(kind.path, { user_id: user.id, actor: 'x' }),
          422,
          'form_param_value_invalid',
          'actor',
        );
      });
    }

    if (kind.name === 'agent_task') {
      it('refuses both user_id and identifier, permissions other than *, a missing agent_name', async () => {
        const body = kind.body(user);
        expectError(
          await server.post(kind.path, { ...body, on_behalf_of: { user_id: user.id, identifier: 'ada' } }),
          422,
          'form_param_value_invalid',
          'on_behalf_of.identifier',
        );
        expectError(
          await server.post(kind.path, { ...body, on_behalf_of: {} }),
          422,
          'form_param_missing',
          'on_behalf_of.user_id',
        );
        expectError(
          await server.post(kind.path, { ...body, permissions: 'read' }),
          422,
          'form_param_value_invalid',
          'permissions',
        );
        const { agent_name: _name, ...nameless } = body;
        expectError(await server.post(kind.path, nameless), 422, 'form_param_missing', 'agent_name');
        const byIdentifier = await server.post(kind.path, {
          ...body,
          on_behalf_of: { identifier: 'ADA@example.com' },
        });
        expect(byIdentifier.body.user_id).toBe(user.id);
      });
    }

    it('refuses an unknown user (404), a redirect outside the allow-list (422) and writes nothing', async () => {
      const before = (await server.get(`${kind.path}?paginated=true`)).body.total_count;
      const unknown = { id: `user_${'0'.repeat(25)}zz` };
      expectError(
        await server.post(kind.path, kind.body(unknown)),
        404,
        'resource_not_found',
        kind.name === 'agent_task' ? 'on_behalf_of.user_id' : 'user_id',
      );
      expectError(
        await server.post(kind.path, kind.body(user, 'https://evil.example.net/')),
        422,
        'redirect_url_not_allowed',
        'redirect_url',
      );
      expect((await server.get(`${kind.path}?paginated=true`)).body.total_count).toBe(before);
    });

    it('replays a create with the same Idempotency-Key and refuses the key with another body', async () => {
      const key = `idem-${kind.name}`;
      const first = await server.post(kind.path, kind.body(user), { headers: { 'idempotency-key': key } });
      const again = await server.post(kind.path, kind.body(user), { headers: { 'idempotency-key': key } });
      expect(again.body).toEqual(first.body);
      const other = { ...kind.body(user), expires_in_seconds: 30 };
      expectError(
        await server.post(kind.path, other, { headers: { 'idempotency-key': key } }),
        422,
        'idempotency_key_reused',
      );
    });

    it(`on a production instance: ${kind.allowedInProduction ? 'allowed, https redirects only' : 'refused unless enabled, naming the setting'}`, async () => {
      const production = await start({ secretKey: newSecretKey('live'), allowedRedirectOrigins: [APP] });
      try {
        const owner = await production.createUser({ email_address: ['prod@example.com'] });
        const reply = await production.post(kind.path, kind.body(owner, `${APP}/x`));
        if (kind.allowedInProduction) {
          expect(reply.status, reply.text).toBe(200);
          expectError(
            await production.post(kind.path, kind.body(owner, 'http://localhost:3000/')),
            422,
            'redirect_url_not_allowed',
          );
        } else {
          const error = expectError(reply, 403, 'test_session_tokens_disabled');
          expect(error.long_message).toContain('TESSERA_ENABLE_TEST_SESSION_TOKENS');
        }
      } finally {
        await production.close();
      }
    });
  });
}

onEveryDatabase('ticket family', kindSuite);

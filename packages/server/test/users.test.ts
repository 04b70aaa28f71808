import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  codesOf,
  expectError,
  ID,
  type Json,
  startTestServer,
  type TestServer,
  unknownId,
} from './support/tessera';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

/** Creates a user one second after the previous one, so list order is deterministic. */
async function userAtNextSecond(params: Record<string, unknown>): Promise<Json> {
  server.clock.advance(1000);
  return server.createUser(params);
}

async function count(query = ''): Promise<number> {
  const reply = await server.get(`/v1/users/count${query}`);
  expect(reply.status).toBe(200);
  return reply.body.total_count;
}

const ids = (reply: { body: Json }) => (reply.body as Json[]).map((user) => user.id);

describe('POST /v1/users', () => {
  it('creates a user with every field, in the wire shape', async () => {
    const reply = await server.post('/v1/users', {
      email_address: ['Ada@Example.com', 'ada.lovelace@example.org'],
      username: 'ada',
      first_name: 'Ada',
      last_name: 'Lovelace',
      external_id: 'ext-ada',
      public_metadata: { plan: 'pro', nested: { a: [1, 2] } },
      private_metadata: { secret: true },
      unsafe_metadata: { theme: 'dark' },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    const user = reply.body;
    expect(user).toMatchObject({
      object: 'user',
      username: 'ada',
      first_name: 'Ada',
      last_name: 'Lovelace',
      external_id: 'ext-ada',
      public_metadata: { plan: 'pro', nested: { a: [1, 2] } },
      private_metadata: { secret: true },
      unsafe_metadata: { theme: 'dark' },
      banned: false,
      locked: false,
      image_url: null,
      primary_phone_number_id: null,
      primary_web3_wallet_id: null,
      last_sign_in_at: null,
      last_active_at: null,
      phone_numbers: [],
      web3_wallets: [],
      external_accounts: [],
      enterprise_accounts: [],
      created_at: server.clock.t,
      updated_at: server.clock.t,
    });
    expect(user.id).toMatch(ID.user);
    expect(user).not.toHaveProperty('deleted');
    // Emails are stored lower-cased; the first one is primary.
    expect(user.email_addresses.map((email: Json) => email.email_address)).toEqual([
      'ada@example.com',
      'ada.lovelace@example.org',
    ]);
    for (const email of user.email_addresses) {
      expect(email.object).toBe('email_address');
      expect(email.id).toMatch(ID.emailAddress);
      expect(email.linked_to).toEqual([]);
      expect(email.verification).toMatchObject({ status: 'verified' });
    }
    expect(user.primary_email_address_id).toBe(user.email_addresses[0].id);

    const fetched = await server.get(`/v1/users/${user.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(user);
  });

  it('creates a user from an empty body, with every nullable field present as null', async () => {
    const reply = await server.post('/v1/users');
    expect(reply.status).toBe(200);
    for (const field of [
      'external_id',
      'username',
      'first_name',
      'last_name',
      'image_url',
      'primary_email_address_id',
      'primary_phone_number_id',
      'primary_web3_wallet_id',
      'last_sign_in_at',
      'last_active_at',
    ]) {
      expect(reply.body, field).toHaveProperty(field, null);
    }
    expect(reply.body.email_addresses).toEqual([]);
    expect(reply.body.public_metadata).toEqual({});
  });

  it('refuses a taken email address (any case) or username, and writes nothing', async () => {
    await server.createUser({ email_address: ['taken@example.com'], username: 'taken' });
    const before = await count();

    const email = await server.post('/v1/users', {
      email_address: ['fresh@example.com', 'TAKEN@example.com'],
      username: 'fresh',
    });
    expectError(email, 422, 'form_identifier_exists', 'email_address');
    const username = await server.post('/v1/users', {
      email_address: ['fresh@example.com'],
      username: 'taken',
    });
    expectError(username, 422, 'form_identifier_exists', 'username');

    expect(await count()).toBe(before);
    // Nothing of the refused users was kept: their other email address is still free.
    expect(await count('?email_address=fresh@example.com')).toBe(0);
    expect(await count('?username=fresh')).toBe(0);
    const retry = await server.post('/v1/users', { email_address: ['fresh@example.com'], username: 'fresh' });
    expect(retry.status).toBe(200);
  });

  it('keeps the email addresses in the order given, on create and on every read', async () => {
    const given = ['e1@order.io', 'e2@order.io', 'e3@order.io', 'e4@order.io', 'e5@order.io', 'e6@order.io'];
    const user = await server.createUser({ email_address: given });
    const addresses = (u: Json) => u.email_addresses.map((email: Json) => email.email_address);
    expect(addresses(user)).toEqual(given);
    expect(user.primary_email_address_id).toBe(user.email_addresses[0].id);
    expect(addresses((await server.get(`/v1/users/${user.id}`)).body)).toEqual(given);
    expect(addresses((await server.get('/v1/users?email_address=e4@order.io')).body[0])).toEqual(given);
  });

  it('creates one user when ten creates with one email address or username race', async () => {
    const before = await count();
    const byEmail = await Promise.all(
      Array.from({ length: 10 }, () => server.post('/v1/users', { email_address: ['race@example.com'] })),
    );
    const byUsername = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        server.post('/v1/users', { username: 'racer', first_name: `r${i}` }),
      ),
    );
    for (const replies of [byEmail, byUsername]) {
      expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
      for (const reply of replies.filter((r) => r.status !== 200))
        expectError(reply, 422, 'form_identifier_exists');
    }
    expect(await count()).toBe(before + 2);
  });

  it('stores one address once when the same address is given twice', async () => {
    const user = await server.createUser({ email_address: ['twice@example.com', 'Twice@Example.com'] });
    expect(user.email_addresses).toHaveLength(1);
  });

  it.each([
    ['email_address', { email_address: 'one@example.com' }, 'form_param_value_invalid'],
    ['email_address[0]', { email_address: ['not-an-email'] }, 'form_param_value_invalid'],
    [
      'email_address',
      { email_address: Array.from({ length: 11 }, (_, i) => `m${i}@x.io`) },
      'form_param_value_invalid',
    ],
    ['username', { username: 'has space' }, 'form_param_value_invalid'],
    ['username', { username: 42 }, 'form_param_value_invalid'],
    ['first_name', { first_name: 'x'.repeat(257) }, 'form_param_value_invalid'],
    ['external_id', { external_id: '' }, 'form_param_value_invalid'],
    ['public_metadata', { public_metadata: [1] }, 'form_param_value_invalid'],
    ['private_metadata', { private_metadata: 'text' }, 'form_param_value_invalid'],
    ['unsafe_metadata', { unsafe_metadata: null }, 'form_param_value_invalid'],
    ['password', { password: 'hunter2' }, 'form_password_length_too_short'],
    ['password_hasher', { password_digest: 'x', password_hasher: 'sha1' }, 'form_param_value_invalid'],
  ])('refuses a bad %s with 422 and creates nothing', async (param, body, code) => {
    const before = await count();
    expectError(await server.post('/v1/users', body), 422, code, param);
    expect(await count()).toBe(before);
  });

  it('reports every problem of a body, one error each', async () => {
    const reply = await server.post('/v1/users', { username: 1, first_name: 2, colour: 'red' });
    expect(reply.status).toBe(422);
    expect(codesOf(reply).sort()).toEqual([
      'form_param_unknown',
      'form_param_value_invalid',
      'form_param_value_invalid',
    ]);
    expect(reply.body.errors.map((error: Json) => error.meta.param_name).sort()).toEqual([
      'colour',
      'first_name',
      'username',
    ]);
  });
});

describe('GET /v1/users/{id}', () => {
  it('answers 404 resource_not_found for an unknown id', async () => {
    expectError(await server.get(`/v1/users/${unknownId('user')}`), 404, 'resource_not_found');
  });
});

describe('GET /v1/users and /v1/users/count', () => {
  let alice: Json;
  let bob: Json;
  let carol: Json;
  let list: TestServer;

  beforeAll(async () => {
    // A server of its own, so the counts below see only these three users.
    list = await startTestServer();
    const make = async (params: Record<string, unknown>) => {
      list.clock.advance(1000);
      return list.createUser(params);
    };
    alice = await make({ email_address: ['alice@example.com'], username: 'alice', external_id: 'crm-1' });
    bob = await make({
      email_address: ['bob@example.com', 'bob@work.example'],
      username: 'bobby',
      first_name: 'Robert',
      external_id: 'crm-2',
    });
    carol = await make({ email_address: ['carol@example.org'], username: 'carol', last_name: 'Percent%' });
  });

  afterAll(async () => {
    await list.close();
  });

  it('lists newest first as a bare array by default', async () => {
    const reply = await list.get('/v1/users');
    expect(reply.status).toBe(200);
    expect(Array.isArray(reply.body)).toBe(true);
    expect(ids(reply)).toEqual([carol.id, bob.id, alice.id]);
  });

  it('honours order_by, limit and offset', async () => {
    expect(ids(await list.get('/v1/users?order_by=%2Bcreated_at'))).toEqual([alice.id, bob.id, carol.id]);
    expect(ids(await list.get('/v1/users?order_by=-created_at'))).toEqual([carol.id, bob.id, alice.id]);
    expect(ids(await list.get('/v1/users?order_by=username'))).toEqual([alice.id, bob.id, carol.id]);
    expect(ids(await list.get('/v1/users?limit=1'))).toEqual([carol.id]);
    expect(ids(await list.get('/v1/users?limit=1&offset=1'))).toEqual([bob.id]);
    expect(ids(await list.get('/v1/users?offset=3'))).toEqual([]);
  });

  it('answers { data, total_count } with paginated=true', async () => {
    const reply = await list.get('/v1/users?paginated=true&limit=2');
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['data', 'total_count']);
    expect(reply.body.total_count).toBe(3);
    expect(reply.body.data.map((user: Json) => user.id)).toEqual([carol.id, bob.id]);
    const filtered = await list.get('/v1/users?paginated=true&username=alice');
    expect(filtered.body).toMatchObject({ total_count: 1, data: [{ id: alice.id }] });
  });

  it('filters by email address, case-insensitively, as repeated keys or key[]', async () => {
    expect(ids(await list.get('/v1/users?email_address=BOB@work.example'))).toEqual([bob.id]);
    expect(
      ids(await list.get('/v1/users?email_address=alice@example.com&email_address=carol@example.org')),
    ).toEqual([carol.id, alice.id]);
    expect(
      ids(await list.get('/v1/users?email_address[]=alice@example.com&email_address[]=bob@example.com')),
    ).toEqual([bob.id, alice.id]);
    expect(
      ids(await list.get('/v1/users?email_address%5B%5D=alice@example.com&email_address=carol@example.org')),
    ).toEqual([carol.id, alice.id]);
    expect(ids(await list.get('/v1/users?email_address=nobody@example.com'))).toEqual([]);
  });

  it('filters by username, external_id and user_id (arrays)', async () => {
    expect(ids(await list.get('/v1/users?username=alice&username=carol'))).toEqual([carol.id, alice.id]);
    expect(ids(await list.get('/v1/users?username[]=bobby'))).toEqual([bob.id]);
    expect(ids(await list.get('/v1/users?external_id=crm-2'))).toEqual([bob.id]);
    expect(ids(await list.get('/v1/users?external_id[]=crm-1&external_id[]=crm-2'))).toEqual([
      bob.id,
      alice.id,
    ]);
    expect(ids(await list.get(`/v1/users?user_id=${alice.id}&user_id=${carol.id}`))).toEqual([
      carol.id,
      alice.id,
    ]);
    expect(ids(await list.get(`/v1/users?user_id[]=${bob.id}`))).toEqual([bob.id]);
  });

  it('filters by query, a case-insensitive substring of names, ids and addresses, with LIKE escaped', async () => {
    expect(ids(await list.get('/v1/users?query=ROBERT'))).toEqual([bob.id]);
    expect(ids(await list.get('/v1/users?query=example.org'))).toEqual([carol.id]);
    expect(ids(await list.get('/v1/users?query=crm-'))).toEqual([bob.id, alice.id]);
    expect(ids(await list.get(`/v1/users?query=${alice.id.slice(5, 20)}`))).toEqual([alice.id]);
    // `%` is matched literally, not as a LIKE wildcard.
    expect(ids(await list.get('/v1/users?query=%25'))).toEqual([carol.id]);
  });

  it('combines filters with AND', async () => {
    expect(ids(await list.get('/v1/users?username=alice&external_id=crm-2'))).toEqual([]);
    expect(ids(await list.get('/v1/users?username=bobby&external_id=crm-2'))).toEqual([bob.id]);
  });

  it('counts with the same filters, and refuses paging parameters, which a count has no use for', async () => {
    const reply = await list.get('/v1/users/count');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ object: 'total_count', total_count: 3 });
    expect((await list.get('/v1/users/count?email_address=bob@example.com')).body.total_count).toBe(1);
    expect((await list.get('/v1/users/count?username=alice&username=carol')).body.total_count).toBe(2);
    expect((await list.get('/v1/users/count?query=example.com')).body.total_count).toBe(2);
    expectError(await list.get('/v1/users/count?limit=1'), 422, 'form_param_unknown', 'limit');
  });

  it.each([
    ['limit', 'limit=0'],
    ['limit', 'limit=501'],
    ['limit', 'limit=ten'],
    ['limit', 'limit=1.5'],
    ['offset', 'offset=-1'],
    ['order_by', 'order_by=password'],
    ['paginated', 'paginated=yes'],
    ['query', `query=${'q'.repeat(257)}`],
  ])('refuses a bad %s (%s) with 422', async (param, query) => {
    expectError(await list.get(`/v1/users?${query}`), 422, 'form_param_value_invalid', param);
  });

  it('refuses a query parameter it does not know, naming it: an ignored filter would be a wrong answer', async () => {
    expectError(await list.get('/v1/users?colour=red'), 422, 'form_param_unknown', 'colour');
    expectError(
      await list.get('/v1/users?email_address_query=x'),
      422,
      'form_param_unknown',
      'email_address_query',
    );
    // Known, and honoured: no tessera user has a phone number, so no user matches.
    const byPhone = await list.get('/v1/users?phone_number[]=%2B1555');
    expect(byPhone.status, byPhone.text).toBe(200);
    expect(byPhone.body).toEqual([]);
    expectError(
      await list.get(`/v1/users?${encodeURIComponent('bad key\u0007')}=1`),
      422,
      'form_param_unknown',
    );
  });

  it('filters by banned, locked and by time, leaving out users who have no such time', async () => {
    const users = await list.createUser({ username: 'filters-banned' });
    await list.post(`/v1/users/${users.id}/ban`);
    const banned = ids(await list.get('/v1/users?banned=true&limit=500'));
    expect(banned).toContain(users.id);
    expect(ids(await list.get('/v1/users?banned=false&limit=500'))).not.toContain(users.id);
    expect(ids(await list.get('/v1/users?locked=true&limit=500'))).not.toContain(users.id);
    const t = list.clock.t;
    expect(ids(await list.get(`/v1/users?created_at_after=${t - 1}&limit=500`))).toContain(users.id);
    expect(ids(await list.get(`/v1/users?created_at_before=${t}&limit=500`))).not.toContain(users.id);
    // Never active: no last_active_at, so no time filter on it includes them.
    expect(ids(await list.get('/v1/users?last_active_at_before=99999999999999&limit=500'))).not.toContain(
      users.id,
    );
    expect(ids(await list.get('/v1/users?last_sign_in_at_after=0&limit=500'))).not.toContain(users.id);
    expectError(await list.get('/v1/users?banned=maybe'), 422, 'form_param_value_invalid', 'banned');
  });
});

describe('GET /v1/users paging defaults', () => {
  it('answers 10 users by default and up to 500 with limit', async () => {
    for (let i = 0; i < 11; i++) await server.createUser();
    const total = await count();
    expect(total).toBeGreaterThan(10);
    expect(await server.get('/v1/users')).toMatchObject({ status: 200, body: { length: 10 } });
    expect((await server.get('/v1/users?limit=500')).body).toHaveLength(Math.min(total, 500));
    expect((await server.get(`/v1/users?offset=${total - 1}`)).body).toHaveLength(1);
  });
});

describe('PATCH /v1/users/{id}', () => {
  it('updates the given fields, leaves the others and bumps updated_at', async () => {
    const user = await userAtNextSecond({
      email_address: ['patch@example.com', 'patch2@example.com'],
      username: 'patchme',
      first_name: 'Pat',
      last_name: 'Ch',
      public_metadata: { a: 1 },
    });
    server.clock.advance(5000);
    const reply = await server.patch(`/v1/users/${user.id}`, {
      first_name: 'Patricia',
      last_name: null,
      external_id: 'ext-pat',
      primary_email_address_id: user.email_addresses[1].id,
      public_metadata: { b: 2 },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: user.id,
      username: 'patchme',
      first_name: 'Patricia',
      last_name: null,
      external_id: 'ext-pat',
      primary_email_address_id: user.email_addresses[1].id,
      public_metadata: { b: 2 },
      created_at: user.created_at,
      updated_at: server.clock.t,
    });
    expect((await server.get(`/v1/users/${user.id}`)).body).toEqual(reply.body);

    const empty = await server.patch(`/v1/users/${user.id}`);
    expect(empty.status).toBe(200);
    expect(empty.body.first_name).toBe('Patricia');
  });

  it('refuses a username taken by someone else, but not the user’s own', async () => {
    await server.createUser({ username: 'owner' });
    const user = await server.createUser({ username: 'other' });
    expectError(
      await server.patch(`/v1/users/${user.id}`, { username: 'owner' }),
      422,
      'form_identifier_exists',
      'username',
    );
    expect((await server.get(`/v1/users/${user.id}`)).body.username).toBe('other');
    expect((await server.patch(`/v1/users/${user.id}`, { username: 'other' })).status).toBe(200);
  });

  it('refuses a primary_email_address_id that is not one of the user’s addresses', async () => {
    const user = await server.createUser({ email_address: ['prim@example.com'] });
    const stranger = await server.createUser({ email_address: ['stranger@example.com'] });
    const reply = await server.patch(`/v1/users/${user.id}`, {
      primary_email_address_id: stranger.email_addresses[0].id,
    });
    expectError(reply, 422, 'form_param_value_invalid', 'primary_email_address_id');
    expectError(
      await server.patch(`/v1/users/${user.id}`, { primary_email_address_id: 'idn_short' }),
      422,
      'form_param_value_invalid',
      'primary_email_address_id',
    );
  });

  it('refuses unknown fields and unknown users', async () => {
    const user = await server.createUser();
    expectError(
      await server.patch(`/v1/users/${user.id}`, { email_address: ['x@y.io'] }),
      422,
      'form_param_unknown',
      'email_address',
    );
    expectError(
      await server.patch(`/v1/users/${unknownId('user')}`, { first_name: 'x' }),
      404,
      'resource_not_found',
    );
  });
});

describe('DELETE /v1/users/{id}', () => {
  it('answers the deleted object and revokes the user’s sessions and pending tokens', async () => {
    const user = await server.createUser({ email_address: ['leaving@example.com'] });
    const accepted = await server.createToken({ user_id: user.id });
    const { session } = await server.accept(accepted.token);
    const pending = await server.createToken({ user_id: user.id });
    const before = await count();

    const reply = await server.del(`/v1/users/${user.id}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ object: 'user', id: user.id, deleted: true });
    expect(await count()).toBe(before - 1);

    expectError(await server.get(`/v1/users/${user.id}`), 404, 'resource_not_found');
    expect((await server.get(`/v1/sessions/${session.id}`)).body.status).toBe('revoked');
    expect((await server.get(`/v1/test_session_tokens/${pending.id}`)).body.status).toBe('revoked');
    // The accepted token keeps its status; it cannot be used again either way.
    expect((await server.get(`/v1/test_session_tokens/${accepted.id}`)).body.status).toBe('accepted');
    expectError(await server.post(`/v1/sessions/${session.id}/tokens`), 400, 'session_not_active');
    expectError(
      await server.post('/v1/tickets/accept', { ticket: pending.token }, { auth: false }),
      410,
      'ticket_revoked',
    );
    // The address is free again.
    expect((await server.post('/v1/users', { email_address: ['leaving@example.com'] })).status).toBe(200);
  });

  it('answers 404 for an unknown or already deleted user', async () => {
    const user = await server.createUser();
    expect((await server.del(`/v1/users/${user.id}`)).status).toBe(200);
    expectError(await server.del(`/v1/users/${user.id}`), 404, 'resource_not_found');
  });
});

describe('POST /v1/users/{id}/ban and /unban', () => {
  it('bans: revokes active sessions, refuses pending tickets and new tokens; unban lifts it', async () => {
    const user = await server.createUser({ email_address: ['banned@example.com'] });
    const first = await server.createToken({ user_id: user.id });
    const { session } = await server.accept(first.token);
    const pending = await server.createToken({ user_id: user.id });
    const sessionsBefore = (await server.get(`/v1/sessions?user_id=${user.id}&paginated=true`)).body
      .total_count;

    const banned = await server.post(`/v1/users/${user.id}/ban`);
    expect(banned.status).toBe(200);
    expect(banned.body).toMatchObject({ object: 'user', id: user.id, banned: true });
    expect((await server.get(`/v1/users/${user.id}`)).body.banned).toBe(true);
    expect((await server.get(`/v1/sessions/${session.id}`)).body.status).toBe('revoked');
    expectError(await server.post(`/v1/sessions/${session.id}/tokens`), 400, 'session_not_active');

    expectError(
      await server.post('/v1/tickets/accept', { ticket: pending.token }, { auth: false }),
      403,
      'user_banned',
    );
    expectError(
      await server.post('/v1/test_session_tokens', { user_id: user.id }),
      403,
      'user_banned',
      'user_id',
    );
    const sessions = await server.get(`/v1/sessions?user_id=${user.id}&paginated=true`);
    expect(sessions.body.total_count).toBe(sessionsBefore);
    // The refused ticket is still pending: the ban refused it, it did not consume it.
    expect((await server.get(`/v1/test_session_tokens/${pending.id}`)).body.status).toBe('pending');

    const unbanned = await server.post(`/v1/users/${user.id}/unban`);
    expect(unbanned.status).toBe(200);
    expect(unbanned.body.banned).toBe(false);
    const again = await server.accept(pending.token);
    expect(again.session.status).toBe('active');
  });

  it('answers 404 for an unknown user', async () => {
    expectError(await server.post(`/v1/users/${unknownId('user')}/ban`), 404, 'resource_not_found');
    expectError(await server.post(`/v1/users/${unknownId('user')}/unban`), 404, 'resource_not_found');
  });
});

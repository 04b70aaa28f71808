import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  concretePath,
  documentedOperations,
  SPEC_BACKEND_ROUTES,
  SPEC_PUBLIC_ROUTES,
} from './support/routes';
import {
  expectError,
  ID,
  type Json,
  newSecretKey,
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

async function userCount(): Promise<number> {
  return (await server.get('/v1/users/count')).body.total_count;
}

/** fetch over the socket with the secret key and `Content-Type: application/json`, as real clients send. */
function overSocket(method: string, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.tessera.url}${path}`, {
    method,
    ...init,
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${server.secretKey}`,
      ...(init.headers as Record<string, string> | undefined),
    },
  });
}

describe('Content-Type and request ids', () => {
  it('answers Content-Type exactly application/json, over the socket too, for replies and errors', async () => {
    const replies = [
      await overSocket('GET', '/v1/users'),
      await overSocket('POST', '/v1/users', { body: '{"username":5}' }),
      await overSocket('GET', '/v1/nothing-here'),
      await overSocket('GET', '/v1/users', { headers: { authorization: 'Bearer nope' } }),
      await overSocket('GET', '/v1/health'),
    ];
    expect(replies.map((reply) => reply.status)).toEqual([200, 422, 404, 401, 200]);
    for (const reply of replies) {
      expect(reply.headers.get('content-type')).toBe('application/json');
      expect(reply.headers.get('x-request-id')).toMatch(/^req_\w+$/);
      await reply.json();
    }
  });

  it('gives every request its own id, which is the clerk_trace_id of an error', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const reply = await server.get(`/v1/users/${unknownId('user')}`);
      expectError(reply, 404, 'resource_not_found');
      seen.add(reply.body.clerk_trace_id);
    }
    expect(seen.size).toBe(10);
  });
});

describe('authentication', () => {
  it.each(SPEC_BACKEND_ROUTES)('%s %s needs the secret key', async (method, path) => {
    expectError(
      await server.call(method, concretePath(path), { auth: false }),
      401,
      'authentication_invalid',
    );
  });

  it.each(SPEC_PUBLIC_ROUTES)('%s %s needs no key', async (method, path) => {
    const reply = await server.call(method, concretePath(path), { auth: false });
    expect(reply.status).not.toBe(401);
    expect(reply.status).toBeLessThan(500);
  });

  it('needs the key on every documented operation not marked public, routes added later included', async () => {
    const operations = await documentedOperations(server);
    expect(operations.length).toBeGreaterThanOrEqual(SPEC_BACKEND_ROUTES.length + SPEC_PUBLIC_ROUTES.length);
    for (const { method, path, isPublic } of operations) {
      const reply = await server.call(method, concretePath(path), { auth: false });
      if (isPublic) expect(reply.status, `${method} ${path}`).not.toBe(401);
      else expectError(reply, 401, 'authentication_invalid');
    }
  });

  it.each([
    ['a bare key', (key: string) => key],
    ['another scheme', (key: string) => `Basic ${key}`],
    ['no token', () => 'Bearer'],
    ['no token but spaces', () => 'Bearer    '],
    ['two tokens', (key: string) => `Bearer ${key} ${key}`],
    ['a publishable key', () => `Bearer pk_test_${'A'.repeat(40)}`],
    ['a short secret key', () => 'Bearer sk_test_short'],
    ['an unknown prefix', () => `Bearer sk_prod_${'A'.repeat(43)}`],
    ['a JWT', () => 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
  ])('refuses %s as 401 authentication_invalid', async (_, header) => {
    const reply = await server.get('/v1/users', {
      auth: false,
      headers: { authorization: header(server.secretKey) },
    });
    expectError(reply, 401, 'authentication_invalid');
  });

  it('refuses a well-formed key of another instance as 401 clerk_key_invalid', async () => {
    // The right key has just been accepted (and is remembered): one character off must still fail.
    expect((await server.get('/v1/users')).status).toBe(200);
    for (const key of [newSecretKey('test'), newSecretKey('live'), `${server.secretKey.slice(0, -1)}X`]) {
      expectError(await server.get('/v1/users', { auth: key }), 401, 'clerk_key_invalid');
    }
  });

  it('takes the scheme in any case', async () => {
    const reply = await server.get('/v1/users', {
      auth: false,
      headers: { authorization: `bearer ${server.secretKey}` },
    });
    expect(reply.status).toBe(200);
  });

  it('checks the key before it reads the body, and creates nothing for a refused key', async () => {
    const before = await userCount();
    expectError(await server.post('/v1/users', '{oops', { auth: false }), 401, 'authentication_invalid');
    expectError(await server.post('/v1/users', {}, { auth: newSecretKey() }), 401, 'clerk_key_invalid');
    expect(await userCount()).toBe(before);
  });
});

describe('request bodies', () => {
  it('takes an empty body with Content-Type: application/json on GET, POST and DELETE, over the socket', async () => {
    const user = await server.createUser();
    const token = await server.createToken({ user_id: user.id });
    const { session } = await server.accept(token.token);
    const pending = await server.createToken({ user_id: user.id });
    const calls: [string, string, number][] = [
      ['GET', '/v1/users', 200],
      ['GET', `/v1/users/${user.id}`, 200],
      ['GET', '/v1/sessions', 200],
      ['GET', '/v1/jwks', 200],
      ['POST', `/v1/sessions/${session.id}/tokens`, 200],
      ['POST', `/v1/sessions/${session.id}/revoke`, 200],
      ['POST', `/v1/test_session_tokens/${pending.id}/revoke`, 200],
      ['POST', `/v1/users/${user.id}/ban`, 200],
      ['POST', `/v1/users/${user.id}/unban`, 200],
      ['POST', '/v1/users', 200],
      ['DELETE', `/v1/users/${user.id}`, 200],
    ];
    for (const [method, path, status] of calls) {
      const response = await overSocket(method, path);
      expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(status);
    }
    // Where parameters are required, an empty body is "no parameters", not a malformed body.
    const missing = await overSocket('POST', '/v1/test_session_tokens');
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as Json).errors[0].code).toBe('form_param_missing');
  });

  it('takes a whitespace-only body as no parameters', async () => {
    expect((await server.post('/v1/users', ' \n\t ')).status).toBe(200);
  });

  const BODY_ROUTES = [
    ['POST', '/v1/users'],
    ['PATCH', `/v1/users/${unknownId('user')}`],
    ['POST', '/v1/test_session_tokens'],
    ['POST', `/v1/sessions/${unknownId('sess')}/tokens`],
    ['POST', '/v1/tickets/accept'],
    ['POST', `/v1/users/${unknownId('user')}/ban`],
    ['POST', `/v1/sessions/${unknownId('sess')}/revoke`],
    ['DELETE', `/v1/users/${unknownId('user')}`],
  ] as const;

  const NOT_JSON = ['{', '{"a":1,}', "{'a':1}", 'undefined', '{"a":1}{"b":2}', '\uFEFF{}', 'NaN'];
  const NOT_OBJECTS = ['[]', '[{}]', 'null', '0', '"text"', 'true'];

  it.each(BODY_ROUTES)(
    '%s %s refuses invalid JSON and non-object bodies with 400 request_body_invalid',
    async (method, path) => {
      for (const body of [...NOT_JSON, ...NOT_OBJECTS]) {
        const reply = await server.call(method, path, { body });
        expect(reply.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
        expectError(reply, 400, 'request_body_invalid');
      }
    },
  );

  it('refuses parameters on endpoints that take none, and takes {}', async () => {
    const user = await server.createUser();
    expectError(
      await server.post(`/v1/users/${user.id}/ban`, { reason: 'spam' }),
      422,
      'form_param_unknown',
      'reason',
    );
    expectError(
      await server.del(`/v1/users/${user.id}`, { body: { force: true } }),
      422,
      'form_param_unknown',
      'force',
    );
    expect((await server.get(`/v1/users/${user.id}`)).body.banned).toBe(false);
    expect((await server.post(`/v1/users/${user.id}/ban`, {})).status).toBe(200);
    expect((await server.del(`/v1/users/${user.id}`, { body: {} })).status).toBe(200);
  });

  it('refuses wrong types, unknown and missing fields with 422 and the parameter name', async () => {
    expectError(
      await server.post('/v1/users', { first_name: ['x'] }),
      422,
      'form_param_value_invalid',
      'first_name',
    );
    expectError(
      await server.post('/v1/users', { first_name: null }),
      422,
      'form_param_value_invalid',
      'first_name',
    );
    expectError(
      await server.post('/v1/users', { emailAddress: ['x@y.io'] }),
      422,
      'form_param_unknown',
      'emailAddress',
    );
    expectError(
      await server.post('/v1/tickets/accept', {}, { auth: false }),
      422,
      'form_param_missing',
      'ticket',
    );
    expectError(
      await server.post('/v1/test_session_tokens', { user_id: unknownId('user'), expires_in_seconds: 1e9 }),
      422,
      'form_param_value_invalid',
      'expires_in_seconds',
    );
  });

  it('refuses keys that name Object.prototype members, and stores metadata with a __proto__ key as given', async () => {
    expectError(
      await server.post('/v1/users', '{"__proto__":{"x":1}}'),
      422,
      'form_param_unknown',
      '__proto__',
    );
    expectError(
      await server.post('/v1/users', '{"constructor":{}}'),
      422,
      'form_param_unknown',
      'constructor',
    );
    expectError(await server.post('/v1/users', '{"toString":"x"}'), 422, 'form_param_unknown', 'toString');
    const reply = await server.post(
      '/v1/users',
      '{"public_metadata":{"__proto__":{"polluted":true},"ok":1}}',
    );
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text).public_metadata).toEqual(
      JSON.parse('{"__proto__":{"polluted":true},"ok":1}'),
    );
    const fetched = await server.get(`/v1/users/${reply.body.id}`);
    expect(fetched.text).toContain('"__proto__":{"polluted":true}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps any Unicode in strings and metadata', async () => {
    const user = await server.createUser({ first_name: 'Zoë 🦊', public_metadata: { ключ: '值\u0000' } });
    expect(user.first_name).toBe('Zoë 🦊');
    expect((await server.get(`/v1/users/${user.id}`)).body.public_metadata).toEqual({ ключ: '值\u0000' });
  });

  it('refuses metadata nested deeper than 64 levels with 422, never a 500, and writes nothing', async () => {
    const nest = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
    const ok = await server.post('/v1/users', `{"public_metadata":${nest(64)}}`);
    expect(ok.status, ok.text).toBe(200);
    const before = await userCount();
    for (const depth of [65, 5000, 100_000]) {
      const reply = await server.post('/v1/users', `{"public_metadata":${nest(depth)}}`);
      expectError(reply, 422, 'form_param_value_invalid', 'public_metadata');
    }
    const arrays = `{"unsafe_metadata":{"a":${'['.repeat(70_000)}${']'.repeat(70_000)}}}`;
    expectError(await server.post('/v1/users', arrays), 422, 'form_param_value_invalid', 'unsafe_metadata');
    expectError(
      await server.patch(`/v1/users/${ok.body.id}`, `{"private_metadata":${nest(10_000)}}`),
      422,
      'form_param_value_invalid',
      'private_metadata',
    );
    expect(await userCount()).toBe(before);
    expect((await server.get(`/v1/users/${ok.body.id}`)).body.private_metadata).toEqual({});
  });
});

describe('routing', () => {
  it('answers GET / with Studio (a redirect to its users list), which the API leaves alone', async () => {
    const root = await server.call('GET', '/', { auth: false });
    expect(root.status).toBe(303);
    expect(root.headers.location).toBe('/studio/users');
  });

  it.each([
    ['GET', '/v1'],
    ['GET', '/v2/users'],
    ['GET', '/v1/userz'],
    ['GET', `/v1/users/${unknownId('user')}/sessions`],
    ['POST', '/v1/sessions/sess_x/extend'],
    ['GET', '/v1/users/user%5Fid'],
    ['GET', `/v1/users/${'a'.repeat(200)}`],
    ['GET', '/v1/users/../health'],
  ])('answers %s %s with 404 resource_not_found, with or without a key', async (method, path) => {
    expectError(await server.call(method, path), 404, 'resource_not_found');
    expectError(await server.call(method, path, { auth: false }), 404, 'resource_not_found');
  });

  it('answers a known path with another method with 405 method_not_allowed', async () => {
    expectError(await server.call('PUT', '/v1/users'), 405, 'method_not_allowed');
    expectError(await server.call('DELETE', '/v1/sessions'), 405, 'method_not_allowed');
    expectError(await server.call('HEAD', '/v1/health', { auth: false }), 405, 'method_not_allowed');
  });

  it('names the methods a path accepts in the Allow header of a 405', async () => {
    expect((await server.call('PUT', '/v1/users')).headers.allow).toBe('POST, GET');
    expect((await server.call('POST', '/v1/jwks')).headers.allow).toBe('GET');
    const user = (await server.call('POST', '/v1/users', { body: {} })).body;
    expect((await server.call('PUT', `/v1/users/${user.id}`)).headers.allow).toBe('GET, PATCH, DELETE');
    expect((await server.call('GET', '/v1/users/count')).headers.allow).toBeUndefined();
  });
});

describe('wire objects', () => {
  const PREFIXES: Record<string, RegExp> = {
    user_id: ID.user,
    session_id: ID.session,
    client_id: ID.client,
    primary_email_address_id: ID.emailAddress,
  };

  /** Checks ids, timestamps and the `deleted` rule everywhere in a resource; returns how many fields it saw. */
  function checkResource(value: Json, path = '$'): number {
    if (Array.isArray(value))
      return value.reduce((n: number, item: Json, i: number) => n + checkResource(item, `${path}[${i}]`), 0);
    if (typeof value !== 'object' || value === null) return 0;
    let seen = 0;
    expect(value, path).not.toHaveProperty('deleted');
    for (const [key, field] of Object.entries(value)) {
      seen++;
      expect(field, `${path}.${key}`).not.toBeUndefined();
      if (key.endsWith('_at') && field !== null) {
        expect(Number.isInteger(field), `${path}.${key} is an integer`).toBe(true);
        // Milliseconds, not seconds: after 2001 in ms is > 1e12.
        expect(field as number, `${path}.${key} is in ms`).toBeGreaterThan(1e12);
      }
      const pattern = PREFIXES[key];
      if (pattern && field !== null) expect(field, `${path}.${key}`).toMatch(pattern);
      if (typeof field === 'object' && !key.endsWith('metadata'))
        seen += checkResource(field, `${path}.${key}`);
    }
    return seen;
  }

  it('uses prefixed base62 ids, integer millisecond timestamps and explicit nulls', async () => {
    server.clock.advance(123);
    const user = await server.createUser({ email_address: ['wire@example.com'] });
    const token = await server.createToken({ user_id: user.id, redirect_url: 'http://localhost:3000/' });
    const { session } = await server.accept(token.token);
    const objects = [
      user,
      token,
      session,
      (await server.get(`/v1/test_session_tokens/${token.id}`)).body,
      (await server.get(`/v1/sessions/${session.id}`)).body,
      (await server.get('/v1/users?limit=5')).body,
      (await server.get('/v1/sessions?paginated=true')).body,
      (await server.get('/v1/test_session_tokens')).body,
    ];
    expect(objects.reduce((n, object) => n + checkResource(object), 0)).toBeGreaterThan(100);
    expect(user.id).toMatch(ID.user);
    expect(user.email_addresses[0].id).toMatch(ID.emailAddress);
    expect(token.id).toMatch(ID.testSessionToken);
    expect(session.id).toMatch(ID.session);
    expect(user.created_at).toBe(server.clock.t);
    expect(session).toHaveProperty('last_active_organization_id', null);
    expect(session.actor).not.toBeNull();
    const untouched = await server.createToken({ user_id: user.id });
    expect(untouched).toHaveProperty('redirect_url', null);
    expect(untouched).toHaveProperty('session_id', null);
  });

  it('makes ids that sort by creation time', async () => {
    const first = await server.createUser();
    server.clock.advance(1000);
    const second = await server.createUser();
    expect(first.id < second.id).toBe(true);
  });
});

describe('never a 500 for bad input', () => {
  const BODIES = [
    '{',
    '[]',
    'null',
    '"x"',
    '{"unknown":1}',
    '{"user_id":{}}',
    '{"email_address":[null]}',
    '{"ticket":["a"]}',
    '{"expires_in_seconds":1e400}',
    '{"session_max_duration_in_seconds":-1e-7}',
    Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
    `{"public_metadata":${'['.repeat(50_000)}}`,
  ];
  const QUERIES = [
    'limit=-1',
    'limit=1e999',
    'offset=99999999999999999999',
    'offset=9007199254740993',
    'status[]=x',
    'user_id=%00',
    `${'email_address=a&'.repeat(501)}x=1`,
    'order_by=',
    'order_by=-',
    'paginated=maybe',
    'ticket=',
    'query=%25%5F%5C',
    '%E0%A4%A=1',
  ];
  const IDS = [unknownId('user'), 'x', 'user_', `user_${'Z'.repeat(27)}`, '_'.repeat(128)];

  it('answers every documented route, with bad bodies, queries and ids, with a 4xx or a success', async () => {
    const problems: string[] = [];
    let requests = 0;
    for (const { method, path: pattern } of await documentedOperations(server)) {
      // Rotating a key on every probe would only spend time on key generation.
      if (pattern === '/v1/jwks/rotate') continue;
      for (const id of pattern.includes('{id}') ? IDS : [undefined]) {
        const path = concretePath(pattern, id);
        const attempts = [
          ...BODIES.map((body) => server.call(method, path, { body })),
          ...QUERIES.map((query) => server.call(method, `${path}?${query}`)),
        ];
        for (const reply of await Promise.all(attempts)) {
          requests++;
          if (reply.status >= 500)
            problems.push(`${method} ${path}: ${reply.status} ${reply.text.slice(0, 200)}`);
          if (reply.status >= 400 && reply.headers['content-type'] === 'application/json') {
            expect(reply.body.clerk_trace_id).toBe(reply.headers['x-request-id']);
            expect(reply.body.errors.length).toBeGreaterThan(0);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(requests).toBeGreaterThan(500);
    expect(server.logs.filter((entry) => entry.level === 'error')).toEqual([]);
  });
});

describe('the 1 MiB body limit, over the socket', () => {
  const LIMIT = 1024 * 1024;

  /** A valid create-user body of exactly `size` bytes: JSON whitespace, as every field has a smaller limit. */
  function bodyOf(size: number): string {
    const head = '{"public_metadata":{"pad":"a"}';
    const tail = '}';
    return head + ' '.repeat(size - head.length - tail.length) + tail;
  }

  it('takes a body of exactly 1 MiB', async () => {
    const body = bodyOf(LIMIT);
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    const response = await overSocket('POST', '/v1/users', { body });
    expect(response.status).toBe(200);
  });

  it('refuses one byte more with 413 request_body_too_large, logged under its request id, and creates nothing', async () => {
    const before = await userCount();
    const response = await overSocket('POST', '/v1/users', { body: bodyOf(LIMIT + 1) });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as Json;
    expect(body.errors[0].code).toBe('request_body_too_large');
    expect(body.clerk_trace_id).toBe(response.headers.get('x-request-id'));
    expect(body.clerk_trace_id).toMatch(/^req_[0-9a-f]{24}$/);
    const line = server.logs.find((entry) => entry.request_id === body.clerk_trace_id);
    expect(line).toMatchObject({ method: 'POST', route: '/v1/users', status: 413 });
    expect(await userCount()).toBe(before);
  });

  it('refuses a streamed body without Content-Length once it passes the limit', async () => {
    const before = await userCount();
    const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"public_metadata":{"pad":"'));
        if (sent > 2 * LIMIT) {
          controller.close();
          return;
        }
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await overSocket('POST', '/v1/users', { body: stream, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as Json).errors[0].code).toBe('request_body_too_large');
    expect(await userCount()).toBe(before);
    expect((await overSocket('GET', '/v1/health')).status).toBe(200);
  });
});

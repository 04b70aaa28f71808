import { Validator } from '@seriousme/openapi-schema-validator';
import { literal, nullable, string } from '@tessera/wire';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, type Reply, startTestServer, type TestServer } from './support/tessera';

// The served OpenAPI document is checked against the official OpenAPI 3.1 schema, and every schema
// in it is compiled as JSON Schema 2020-12 in strict mode (the OAS schema does not look inside
// schema objects, so an OpenAPI 3.0 keyword such as `nullable` would pass it). Then real replies
// of the server are validated against the schemas the document gives for them.

let server: TestServer;
let doc: Json;
// strict: an unknown keyword (`nullable`) is an error; formats are annotations here.
const ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: false });

beforeAll(async () => {
  server = await startTestServer();
  doc = (await server.get('/v1/openapi.json', { auth: false })).body;
});
afterAll(() => server.close());

/** Every schema object of the document, with where it sits. */
function schemasOf(document: Json): [string, Json][] {
  const found: [string, Json][] = [];
  for (const [path, methods] of Object.entries<Json>(document.paths)) {
    for (const [method, operation] of Object.entries<Json>(methods)) {
      const at = `${method.toUpperCase()} ${path}`;
      for (const parameter of operation.parameters ?? [])
        found.push([`${at} ${parameter.name}`, parameter.schema]);
      for (const [type, content] of Object.entries<Json>(operation.requestBody?.content ?? {})) {
        found.push([`${at} body (${type})`, content.schema]);
      }
      for (const [status, response] of Object.entries<Json>(operation.responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (schema) found.push([`${at} ${status}`, schema]);
      }
    }
  }
  return found;
}

function replySchema(method: string, path: string, status: '200' | 'default'): Json {
  const schema =
    doc.paths[path]?.[method.toLowerCase()]?.responses[status]?.content['application/json']?.schema;
  if (!schema) throw new Error(`the document has no ${status} JSON reply for ${method} ${path}`);
  return schema;
}

/** Validates a real reply against the document's schema for that operation and status. */
function expectConforms(method: string, path: string, reply: Reply): void {
  const status = reply.status < 400 ? '200' : 'default';
  const validate = ajv.compile(replySchema(method, path, status));
  const valid = validate(reply.body);
  expect(validate.errors ?? [], `${method} ${path} ${reply.status}`).toEqual([]);
  expect(valid).toBe(true);
}

describe('the OpenAPI document', () => {
  it('is valid against the official OpenAPI 3.1 schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('holds only JSON Schema 2020-12: every schema compiles in strict mode, none says nullable', () => {
    const schemas = schemasOf(doc);
    expect(schemas.length).toBeGreaterThan(50);
    for (const [where, schema] of schemas) {
      expect(() => ajv.compile(schema), where).not.toThrow();
    }
    expect(JSON.stringify(doc)).not.toContain('"nullable"');
  });

  it('keeps the limits the server enforces: null as a type, maxLength, minLength, pattern', () => {
    const user = replySchema('GET', '/v1/users/{id}', '200');
    expect(user.properties.username.type).toEqual(['string', 'null']);
    const create = doc.paths['/v1/users'].post.requestBody.content['application/json'].schema;
    expect(create.properties.external_id).toMatchObject({ type: 'string', minLength: 1, maxLength: 256 });
    expect(create.properties.first_name.maxLength).toBe(256);
    expect(create.properties.username.pattern).toBeTypeOf('string');
    const update = doc.paths['/v1/users/{id}'].patch.requestBody.content['application/json'].schema;
    expect(update.properties.first_name).toMatchObject({ type: ['string', 'null'], maxLength: 256 });
  });
});

describe('nullable in JSON Schema 2020-12', () => {
  it('adds null to the type, or sets an enum beside { type: null } so both are admitted', () => {
    const choice = ajv.compile(nullable(literal('a', 'b')).toJsonSchema());
    expect([choice('a'), choice(null), choice('c')]).toEqual([true, true, false]);
    expect(nullable(string({ maxLength: 3 })).toJsonSchema()).toEqual({
      type: ['string', 'null'],
      maxLength: 3,
    });
  });
});

describe('what the server sends is what the document allows', () => {
  it('users: create, retrieve, list (bare and paginated), count, delete', async () => {
    const created = await server.post('/v1/users', {
      email_address: ['ada@example.com'],
      username: 'ada',
      first_name: 'Ada',
      public_metadata: { plan: 'pro' },
    });
    expectConforms('POST', '/v1/users', created);
    const bare = await server.post('/v1/users', {});
    expectConforms('POST', '/v1/users', bare);
    expectConforms('GET', '/v1/users/{id}', await server.get(`/v1/users/${created.body.id}`));
    expectConforms('GET', '/v1/users', await server.get('/v1/users'));
    expectConforms('GET', '/v1/users', await server.get('/v1/users?paginated=true'));
    expectConforms('GET', '/v1/users/count', await server.get('/v1/users/count'));
    expectConforms('POST', '/v1/users/{id}/ban', await server.post(`/v1/users/${bare.body.id}/ban`));
    expectConforms('DELETE', '/v1/users/{id}', await server.del(`/v1/users/${bare.body.id}`));
  });

  it('test session tokens, ticket acceptance, sessions and session tokens', async () => {
    const user = await server.createUser();
    const created = await server.post('/v1/test_session_tokens', { user_id: user.id });
    expectConforms('POST', '/v1/test_session_tokens', created);
    const id = created.body.id;
    expectConforms('GET', '/v1/test_session_tokens/{id}', await server.get(`/v1/test_session_tokens/${id}`));
    expectConforms(
      'GET',
      '/v1/test_session_tokens',
      await server.get('/v1/test_session_tokens?paginated=true'),
    );

    const accepted = await server.post('/v1/tickets/accept', { ticket: created.body.token }, { auth: false });
    expectConforms('POST', '/v1/tickets/accept', accepted);
    const session = accepted.body.session.id;
    expectConforms('GET', '/v1/sessions/{id}', await server.get(`/v1/sessions/${session}`));
    expectConforms('GET', '/v1/sessions', await server.get(`/v1/sessions?user_id=${user.id}`));
    expectConforms('POST', '/v1/sessions/{id}/tokens', await server.post(`/v1/sessions/${session}/tokens`));
    expectConforms('POST', '/v1/sessions/{id}/end', await server.post(`/v1/sessions/${session}/end`));

    const other = await server.createToken({ user_id: user.id });
    expectConforms(
      'POST',
      '/v1/test_session_tokens/{id}/revoke',
      await server.post(`/v1/test_session_tokens/${other.id}/revoke`),
    );
  });

  it('keys, health and errors', async () => {
    expectConforms('GET', '/v1/jwks', await server.get('/v1/jwks'));
    expectConforms(
      'GET',
      '/.well-known/jwks.json',
      await server.get('/.well-known/jwks.json', { auth: false }),
    );
    expectConforms('GET', '/v1/health', await server.get('/v1/health', { auth: false }));
    const refused = await server.post('/v1/users', { username: 7, nope: true });
    expect(refused.status).toBe(422);
    expectConforms('POST', '/v1/users', refused);
  });
});

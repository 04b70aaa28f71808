import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../src/http/routes/index';
import { concretePath, SPEC_BACKEND_ROUTES, SPEC_PUBLIC_ROUTES } from './support/routes';
import { type Json, startTestServer, type TestServer } from './support/tessera';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
});

describe('GET /v1/health', () => {
  it('answers 200 without a key', async () => {
    const reply = await server.get('/v1/health', { auth: false, headers: { 'content-type': undefined } });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.body).toEqual({ object: 'health', status: 'ok' });
  });
});

describe('GET /v1/openapi.json', () => {
  let doc: Json;

  beforeAll(async () => {
    const reply = await server.get('/v1/openapi.json', { auth: false });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    doc = reply.body;
  });

  const operations = (): [string, string, Json][] =>
    Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]): [string, string, Json] => [
        method.toUpperCase(),
        path,
        operation,
      ]),
    );

  it('is an OpenAPI 3.1 document for this server', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    expect(doc.servers).toEqual([{ url: server.tessera.publicUrl }]);
    expect(doc.components.securitySchemes.secretKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ secretKey: [] }]);
  });

  it('describes exactly the routes the server serves, among them every route of the spec', () => {
    const documented = operations()
      .map(([method, path]) => `${method} ${path}`)
      .sort();
    expect(documented).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    expect(documented).toEqual(
      expect.arrayContaining(
        [...SPEC_BACKEND_ROUTES, ...SPEC_PUBLIC_ROUTES].map(([method, path]) => `${method} ${path}`),
      ),
    );
  });

  it('routes every documented operation (none falls through to "no route")', async () => {
    for (const [method, path] of operations()) {
      if (path === '/v1/jwks/rotate') continue; // answered, but it would generate a key
      server.logs.length = 0;
      await server.call(method, concretePath(path));
      expect(server.logs[0]?.route, `${method} ${path}`).toBe(path);
    }
  });

  it('gives every operation a unique id, its parameters, responses and the error shape', () => {
    const ids = new Set<string>();
    for (const [method, path, operation] of operations()) {
      const where = `${method} ${path}`;
      expect(typeof operation.operationId, where).toBe('string');
      ids.add(operation.operationId);
      expect(typeof operation.summary, where).toBe('string');
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters as Json[]).filter((parameter) => parameter.in === 'path');
      expect(
        declared.map((parameter) => parameter.name),
        where,
      ).toEqual(pathParams);
      for (const parameter of operation.parameters as Json[]) {
        expect(['path', 'query', 'header'], where).toContain(parameter.in);
        expect(typeof parameter.name, where).toBe('string');
        expect(typeof parameter.schema, where).toBe('object');
      }
      const responses = operation.responses as Record<string, Json>;
      const success = Object.keys(responses).filter((status) => status !== 'default');
      expect(success.length, where).toBe(1);
      expect(['200', '303'], where).toContain(success[0]);
      const errorSchema = responses.default.content['application/json'].schema;
      expect(errorSchema.required).toEqual(expect.arrayContaining(['errors', 'clerk_trace_id']));
    }
    expect(ids.size).toBe(operations().length);
  });

  it('marks the frontend routes as needing no key, and the Backend API as needing it', () => {
    const isPublic = new Map(
      operations().map(([method, path, operation]) => [
        `${method} ${path}`,
        Array.isArray(operation.security) && operation.security.length === 0,
      ]),
    );
    for (const [method, path] of SPEC_PUBLIC_ROUTES)
      expect(isPublic.get(`${method} ${path}`), path).toBe(true);
    for (const [method, path] of SPEC_BACKEND_ROUTES)
      expect(isPublic.get(`${method} ${path}`), path).toBe(false);
  });

  it('documents request bodies and query parameters from the same definitions that validate them', () => {
    const op = (method: string, path: string) => doc.paths[path][method.toLowerCase()];
    const createToken = op('POST', '/v1/test_session_tokens');
    const body = createToken.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties).sort()).toEqual([
      'claims',
      'expires_in_seconds',
      'identifier',
      'organization_id',
      'redirect_url',
      'session_max_duration_in_seconds',
      'user_id',
    ]);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.expires_in_seconds).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 2_592_000,
    });
    expect(body.properties.session_max_duration_in_seconds).toMatchObject({ minimum: 60, maximum: 604_800 });
    expect(createToken.parameters.map((parameter: Json) => parameter.name)).toContain('Idempotency-Key');

    const createUser = op('POST', '/v1/users').requestBody.content['application/json'].schema;
    expect(createUser.properties.email_address.type).toBe('array');

    const listUsers = op('GET', '/v1/users').parameters.map((parameter: Json) => parameter.name);
    expect(listUsers).toEqual(
      expect.arrayContaining([
        'email_address',
        'username',
        'external_id',
        'user_id',
        'query',
        'limit',
        'offset',
        'order_by',
        'paginated',
      ]),
    );
    const listSessions = op('GET', '/v1/sessions').parameters.map((parameter: Json) => parameter.name);
    expect(listSessions).toEqual(expect.arrayContaining(['user_id', 'status', 'paginated']));
    const session = op('GET', '/v1/sessions/{id}').responses['200'].content['application/json'].schema;
    expect(session.properties.status.enum).toEqual(['active', 'revoked', 'ended', 'expired']);
  });
});

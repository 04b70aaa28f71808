import type { TestServer } from './tessera';

/** The Backend API routes the spec names: every one needs the secret key. */
export const SPEC_BACKEND_ROUTES = [
  ['GET', '/v1/jwks'],
  ['POST', '/v1/users'],
  ['GET', '/v1/users'],
  ['GET', '/v1/users/count'],
  ['GET', '/v1/users/{id}'],
  ['PATCH', '/v1/users/{id}'],
  ['DELETE', '/v1/users/{id}'],
  ['POST', '/v1/users/{id}/ban'],
  ['POST', '/v1/users/{id}/unban'],
  ['POST', '/v1/test_session_tokens'],
  ['GET', '/v1/test_session_tokens'],
  ['GET', '/v1/test_session_tokens/{id}'],
  ['POST', '/v1/test_session_tokens/{id}/revoke'],
  ['GET', '/v1/sessions'],
  ['GET', '/v1/sessions/{id}'],
  ['POST', '/v1/sessions/{id}/revoke'],
  ['POST', '/v1/sessions/{id}/tokens'],
] as const;

/** The frontend routes and probes the spec names: no secret key. */
export const SPEC_PUBLIC_ROUTES = [
  ['GET', '/.well-known/jwks.json'],
  ['GET', '/v1/health'],
  ['GET', '/v1/openapi.json'],
  ['GET', '/v1/tickets/accept'],
  ['POST', '/v1/tickets/accept'],
  ['GET', '/v1/tickets/signed-in'],
] as const;

export interface Operation {
  readonly method: string;
  readonly path: string;
  /** No secret key needed (`security: []` in the OpenAPI document). */
  readonly isPublic: boolean;
}

/** Every operation the server documents in `/v1/openapi.json`. */
export async function documentedOperations(server: TestServer): Promise<Operation[]> {
  const doc = (await server.get('/v1/openapi.json', { auth: false })).body as {
    paths: Record<string, Record<string, { security?: unknown[] }>>;
  };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      isPublic: Array.isArray(operation.security) && operation.security.length === 0,
    })),
  );
}

/** A concrete path for a route pattern, with a well-formed id that names nothing. */
export function concretePath(pattern: string, id = 'user_0000000000000000000000000zz'): string {
  // `{id}` is the probe; any other placeholder (`{user_id}`, `{template_name}`) gets a name of its own.
  return pattern.replace('{id}', id).replace(/\{(\w+)\}/g, (_match, name: string) => `${name}_x`);
}

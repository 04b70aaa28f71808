import { type JsonSchema, jsonObject, wireErrorBody } from '@tessera/wire';
import type { Route, RouteResponse } from '../route';
import { defineRoute } from '../route';
import { jsonResponse } from '../types';

const ERROR_REPLY = {
  description: 'Error, in the wire error shape',
  content: { 'application/json': { schema: wireErrorBody.toJsonSchema() } },
};

function responseOf(response: RouteResponse): Record<string, unknown> {
  switch (response.kind) {
    case 'object':
      return {
        description: 'OK',
        content: { 'application/json': { schema: response.schema.toJsonSchema() } },
      };
    case 'list':
      return {
        description: 'A bare array, or `{ data, total_count }` with `paginated=true`',
        content: {
          'application/json': {
            schema: {
              oneOf: [
                { type: 'array', items: response.schema.toJsonSchema() },
                {
                  type: 'object',
                  properties: {
                    data: { type: 'array', items: response.schema.toJsonSchema() },
                    total_count: { type: 'integer' },
                  },
                },
              ],
            },
          },
        },
      };
    case 'redirect':
      return { description: "Redirect (303) to the ticket's redirect_url" };
    case 'html':
      return { description: 'An HTML page', content: { 'text/html': {} } };
  }
}

function parametersOf(route: Route): JsonSchema[] {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^[A-Za-z0-9_]+$' },
  }));
  const queryParams = Object.entries(route.query?.shape ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: !schema.optional,
    ...(schema.kind === 'array' && { style: 'form', explode: true }),
    schema: schema.toJsonSchema(),
  }));
  const idempotency = route.idempotent
    ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }]
    : [];
  return [...pathParams, ...queryParams, ...idempotency];
}

/** The OpenAPI 3.1 document, generated from the same route table and schemas that serve requests. */
export function openApiDocument(routes: readonly Route[], serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operations = paths[route.path] ?? {};
    paths[route.path] = operations;
    operations[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.auth === 'public' && { security: [] }),
      parameters: parametersOf(route),
      ...(route.body && {
        requestBody: {
          required: false,
          content: {
            [route.bodyEncoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json']: {
              schema: route.body.toJsonSchema(),
            },
          },
        },
      }),
      responses: {
        [route.response.kind === 'redirect' ? '303' : '200']: responseOf(route.response),
        default: ERROR_REPLY,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'tessera Backend API', version: '1' },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        secretKey: { type: 'http', scheme: 'bearer', description: 'sk_test_... or sk_live_...' },
      },
    },
    security: [{ secretKey: [] }],
    paths,
  };
}

export function openApiRoute(routes: () => readonly Route[]) {
  return defineRoute({
    method: 'GET',
    path: '/v1/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This document',
    auth: 'public',
    response: { kind: 'object', schema: jsonObject() },
    handler: async ({ ctx }) => jsonResponse(200, openApiDocument(routes(), ctx.settings.publicUrl)),
  });
}

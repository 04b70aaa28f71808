import { describe, expectTypeOf, it } from 'vitest';
import { defineRoute, type PathParamNames, type PathParams } from '../src/http/route';
import { ROUTES } from '../src/http/routes';
import { jsonResponse } from '../src/http/types';

// Type-level: a route's path parameters come from its path literal, so a handler can read
// `params.id` without `!`, and a name the path does not have does not compile.
describe('route path parameters are typed from the path', () => {
  it('names every placeholder of the path, and none for a path without one', () => {
    expectTypeOf<PathParamNames<'/v1/users/{id}'>>().toEqualTypeOf<'id'>();
    expectTypeOf<PathParamNames<'/v1/users/{id}/ban'>>().toEqualTypeOf<'id'>();
    expectTypeOf<PathParamNames<'/v1/orgs/{org_id}/members/{user_id}'>>().toEqualTypeOf<
      'org_id' | 'user_id'
    >();
    expectTypeOf<PathParamNames<'/v1/users'>>().toEqualTypeOf<never>();
    expectTypeOf<PathParams<'/v1/users/{id}'>>().toEqualTypeOf<{ readonly id: string }>();
    expectTypeOf<keyof PathParams<'/v1/users'>>().toEqualTypeOf<never>();
  });

  it('gives the handler exactly those parameters', () => {
    defineRoute({
      method: 'GET',
      path: '/v1/things/{id}/parts/{part_id}',
      operationId: 'typeOnly',
      summary: 'type-level check only',
      auth: 'secret',
      response: { kind: 'html' },
      handler: async ({ params }) => {
        expectTypeOf(params).toEqualTypeOf<{ readonly id: string; readonly part_id: string }>();
        // @ts-expect-error the path has no {name} placeholder
        params.name;
        return jsonResponse(200, {});
      },
    });
  });

  it('the served routes keep their untyped, erased form for the router', () => {
    expectTypeOf(ROUTES[0]!.path).toEqualTypeOf<string>();
  });
});

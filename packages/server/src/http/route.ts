import type { InferShape, ObjectSchema, Schema, Shape } from '@tessera/wire';
import type { ServerContext } from '../core/context';
import type { HttpRequest, HttpResponse } from './types';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The names of a path's `{name}` placeholders, from the path literal:
 * `PathParamNames<'/v1/users/{id}/ban'>` is `'id'`.
 */
export type PathParamNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParamNames<Rest>
  : never;

/** A route's path parameters, typed from its path: `{ id: string }` for `/v1/users/{id}`. */
export type PathParams<Path extends string> = { readonly [Name in PathParamNames<Path>]: string };

export interface RouteInput<B, Q, P = Readonly<Record<string, string>>> {
  readonly ctx: ServerContext;
  readonly params: P;
  readonly body: B;
  readonly query: Q;
  readonly request: HttpRequest;
}

/** What a route answers, for the OpenAPI document. */
export type RouteResponse =
  | { readonly kind: 'object'; readonly schema: Schema<unknown> }
  | { readonly kind: 'list'; readonly schema: Schema<unknown> }
  | { readonly kind: 'redirect' | 'html' };

export interface Route {
  readonly method: Method;
  /** With `{name}` placeholders, e.g. `/v1/users/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  /** `secret`: Backend API, requires the secret key. `public`: frontend routes. */
  readonly auth: 'secret' | 'public';
  readonly body?: ObjectSchema<Shape>;
  /** `form`: the body is an HTML form's (urlencoded), validated by `body` like JSON. */
  readonly bodyEncoding?: 'form';
  readonly query?: ObjectSchema<Shape>;
  readonly response: RouteResponse;
  /** Creates honour `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** Errors are rendered as an HTML page rather than JSON (browser-facing routes). */
  readonly errorsAsHtml?: boolean;
  readonly handler: (input: RouteInput<unknown, unknown>) => Promise<HttpResponse>;
}

type EmptyShape = Record<never, Schema<unknown>>;

/**
 * Declares a route; the handler's `body` and `query` are typed from their schemas and its `params`
 * from the path literal (the router fills exactly the placeholders of the path).
 */
export function defineRoute<Path extends string, B extends Shape = EmptyShape, Q extends Shape = EmptyShape>(
  route: Omit<Route, 'path' | 'body' | 'query' | 'handler'> & {
    readonly path: Path;
    readonly body?: ObjectSchema<B>;
    readonly query?: ObjectSchema<Q>;
    readonly handler: (
      input: RouteInput<InferShape<B>, InferShape<Q>, PathParams<Path>>,
    ) => Promise<HttpResponse>;
  },
): Route {
  return route as unknown as Route;
}

import type { InferShape, ObjectSchema, Schema, Shape } from '@tessera/wire';
import type { ServerContext } from '../core/context';
import type { HttpRequest, HttpResponse } from './types';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteInput<B, Q> {
  readonly ctx: ServerContext;
  readonly params: Readonly<Record<string, string>>;
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
  readonly query?: ObjectSchema<Shape>;
  readonly response: RouteResponse;
  /** Creates honour `Idempotency-Key`. */
  readonly idempotent?: boolean;
  /** Errors are rendered as an HTML page rather than JSON (browser-facing routes). */
  readonly errorsAsHtml?: boolean;
  readonly handler: (input: RouteInput<unknown, unknown>) => Promise<HttpResponse>;
}

type EmptyShape = Record<never, Schema<unknown>>;

/** Declares a route; the handler's `body` and `query` are typed from their schemas. */
export function defineRoute<B extends Shape = EmptyShape, Q extends Shape = EmptyShape>(
  route: Omit<Route, 'body' | 'query' | 'handler'> & {
    readonly body?: ObjectSchema<B>;
    readonly query?: ObjectSchema<Q>;
    readonly handler: (input: RouteInput<InferShape<B>, InferShape<Q>>) => Promise<HttpResponse>;
  },
): Route {
  return route as unknown as Route;
}

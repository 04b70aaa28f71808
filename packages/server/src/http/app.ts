import { performance } from 'node:perf_hooks';
import { object } from '@tessera/wire';
import { ApiError } from '../core/api-error';
import type { ServerContext } from '../core/context';
import { pooledRandomBytes } from '../core/random-pool';
import { type Authenticate, secretKeyAuthenticator } from './auth';
import { formBodyAsJson } from './form-body';
import { withIdempotency } from './idempotency';
import { htmlPage } from './pages';
import { parseBody, parseQuery } from './parse-input';
import type { RequestLogger } from './request-log';
import type { Route } from './route';
import { type RouteMatch, Router } from './router';
import { type HttpRequest, type HttpResponse, jsonResponse } from './types';
import { errorBody, toApiError } from './wire-errors';

export interface App {
  handle(request: HttpRequest): Promise<HttpResponse>;
  /**
   * Answers a request the socket adapter could not read (a body over the limit): with a request id,
   * and logged, like any other request.
   */
  refuse(request: HttpRequest, failure: ApiError): HttpResponse;
  /**
   * Studio's calls into the Backend API: the same routes, validation and errors as any client's,
   * without the secret key (Studio's gate has admitted the person) and audited as Studio's.
   */
  handleForStudio(request: HttpRequest): Promise<HttpResponse>;
}

const NO_PARAMETERS = object({});

function newRequestId(): string {
  return `req_${pooledRandomBytes(12).toString('hex')}`;
}

const UNAVAILABLE = new ApiError(
  'service_unavailable',
  'The database cannot be reached right now. Retry shortly; nothing of this request was kept.',
);

function withRetryAfter(response: HttpResponse): HttpResponse {
  return { ...response, headers: { ...response.headers, 'retry-after': '1' } };
}

function withAllow(response: HttpResponse, allowed: readonly string[]): HttpResponse {
  return { ...response, headers: { ...response.headers, allow: allowed.join(', ') } };
}

function errorResponse(error: ApiError, requestId: string, asHtml: boolean): HttpResponse {
  if (!asHtml) return jsonResponse(error.status, errorBody(error, requestId));
  const first = error.errors[0];
  // Parameter errors have terse messages ("is missing"); on a page, the link itself is what is wrong.
  const title = first?.code.startsWith('form_param')
    ? 'This link is incomplete'
    : (first?.message ?? 'Error');
  return htmlPage(error.status, title, [first?.long_message ?? '', `Request id: ${requestId}`]);
}

async function run(
  ctx: ServerContext,
  authenticate: Authenticate,
  route: Route,
  params: Record<string, string>,
  request: HttpRequest,
) {
  const secretKey =
    route.auth === 'secret' && !request.viaStudio ? authenticate(request.headers.authorization) : undefined;
  let body: unknown;
  if (route.body) {
    body = parseBody(route.body, route.bodyEncoding === 'form' ? formBodyAsJson(request.body) : request.body);
  }
  // A POST or DELETE that takes no parameters still refuses a body that is not `{}` (or empty).
  else if (request.method !== 'GET') parseBody(NO_PARAMETERS, request.body);
  const query = route.query
    ? parseQuery(route.query, request.query, route.auth === 'secret' ? 'refuse' : 'ignore')
    : undefined;
  const execute = () => route.handler({ ctx, params, body, query, request });
  const idempotencyKey = request.headers['idempotency-key'];
  if (route.idempotent && idempotencyKey !== undefined) {
    // Scoped by the route and its parameters, so `/x`, `/x/` and `//x` are one endpoint.
    const scope = `${route.method} ${route.path} ${JSON.stringify(params)}`;
    return withIdempotency(ctx, { idempotencyKey, scope, secretKey: secretKey ?? '', body }, execute);
  }
  return execute();
}

/**
 * The whole server as a function from request to response: routing, auth, validation, errors, logs.
 * `log` receives one entry per request; without it, no entry is built.
 */
export function createApp(ctx: ServerContext, routes: readonly Route[], log?: RequestLogger): App {
  const router = new Router(routes);
  const authenticate = secretKeyAuthenticator(ctx.secretKeyHash);

  const finish = (
    request: HttpRequest,
    match: RouteMatch,
    started: number,
    requestId: string,
    response: HttpResponse,
    failure: unknown,
  ): HttpResponse => {
    const status = response.status;
    log?.({
      level: status >= 500 ? 'error' : 'info',
      time: new Date(ctx.clock.now()).toISOString(),
      request_id: requestId,
      method: request.method,
      route: match.kind === 'found' ? match.route.path : 'unmatched',
      status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      ...(status >= 500 && failure instanceof Error && { error: failure.stack ?? failure.name }),
    });
    return { ...response, headers: { ...response.headers, 'x-request-id': requestId } };
  };

  const rendersHtml = (match: RouteMatch) => match.kind === 'found' && match.route.errorsAsHtml === true;

  const dispatch = async (request: HttpRequest): Promise<HttpResponse> => {
    const started = performance.now();
    const requestId = newRequestId();
    const match = router.match(request.method, request.path);
    let response: HttpResponse;
    let failure: unknown;
    try {
      if (match.kind === 'not_found') {
        throw new ApiError('resource_not_found', `No route matches ${request.method} ${request.path}.`);
      }
      if (match.kind === 'method_not_allowed') {
        throw new ApiError('method_not_allowed', `This path accepts ${match.allowed.join(', ')}.`);
      }
      response = await run(ctx, authenticate, match.route, match.params, request);
    } catch (error) {
      failure = error;
      const asHtml = rendersHtml(match);
      response = ctx.dialect.isUnavailable(error)
        ? withRetryAfter(errorResponse(UNAVAILABLE, requestId, asHtml))
        : errorResponse(toApiError(error), requestId, asHtml);
      // RFC 9110: a 405 names the methods the path does accept.
      if (match.kind === 'method_not_allowed') response = withAllow(response, match.allowed);
    }
    return finish(request, match, started, requestId, response, failure);
  };

  return {
    handle(request) {
      // Only Studio's own calls may skip the key: a request from a socket never carries the mark.
      const { viaStudio: _ignored, ...fromClient } = request;
      return dispatch(fromClient);
    },

    handleForStudio(request) {
      return dispatch({ ...request, viaStudio: true });
    },

    refuse(request, failure) {
      const started = performance.now();
      const requestId = newRequestId();
      const match = router.match(request.method, request.path);
      const response = errorResponse(failure, requestId, rendersHtml(match));
      return finish(request, match, started, requestId, response, failure);
    },
  };
}

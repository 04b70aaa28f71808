import {
  type CreateSessionTokenParams,
  type ListSessionsQuery,
  sessionObject,
  type CreateSessionParams as WireCreateSessionParams,
} from '@tessera/wire';
import type { Requester } from '../client/request';
import { ConfigurationError } from '../errors';
import { type CamelParams, toWireBody } from '../internal/case';
import { pathId } from '../internal/validate';
import { type PaginatedList, SessionWithToken, Token } from '../resources/misc';
import { Session, toSession } from '../resources/session';
import { SessionHandoff, SessionRefresh } from '../resources/session-handoff';
import { type CreateOptions, paginatedReader } from './common';

/**
 * Filters and paging of `sessions.list`.
 *
 * @example
 * ```ts
 * const params: ListSessionsParams = { userId: 'user_...', status: 'active' };
 * ```
 */
export type ListSessionsParams = Omit<CamelParams<ListSessionsQuery>, 'paginated'>;

/**
 * Who the session is for, and optionally for how long (default 1800 seconds).
 *
 * @example
 * ```ts
 * const params: CreateSessionParams = { userId: 'user_...', sessionMaxDurationInSeconds: 600 };
 * ```
 */
export type CreateSessionParams = CamelParams<WireCreateSessionParams>;

/**
 * Options of `sessions.getToken`.
 *
 * @example
 * ```ts
 * const params: GetSessionTokenParams = { expiresInSeconds: 300 };
 * ```
 */
export type GetSessionTokenParams = CamelParams<CreateSessionTokenParams>;

/**
 * `client.sessions`: read, revoke and end sessions, mint session JWTs, and carry a session to an
 * app's origin (redeem a handoff, refresh its JWT).
 *
 * @example
 * ```ts
 * const { data } = await client.sessions.list({ userId: 'user_...', status: 'active' });
 * await Promise.all(data.map((session) => client.sessions.revoke(session.id)));
 * ```
 */
export interface SessionsApi {
  /**
   * `POST /v1/sessions` with an `Idempotency-Key`: a session at once, for tests (a production
   * instance refuses it unless test session tokens are enabled).
   */
  create(params: CreateSessionParams, options?: CreateOptions): Promise<Session>;
  /**
   * `POST /v1/sessions/with_token` with an `Idempotency-Key` (tessera's own): the session `create`
   * makes and its first JWT in one call, the quickest way from a user id to a credential. Refused as
   * `create` is.
   */
  createWithToken(params: CreateSessionParams, options?: CreateOptions): Promise<SessionWithToken>;
  /** `GET /v1/sessions/{id}`. */
  get(sessionId: string): Promise<Session>;
  /** `GET /v1/sessions?paginated=true&...`. */
  list(params?: ListSessionsParams): Promise<PaginatedList<Session>>;
  /** `POST /v1/sessions/{id}/revoke`. */
  revoke(sessionId: string): Promise<Session>;
  /** `POST /v1/sessions/{id}/tokens`: a fresh JWT for an active session. */
  getToken(sessionId: string, params?: GetSessionTokenParams): Promise<Token>;
  /**
   * `POST /v1/sessions/{id}/tokens/{template}`: a JWT of the session's user made from the JWT template
   * named `template` (its claims rendered now; it lives the template's `lifetime` unless
   * `expiresInSeconds` says otherwise). Rejects with `jwt_template_not_found` for an unknown name.
   */
  getToken(sessionId: string, template: string, params?: GetSessionTokenParams): Promise<Token>;
  /**
   * `POST /v1/session_handoffs/redeem`: exchanges the `__tessera_handoff` value of an app's redirect
   * URL for the session, a JWT and a refresh token. Works once, within 60 seconds; never retried.
   * Rejects with `ApiResponseError` `session_handoff_invalid` (unknown, used or expired) or
   * `session_not_active` (revoked meanwhile).
   */
  redeemHandoff(handoff: string): Promise<SessionHandoff>;
  /**
   * `POST /v1/sessions/refresh`: a fresh JWT for the session the refresh token is bound to. Rejects
   * with `session_not_active` once the session is revoked, ended or expired (or its user banned or
   * deleted), and `refresh_token_invalid` (401) for a token that belongs to no session.
   */
  refresh(refreshToken: string): Promise<SessionRefresh>;
  /** `POST /v1/sessions/{id}/end`: the user signed out (status `ended`); only an active session. */
  end(sessionId: string): Promise<Session>;
}

const readList = paginatedReader(sessionObject, toSession, 'Session');
const resource = 'Session';

function nonEmptyArgument(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw new ConfigurationError(option, 'must be a non-empty string');
  return value;
}

export function createSessionsApi(request: Requester): SessionsApi {
  const byId = (id: unknown, suffix = '') => `/sessions/${pathId('sessionId', id)}${suffix}`;
  return {
    create: async (params, options = {}) =>
      request({
        method: 'POST',
        path: '/sessions',
        body: toWireBody(params),
        idempotent: true,
        idempotencyKey: options.idempotencyKey,
        resource,
        read: Session.fromJSON,
      }),
    createWithToken: async (params, options = {}) =>
      request({
        method: 'POST',
        path: '/sessions/with_token',
        body: toWireBody(params),
        idempotent: true,
        idempotencyKey: options.idempotencyKey,
        resource: 'SessionWithToken',
        read: SessionWithToken.fromJSON,
      }),
    get: async (id) => request({ method: 'GET', path: byId(id), resource, read: Session.fromJSON }),
    list: async (params = {}) =>
      request({
        method: 'GET',
        path: '/sessions',
        query: { ...toWireBody(params), paginated: true },
        resource,
        read: readList,
      }),
    revoke: async (id) =>
      request({ method: 'POST', path: byId(id, '/revoke'), resource, read: Session.fromJSON }),
    getToken: async (
      id: string,
      templateOrParams?: string | GetSessionTokenParams,
      more?: GetSessionTokenParams,
    ) => {
      const named = typeof templateOrParams === 'string';
      const params = named ? more : templateOrParams;
      const suffix = named
        ? `/tokens/${encodeURIComponent(nonEmptyArgument('template', templateOrParams))}`
        : '/tokens';
      return request({
        method: 'POST',
        path: byId(id, suffix),
        ...(params === undefined ? {} : { body: toWireBody(params) }),
        resource: 'Token',
        read: Token.fromJSON,
      });
    },
    redeemHandoff: async (handoff) =>
      request({
        method: 'POST',
        path: '/session_handoffs/redeem',
        body: { handoff: nonEmptyArgument('handoff', handoff) },
        resource: 'SessionHandoff',
        read: SessionHandoff.fromJSON,
      }),
    refresh: async (refreshToken) =>
      request({
        method: 'POST',
        path: '/sessions/refresh',
        body: { refresh_token: nonEmptyArgument('refreshToken', refreshToken) },
        resource: 'SessionRefresh',
        read: SessionRefresh.fromJSON,
      }),
    end: async (id) => request({ method: 'POST', path: byId(id, '/end'), resource, read: Session.fromJSON }),
  };
}

import { type CreateSessionTokenParams, type ListSessionsQuery, sessionObject } from '@tessera/wire';
import type { Requester } from '../client/request';
import { type CamelParams, toWireBody } from '../internal/case';
import { pathId } from '../internal/validate';
import { type PaginatedList, Token } from '../resources/misc';
import { Session, toSession } from '../resources/session';
import { paginatedReader } from './common';

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
 * Options of `sessions.getToken`.
 *
 * @example
 * ```ts
 * const params: GetSessionTokenParams = { expiresInSeconds: 300 };
 * ```
 */
export type GetSessionTokenParams = CamelParams<CreateSessionTokenParams>;

/**
 * `client.sessions`: read and revoke sessions, mint session JWTs.
 *
 * @example
 * ```ts
 * const { data } = await client.sessions.list({ userId: 'user_...', status: 'active' });
 * await Promise.all(data.map((session) => client.sessions.revoke(session.id)));
 * ```
 */
export interface SessionsApi {
  /** `GET /v1/sessions/{id}`. */
  get(sessionId: string): Promise<Session>;
  /** `GET /v1/sessions?paginated=true&...`. */
  list(params?: ListSessionsParams): Promise<PaginatedList<Session>>;
  /** `POST /v1/sessions/{id}/revoke`. */
  revoke(sessionId: string): Promise<Session>;
  /** `POST /v1/sessions/{id}/tokens`: a fresh JWT for an active session. */
  getToken(sessionId: string, params?: GetSessionTokenParams): Promise<Token>;
}

const readList = paginatedReader(sessionObject, toSession, 'Session');
const resource = 'Session';

export function createSessionsApi(request: Requester): SessionsApi {
  const byId = (id: unknown, suffix = '') => `/sessions/${pathId('sessionId', id)}${suffix}`;
  return {
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
    getToken: async (id, params) =>
      request({
        method: 'POST',
        path: byId(id, '/tokens'),
        ...(params === undefined ? {} : { body: toWireBody(params) }),
        resource: 'Token',
        read: Token.fromJSON,
      }),
  };
}

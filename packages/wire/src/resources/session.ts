import { idSchema } from '../ids';
import {
  fields,
  type Infer,
  integer,
  jsonObject,
  literal,
  nullable,
  object,
  optional,
  string,
} from '../schema';
import { orderBy, pagingQuery, timestamp } from './common';

export const SESSION_STATUSES = ['active', 'revoked', 'ended', 'expired'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const sessionObject = object(
  fields(() => ({
    object: literal('session'),
    id: idSchema('session'),
    client_id: idSchema('client'),
    user_id: idSchema('user'),
    status: literal(...SESSION_STATUSES),
    actor: nullable(jsonObject()),
    last_active_organization_id: nullable(string()),
    last_active_at: timestamp,
    expire_at: timestamp,
    abandon_at: timestamp,
    created_at: timestamp,
    updated_at: timestamp,
  })),
);

export const listSessionsQuery = object(
  fields(() => ({
    user_id: optional(idSchema('user')),
    client_id: optional(idSchema('client')),
    status: optional(literal(...SESSION_STATUSES)),
    ...pagingQuery,
    order_by: orderBy('created_at', 'updated_at', 'expire_at'),
  })),
);

/**
 * `POST /v1/sessions` (`@clerk/backend`'s `sessions.createSession`): a session for a user at once,
 * for tests; refused on a production instance unless test session tokens are enabled.
 */
export const createSessionParams = object({
  user_id: idSchema('user'),
  session_max_duration_in_seconds: optional(
    integer({
      min: 60,
      max: 604_800,
      description: 'Lifetime of the session (default 1800)',
    }),
  ),
});

/**
 * The reply to `POST /v1/sessions/with_token` (tessera's own): the session `POST /v1/sessions` makes
 * and its first JWT, in one call, for tests that need a user's credential and nothing else.
 */
export const sessionWithTokenObject = object({
  object: literal('session_with_token'),
  session: sessionObject,
  jwt: string(),
});

/** Default lifetime of a session created directly, as of one a test session token starts. */
export const DIRECT_SESSION_DEFAULT_SECONDS = 1800;

/** `POST /v1/sessions/{id}/tokens`: a fresh session JWT. */
/** The longest a session JWT may live; signing keys stay published this long after retirement. */
export const MAX_SESSION_TOKEN_LIFETIME_SECONDS = 3600;

export const createSessionTokenParams = object({
  expires_in_seconds: optional(
    integer({
      min: 1,
      max: MAX_SESSION_TOKEN_LIFETIME_SECONDS,
      description: 'JWT lifetime (default: the server setting)',
    }),
  ),
});

export const tokenObject = object({
  object: literal('token'),
  jwt: string(),
});

export type SessionJSON = Infer<typeof sessionObject>;
export type SessionWithTokenJSON = Infer<typeof sessionWithTokenObject>;
export type ListSessionsQuery = Infer<typeof listSessionsQuery>;
export type CreateSessionParams = Infer<typeof createSessionParams>;
export type CreateSessionTokenParams = Infer<typeof createSessionTokenParams>;
export type TokenJSON = Infer<typeof tokenObject>;

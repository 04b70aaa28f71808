import { idSchema } from '../ids';
import { type Infer, integer, literal, nullable, object, optional, string } from '../schema';
import { orderBy, pagingQuery, timestamp } from './common';

export const TEST_SESSION_TOKEN_STATUSES = ['pending', 'accepted', 'revoked'] as const;
export type TestSessionTokenStatus = (typeof TEST_SESSION_TOKEN_STATUSES)[number];

/** Bounds and defaults of a test session token's two lifetimes. */
export const TEST_SESSION_TOKEN_LIMITS = {
  expiresInSeconds: { min: 1, max: 30 * 24 * 3600, default: 600 },
  sessionMaxDurationInSeconds: { min: 60, max: 604_800, default: 1800 },
} as const;

const { expiresInSeconds, sessionMaxDurationInSeconds } = TEST_SESSION_TOKEN_LIMITS;

export const testSessionTokenObject = object({
  object: literal('test_session_token'),
  id: idSchema('testSessionToken'),
  user_id: idSchema('user'),
  status: literal(...TEST_SESSION_TOKEN_STATUSES),
  token: nullable(string()),
  url: nullable(string()),
  redirect_url: nullable(string()),
  session_id: nullable(idSchema('session')),
  expires_at: timestamp,
  session_max_duration_in_seconds: integer({ min: sessionMaxDurationInSeconds.min }),
  created_at: timestamp,
  updated_at: timestamp,
});

export const createTestSessionTokenParams = object({
  user_id: optional(idSchema('user')),
  identifier: optional(string({ minLength: 1, maxLength: 320, description: 'An email address or username' })),
  session_max_duration_in_seconds: optional(
    integer({
      min: sessionMaxDurationInSeconds.min,
      max: sessionMaxDurationInSeconds.max,
      description: `Lifetime of the session the token starts (default ${sessionMaxDurationInSeconds.default})`,
    }),
  ),
  redirect_url: optional(string({ minLength: 1, maxLength: 2048, description: 'Where the browser lands' })),
  expires_in_seconds: optional(
    integer({
      min: expiresInSeconds.min,
      max: expiresInSeconds.max,
      description: `How long the token can be accepted (default ${expiresInSeconds.default})`,
    }),
  ),
});

export const listTestSessionTokensQuery = object({
  user_id: optional(idSchema('user')),
  status: optional(literal(...TEST_SESSION_TOKEN_STATUSES)),
  ...pagingQuery,
  order_by: orderBy('created_at', 'updated_at', 'expires_at'),
});

export type TestSessionTokenJSON = Infer<typeof testSessionTokenObject>;
export type CreateTestSessionTokenParams = Infer<typeof createTestSessionTokenParams>;
export type ListTestSessionTokensQuery = Infer<typeof listTestSessionTokensQuery>;

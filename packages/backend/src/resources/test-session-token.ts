import {
  type TestSessionTokenJSON,
  type TestSessionTokenStatus,
  testSessionTokenObject,
} from '@tessera/wire';
import { readWire } from './read-wire';

/**
 * A test session token: a one-time credential that signs whoever presents it in as `userId`.
 * `token` and `url` are only present in the reply to `create` (null afterwards).
 *
 * @example
 * ```ts
 * const token = await client.testSessionTokens.create({ userId, sessionMaxDurationInSeconds: 1800 });
 * await page.goto(token.url!); // signed in, landed on redirectUrl
 * token.status; // 'pending' | 'accepted' | 'revoked'
 * ```
 */
export interface TestSessionToken {
  readonly object: 'test_session_token';
  readonly id: string;
  readonly userId: string;
  readonly status: TestSessionTokenStatus;
  /** The ticket; a secret. Only in the reply to create. */
  readonly token: string | null;
  /** The accept URL carrying the ticket; a secret. Only in the reply to create. */
  readonly url: string | null;
  readonly redirectUrl: string | null;
  /** The session it started, once accepted. */
  readonly sessionId: string | null;
  /** Unix ms after which it can no longer be accepted (it stays `pending`). */
  readonly expiresAt: number;
  readonly sessionMaxDurationInSeconds: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Maps an already validated wire object. */
export function toTestSessionToken(wire: TestSessionTokenJSON): TestSessionToken {
  return Object.freeze({
    object: wire.object,
    id: wire.id,
    userId: wire.user_id,
    status: wire.status,
    token: wire.token,
    url: wire.url,
    redirectUrl: wire.redirect_url,
    sessionId: wire.session_id,
    expiresAt: wire.expires_at,
    sessionMaxDurationInSeconds: wire.session_max_duration_in_seconds,
    createdAt: wire.created_at,
    updatedAt: wire.updated_at,
  });
}

/**
 * Reads a `test_session_token` object from the wire.
 *
 * @example
 * ```ts
 * const token = TestSessionToken.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const TestSessionToken = {
  fromJSON(json: unknown): TestSessionToken {
    return toTestSessionToken(readWire(testSessionTokenObject, json, 'TestSessionToken'));
  },
};

import { type TestSessionTokenJSON, testSessionTokenObject } from '@tessera/wire';
import { readWire } from './read-wire';
import { type TicketFields, toTicketFields } from './ticket';

/**
 * A test session token: a one-time credential that signs whoever presents it in as `userId`.
 * `token` and `url` are only present in the reply to `create` (null afterwards).
 *
 * @example
 * ```ts
 * const token = await client.testSessionTokens.create({ userId, sessionMaxDurationInSeconds: 1800 });
 * await page.goto(token.url); // signed in, landed on redirectUrl
 * token.status; // 'pending' | 'accepted' | 'revoked'
 * ```
 */
export interface TestSessionToken extends TicketFields {
  readonly object: 'test_session_token';
}

/** Maps an already validated wire object. */
export function toTestSessionToken(wire: TestSessionTokenJSON): TestSessionToken {
  return Object.freeze({ object: wire.object, ...toTicketFields(wire) });
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

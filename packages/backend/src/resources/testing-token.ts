import { type TestingTokenJSON, testingTokenObject } from '@tessera/wire';
import { readWire } from './read-wire';

/**
 * A testing token, what `@clerk/testing`'s setup asks for. tessera has no bot protection for it to
 * bypass, so nothing checks it: it exists so Clerk-style test setups run unchanged.
 *
 * @example
 * ```ts
 * const { token, expiresAt } = await client.testingTokens.create();
 * ```
 */
export interface TestingToken {
  readonly object: 'testing_token';
  readonly token: string;
  /** Unix ms. */
  readonly expiresAt: number;
}

/** Maps an already validated wire object. */
export function toTestingToken(wire: TestingTokenJSON): TestingToken {
  return Object.freeze({ object: wire.object, token: wire.token, expiresAt: wire.expires_at });
}

/**
 * Reads a `testing_token` object from the wire.
 *
 * @example
 * ```ts
 * const testingToken = TestingToken.fromJSON(json); // throws ResponseValidationError if malformed
 * ```
 */
export const TestingToken = {
  fromJSON(json: unknown): TestingToken {
    return toTestingToken(readWire(testingTokenObject, json, 'TestingToken'));
  },
};

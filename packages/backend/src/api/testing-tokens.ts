import type { Requester } from '../client/request';
import { TestingToken } from '../resources/testing-token';

/**
 * `client.testingTokens`: the token `@clerk/testing`'s setup asks for (development instances only).
 * tessera has no bot protection, so nothing checks it; it exists so Clerk-style test setups run
 * unchanged.
 *
 * @example
 * ```ts
 * const { token } = await client.testingTokens.create();
 * ```
 */
export interface TestingTokensApi {
  /**
   * `POST /v1/testing_tokens`. Sent with a generated `Idempotency-Key` so a failed attempt is retried;
   * the server does not deduplicate testing tokens (a second one is harmless), so no key can be chosen.
   */
  create(): Promise<TestingToken>;
}

export function createTestingTokensApi(request: Requester): TestingTokensApi {
  return {
    create: async () =>
      request({
        method: 'POST',
        path: '/testing_tokens',
        idempotent: true,
        resource: 'TestingToken',
        read: TestingToken.fromJSON,
      }),
  };
}

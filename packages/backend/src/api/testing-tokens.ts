import type { Requester } from '../client/request';
import { TestingToken } from '../resources/testing-token';
import type { CreateOptions } from './common';

/**
 * `client.testingTokens`: the token `@clerk/testing`'s setup asks for. tessera has no bot protection,
 * so nothing checks it; it exists so Clerk-style test setups run unchanged.
 *
 * @example
 * ```ts
 * const { token } = await client.testingTokens.create();
 * ```
 */
export interface TestingTokensApi {
  /** `POST /v1/testing_tokens` with an `Idempotency-Key`. */
  create(options?: CreateOptions): Promise<TestingToken>;
}

export function createTestingTokensApi(request: Requester): TestingTokensApi {
  return {
    create: async (options = {}) =>
      request({
        method: 'POST',
        path: '/testing_tokens',
        idempotent: true,
        idempotencyKey: options.idempotencyKey,
        resource: 'TestingToken',
        read: TestingToken.fromJSON,
      }),
  };
}

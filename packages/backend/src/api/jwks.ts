import type { Requester } from '../client/request';
import { Jwks } from '../resources/misc';

/**
 * `client.jwks`: the instance's public signing keys (the same set as `/.well-known/jwks.json`).
 *
 * @example
 * ```ts
 * const { keys } = await client.jwks.get();
 * ```
 */
export interface JwksApi {
  /** `GET /v1/jwks`. */
  get(): Promise<Jwks>;
}

export function createJwksApi(request: Requester): JwksApi {
  return {
    get: async () => request({ method: 'GET', path: '/jwks', resource: 'Jwks', read: Jwks.fromJSON }),
  };
}

import { ConfigurationError } from '../errors';
import { resolveApiUrl } from './env';
import { optionalFunction, requireHttpUrl, requireSecretKey } from './validate';

/**
 * How the SDK reaches a tessera server: shared by `createBackendApiClient` and by `verifyToken` /
 * `authenticateRequest` (which read the JWKS through it when given a `secretKey`).
 *
 * @example
 * ```ts
 * const connection: ConnectionOptions = { secretKey: process.env.TESSERA_SECRET_KEY, apiVersion: 'v1' };
 * ```
 */
export interface ConnectionOptions {
  /** The instance secret key, `sk_test_...` or `sk_live_...` (typed to accept `process.env.X`). */
  readonly secretKey?: string | undefined;
  /** Default: `TESSERA_API_URL` when a `process` exists, else `http://127.0.0.1:4000`. */
  readonly apiUrl?: string | undefined;
  /** Default `v1`. */
  readonly apiVersion?: string | undefined;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch | undefined;
}

export interface ResolvedConnection {
  readonly secretKey: string;
  /** Without a trailing `/`. */
  readonly apiUrl: string;
  readonly apiVersion: string;
  readonly fetch: typeof fetch;
}

// Called through a wrapper so a runtime's fetch is never invoked with a foreign `this`.
const globalFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/** The `fetch` option, or the global one; throws `ConfigurationError('fetch')` for a non-function. */
export function resolveFetch(value: unknown): typeof fetch {
  return optionalFunction('fetch', value, globalFetch);
}

/**
 * Validates the connection options, each error naming its option, and fills the defaults. The one
 * place they are checked, so the client and the verifier refuse the same values the same way.
 */
export function resolveConnection(options: ConnectionOptions): ResolvedConnection {
  const secretKey = requireSecretKey('secretKey', options.secretKey);
  const apiUrl = requireHttpUrl('apiUrl', resolveApiUrl(options.apiUrl));
  const apiVersion = options.apiVersion ?? 'v1';
  if (typeof apiVersion !== 'string' || !/^v\d+$/.test(apiVersion)) {
    throw new ConfigurationError('apiVersion', 'must look like v1');
  }
  return { secretKey, apiUrl, apiVersion, fetch: resolveFetch(options.fetch) };
}

import { ConfigurationError } from '../errors';
import { resolveApiUrl } from '../internal/env';
import {
  optionalFunction,
  optionalPositiveInteger,
  requireHttpUrl,
  requireSecretKey,
} from '../internal/validate';
import { SDK_VERSION } from '../version';
import type { TransportConfig } from './request';
import { realSleep, type Sleep } from './retry';

/**
 * Options of `createBackendApiClient`. Every one is checked at construction; a bad one throws a
 * `ConfigurationError` naming it.
 *
 * @example
 * ```ts
 * const options: BackendApiClientOptions = { secretKey: process.env.TESSERA_SECRET_KEY, timeoutMs: 5000 };
 * ```
 */
export interface BackendApiClientOptions {
  /** The instance secret key, `sk_test_...` or `sk_live_...`. Required (typed to accept `process.env.X`). */
  readonly secretKey: string | undefined;
  /** Default: `TESSERA_API_URL` when a `process` exists, else `http://127.0.0.1:4000`. */
  readonly apiUrl?: string | undefined;
  /** Default `v1`. */
  readonly apiVersion?: string | undefined;
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch | undefined;
  /** Per attempt, including reading the body. Default 30 000. */
  readonly timeoutMs?: number | undefined;
  /** Retries after the first attempt, for failures that are safe to retry. Default 2; 0 disables. */
  readonly maxRetries?: number | undefined;
  /** Default `@tessera/backend/<version>`. */
  readonly userAgent?: string | undefined;
  /** How to wait between retries; inject one in tests so they never really sleep. */
  readonly sleep?: Sleep | undefined;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RETRIES = 2;

export function resolveClientOptions(options: BackendApiClientOptions): TransportConfig {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'must be an object with at least secretKey');
  }
  const secretKey = requireSecretKey('secretKey', options.secretKey);
  const apiUrl = requireHttpUrl('apiUrl', resolveApiUrl(options.apiUrl));
  const apiVersion = options.apiVersion ?? 'v1';
  if (!/^v\d+$/.test(apiVersion)) throw new ConfigurationError('apiVersion', 'must look like v1');
  const userAgent = options.userAgent ?? `@tessera/backend/${SDK_VERSION}`;
  if (typeof userAgent !== 'string' || userAgent === '') {
    throw new ConfigurationError('userAgent', 'must be a non-empty string');
  }
  const customFetch = optionalFunction<typeof fetch | undefined>('fetch', options.fetch, undefined);
  return {
    secretKey,
    apiUrl,
    apiVersion,
    // Called through a wrapper so a runtime's fetch is never invoked with a foreign `this`.
    fetch: customFetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: optionalPositiveInteger('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
    maxRetries: optionalPositiveInteger('maxRetries', options.maxRetries, DEFAULT_MAX_RETRIES, 0),
    userAgent,
    sleep: optionalFunction('sleep', options.sleep, realSleep),
    now: () => Date.now(),
    random: Math.random,
    generateIdempotencyKey: () => crypto.randomUUID(),
  };
}

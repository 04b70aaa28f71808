import { ConfigurationError } from '../errors';
import { type ConnectionOptions, resolveConnection } from '../internal/connection';
import { optionalFunction, optionalPositiveInteger } from '../internal/validate';
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
export interface BackendApiClientOptions extends ConnectionOptions {
  /** The instance secret key, `sk_test_...` or `sk_live_...`. Required (typed to accept `process.env.X`). */
  readonly secretKey: string | undefined;
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
  const { secretKey, apiUrl, apiVersion, fetch } = resolveConnection(options);
  const userAgent = options.userAgent ?? `@tessera/backend/${SDK_VERSION}`;
  if (typeof userAgent !== 'string' || userAgent === '') {
    throw new ConfigurationError('userAgent', 'must be a non-empty string');
  }
  return {
    secretKey,
    apiUrl,
    apiVersion,
    fetch,
    timeoutMs: optionalPositiveInteger('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS),
    maxRetries: optionalPositiveInteger('maxRetries', options.maxRetries, DEFAULT_MAX_RETRIES, 0),
    userAgent,
    sleep: optionalFunction('sleep', options.sleep, realSleep),
    now: () => Date.now(),
    random: Math.random,
    generateIdempotencyKey: () => crypto.randomUUID(),
  };
}

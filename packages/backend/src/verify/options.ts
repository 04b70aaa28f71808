import { ConfigurationError } from '../errors';
import { type ConnectionOptions, resolveConnection, resolveFetch } from '../internal/connection';
import { optionalPositiveInteger, requireHttpUrl } from '../internal/validate';
import type { ClaimExpectations } from './claims';
import { pemBody } from './crypto';

/**
 * Options of `verifyToken` and `authenticateRequest`. Give one key source: `jwtKey` (networkless),
 * `jwksUrl`, or `secretKey` (+ `apiUrl`); when several are given, the first in that order is used.
 *
 * @example
 * ```ts
 * const options: VerifyTokenOptions = {
 *   jwtKey: process.env.TESSERA_JWT_KEY,
 *   authorizedParties: ['https://app.example.com'],
 * };
 * ```
 */
export interface VerifyTokenOptions extends ClaimExpectations, ConnectionOptions {
  /** The instance's public key as a PEM `PUBLIC KEY` block: verification with no network at all. */
  readonly jwtKey?: string | undefined;
  /** A JWKS URL, e.g. `http://127.0.0.1:4000/.well-known/jwks.json`. */
  readonly jwksUrl?: string | undefined;
  /** With `apiUrl`: the JWKS is read from `{apiUrl}/{apiVersion}/jwks` with this secret key. */
  readonly secretKey?: string | undefined;
  /** Tolerance for `exp`, `nbf` and `iat` against the local clock, in ms. Default 5000. */
  readonly clockSkewMs?: number | undefined;
  /** @deprecated Use `clockSkewMs`; read only when `clockSkewMs` is absent. */
  readonly clockSkewInMs?: number | undefined;
  /** How long a fetched JWKS is trusted before it is fetched again. Default 300 000 (5 minutes). */
  readonly jwksCacheTtlMs?: number | undefined;
  /** Verified tokens remembered (bounded; 0 disables). Default 10 000. */
  readonly verifiedTokenCacheSize?: number | undefined;
  /** The time source, Unix ms. Default `Date`. Inject one in tests to freeze time. */
  readonly clock?: { now(): number } | undefined;
}

export const DEFAULT_CLOCK_SKEW_MS = 5000;
export const DEFAULT_JWKS_CACHE_TTL_MS = 300_000;
export const DEFAULT_VERIFIED_TOKEN_CACHE_SIZE = 10_000;
const JWKS_FETCH_TIMEOUT_MS = 10_000;

export type KeySourceConfig =
  | { readonly kind: 'pem'; readonly pem: string }
  | { readonly kind: 'jwks'; readonly url: string; readonly headers: Readonly<Record<string, string>> };

export interface ResolvedVerifyOptions {
  readonly source: KeySourceConfig;
  /** Identifies the key source for sharing verifiers (and their caches) between calls. */
  readonly sourceId: string;
  readonly expectations: ClaimExpectations;
  readonly clockSkewInMs: number;
  readonly jwksCacheTtlMs: number;
  readonly cacheSize: number;
  readonly fetch: typeof fetch;
  readonly now: () => number;
}

function keySource(options: VerifyTokenOptions): KeySourceConfig {
  if (options.jwtKey !== undefined) {
    if (typeof options.jwtKey !== 'string' || pemBody(options.jwtKey) === null) {
      throw new ConfigurationError('jwtKey', 'must be a PEM block "-----BEGIN PUBLIC KEY----- ..."');
    }
    return { kind: 'pem', pem: options.jwtKey };
  }
  if (options.jwksUrl !== undefined) {
    return { kind: 'jwks', url: requireHttpUrl('jwksUrl', String(options.jwksUrl)), headers: {} };
  }
  if (options.secretKey !== undefined) {
    const { secretKey, apiUrl, apiVersion } = resolveConnection(options);
    return {
      kind: 'jwks',
      url: `${apiUrl}/${apiVersion}/jwks`,
      headers: { Authorization: `Bearer ${secretKey}`, 'Content-Type': 'application/json' },
    };
  }
  throw new ConfigurationError('jwtKey', 'or jwksUrl or secretKey is required to verify tokens');
}

function expectationsOf(options: VerifyTokenOptions): ClaimExpectations {
  const { issuer, authorizedParties } = options;
  const issuerOk =
    issuer === undefined ||
    typeof issuer === 'string' ||
    typeof issuer === 'function' ||
    (Array.isArray(issuer) && issuer.every((item) => typeof item === 'string'));
  if (!issuerOk)
    throw new ConfigurationError('issuer', 'must be a string, an array of strings or a function');
  if (
    authorizedParties !== undefined &&
    !(Array.isArray(authorizedParties) && authorizedParties.every((item) => typeof item === 'string'))
  ) {
    throw new ConfigurationError('authorizedParties', 'must be an array of origins');
  }
  // Copies: what was checked is what is used, whatever happens to the caller's lists afterwards.
  return {
    issuer: Array.isArray(issuer) ? Object.freeze([...issuer]) : issuer,
    authorizedParties: authorizedParties && Object.freeze([...authorizedParties]),
  };
}

/** `clockSkewMs`, else its deprecated spelling `clockSkewInMs`; an error names the one given. */
function clockSkewOf(options: VerifyTokenOptions): number {
  if (options.clockSkewMs !== undefined || options.clockSkewInMs === undefined) {
    return optionalPositiveInteger('clockSkewMs', options.clockSkewMs, DEFAULT_CLOCK_SKEW_MS, 0);
  }
  return optionalPositiveInteger('clockSkewInMs', options.clockSkewInMs, DEFAULT_CLOCK_SKEW_MS, 0);
}

/** Validates every option (throwing `ConfigurationError` naming the bad one) and fills defaults. */
export function resolveVerifyOptions(options: VerifyTokenOptions): ResolvedVerifyOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'must be an object with jwtKey, jwksUrl or secretKey');
  }
  const source = keySource(options);
  const clock = options.clock;
  if (clock !== undefined && typeof clock?.now !== 'function') {
    throw new ConfigurationError('clock', 'must have a now() method');
  }
  const jwksCacheTtlMs = optionalPositiveInteger(
    'jwksCacheTtlMs',
    options.jwksCacheTtlMs,
    DEFAULT_JWKS_CACHE_TTL_MS,
  );
  const cacheSize = optionalPositiveInteger(
    'verifiedTokenCacheSize',
    options.verifiedTokenCacheSize,
    DEFAULT_VERIFIED_TOKEN_CACHE_SIZE,
    0,
  );
  return {
    source,
    sourceId: `${source.kind === 'pem' ? source.pem : `${source.url}\n${source.headers.Authorization ?? ''}`}\n${jwksCacheTtlMs}\n${cacheSize}`,
    expectations: expectationsOf(options),
    clockSkewInMs: clockSkewOf(options),
    jwksCacheTtlMs,
    cacheSize,
    fetch: resolveFetch(options.fetch),
    now: clock === undefined ? Date.now : () => clock.now(),
  };
}

/** Fetches a JWKS document; rejects on a network error, a timeout or a non-2xx reply. */
export function jwksLoader(
  source: Extract<KeySourceConfig, { kind: 'jwks' }>,
  fetchFn: typeof fetch,
): () => Promise<unknown> {
  return async () => {
    const response = await fetchFn(source.url, {
      headers: source.headers,
      signal: AbortSignal.timeout(JWKS_FETCH_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`the JWKS request answered ${response.status}`);
    return response.json();
  };
}

import { TokenVerificationError } from '../errors';
import type { SessionClaims } from './claims';
import { type KeyStore, pemKeyStore, remoteKeyStore } from './key-store';
import {
  jwksLoader,
  type ResolvedVerifyOptions,
  resolveVerifyOptions,
  type VerifyTokenOptions,
} from './options';
import { platformCrypto } from './platform-crypto';
import { createVerifier, type TokenVerifier } from './verifier';

interface Resolved {
  readonly verifier: TokenVerifier;
  readonly options: ResolvedVerifyOptions;
  /** The option values this was resolved from, compared by identity on every call. */
  readonly from: readonly unknown[];
}

const MAX_VERIFIERS = 32;
/** Verifiers (with their key and token caches) shared by every call naming the same key source. */
const verifiers = new Map<string, { verifier: TokenVerifier; fetch: unknown; clock: unknown }>();
/** The resolution of an options object, so the hot path does no validation or string building. */
const resolutions = new WeakMap<object, Resolved>();

const OPTION_KEYS = [
  'jwtKey',
  'jwksUrl',
  'secretKey',
  'apiUrl',
  'apiVersion',
  'issuer',
  'authorizedParties',
  'clockSkewMs',
  'clockSkewInMs',
  'jwksCacheTtlMs',
  'verifiedTokenCacheSize',
  'fetch',
  'clock',
] as const satisfies readonly (keyof VerifyTokenOptions)[];

const snapshot = (options: VerifyTokenOptions): unknown[] => OPTION_KEYS.map((key) => options[key]);

function sameAsBefore(resolved: Resolved, options: VerifyTokenOptions): boolean {
  for (let i = 0; i < OPTION_KEYS.length; i++) {
    if (resolved.from[i] !== options[OPTION_KEYS[i]!]) return false;
  }
  return true;
}

function keyStoreFor(options: ResolvedVerifyOptions): KeyStore {
  const { source } = options;
  if (source.kind === 'pem') return pemKeyStore(source.pem, platformCrypto);
  return remoteKeyStore({
    load: jwksLoader(source, options.fetch),
    crypto: platformCrypto,
    ttlMs: options.jwksCacheTtlMs,
    now: options.now,
  });
}

function verifierFor(options: ResolvedVerifyOptions, raw: VerifyTokenOptions): TokenVerifier {
  const existing = verifiers.get(options.sourceId);
  if (existing && existing.fetch === raw.fetch && existing.clock === raw.clock) return existing.verifier;
  const verifier = createVerifier({
    keys: keyStoreFor(options),
    crypto: platformCrypto,
    now: options.now,
    cacheSize: options.cacheSize,
  });
  if (!existing && verifiers.size >= MAX_VERIFIERS) {
    const oldest = verifiers.keys().next();
    if (!oldest.done) verifiers.delete(oldest.value);
  }
  verifiers.set(options.sourceId, { verifier, fetch: raw.fetch, clock: raw.clock });
  return verifier;
}

/**
 * Validates `options` (throwing a `ConfigurationError` naming the bad one) and returns the shared
 * verifier for its key source. Cheap when called again with the same options object.
 */
export function resolveVerification(options: VerifyTokenOptions): Resolved {
  const known = typeof options === 'object' && options !== null ? resolutions.get(options) : undefined;
  if (known !== undefined && sameAsBefore(known, options)) return known;
  const resolvedOptions = resolveVerifyOptions(options);
  const resolved: Resolved = {
    verifier: verifierFor(resolvedOptions, options),
    options: resolvedOptions,
    from: snapshot(options),
  };
  resolutions.set(options, resolved);
  return resolved;
}

/**
 * Verifies a JWT the tessera instance signed, without a network call per request: a session JWT, or
 * one made from a JWT template (same keys; no `sid`, so not a session: `authFromClaims`,
 * `authenticateRequest` and the adapters refuse it). RS256 only (refusing `none`,
 * HMAC and any other algorithm), signature, `exp`/`nbf`/`iat` within `clockSkewMs`, and `issuer` /
 * `authorizedParties` when given. Keys are imported once and cached; a JWKS is cached for
 * `jwksCacheTtlMs` and refetched once on an unknown `kid`. A token verified before is recognised
 * from a bounded cache and only its time and issuer checks run again.
 *
 * Rejects with `TokenVerificationError` (see `reason`) for a bad token, and with
 * `ConfigurationError` for bad options. Messages never contain the token.
 *
 * @example
 * ```ts
 * import { verifyToken } from '@tessera/backend';
 *
 * const claims = await verifyToken(jwt, { jwtKey: process.env.TESSERA_JWT_KEY });
 * claims.sub; // the user id
 * claims.sid; // the session id; undefined in a JWT made from a JWT template
 * ```
 */
export function verifyToken(token: string, options: VerifyTokenOptions): Promise<SessionClaims> {
  let resolved: Resolved;
  try {
    resolved = resolveVerification(options);
  } catch (error) {
    return Promise.reject(error);
  }
  if (typeof token !== 'string' || token === '') {
    return Promise.reject(new TokenVerificationError('token-missing', 'no token was given'));
  }
  const { expectations, clockSkewInMs } = resolved.options;
  return resolved.verifier.verify(token, expectations, clockSkewInMs);
}

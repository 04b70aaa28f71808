import { readEnv } from '../internal/env';
import type { ClaimExpectations } from './claims';
import { type KeyStore, pemKeyStore, remoteKeyStore } from './key-store';
import {
  jwksLoader,
  type ResolvedVerifyOptions,
  resolveVerifyOptions,
  type VerifyTokenOptions,
} from './options';
import { platformCrypto } from './platform-crypto';
import { createVerifier, type TokenVerifier } from './verifier';

/**
 * What a call's options come to: the verifier of their key source (shared by every call naming the
 * same source, with its imported keys and its cache of verified tokens) and the checks of this call.
 */
export interface Resolution {
  readonly verifier: TokenVerifier;
  readonly expectations: ClaimExpectations;
  readonly clockSkewInMs: number;
  /** The option values it was made from, `issuer` and `authorizedParties` lists as copies. */
  readonly from: OptionValues;
  /** `TESSERA_API_URL` as it was, when the key source depended on it (a `secretKey` with no `apiUrl`). */
  readonly apiUrlFromEnv: { readonly value: string | undefined } | null;
}

/**
 * Every option, as given (lists copied): the type lists them all, so an option added to
 * `VerifyTokenOptions` must be added here, and compared in `resolvesAs`.
 */
type OptionValues = { readonly [K in keyof Required<VerifyTokenOptions>]: VerifyTokenOptions[K] };

const MAX_VERIFIERS = 32;
/**
 * Verifiers by key source (the PEM, or the JWKS URL with its secret key, and the cache settings), the
 * least recently resolved out first. A verifier also depends on `fetch` and `clock`: options naming
 * the same source with other ones get a new verifier, which takes the source's place.
 */
const verifiers = new Map<string, { verifier: TokenVerifier; fetch: unknown; clock: unknown }>();

const MAX_REMEMBERED = 8;
/** The last resolutions, most recently used first. */
const remembered: Resolution[] = [];

/** The same value, or two lists of the same values (a literal written in each call is a new array). */
function sameValue(given: unknown, kept: unknown): boolean {
  if (given === kept) return true;
  if (!Array.isArray(given) || !Array.isArray(kept) || given.length !== kept.length) return false;
  for (let i = 0; i < given.length; i++) if (given[i] !== kept[i]) return false;
  return true;
}

/**
 * Whether `options` resolve as `entry` did: every option read equal (strings by value, lists item by
 * item, functions and objects such as `fetch` and `clock` by identity), and the environment too
 * where it was read. Property by property, not in a loop, so each read stays a monomorphic access.
 */
function resolvesAs(entry: Resolution, options: VerifyTokenOptions): boolean {
  const from = entry.from;
  return (
    options.jwtKey === from.jwtKey &&
    options.jwksUrl === from.jwksUrl &&
    options.secretKey === from.secretKey &&
    options.apiUrl === from.apiUrl &&
    options.apiVersion === from.apiVersion &&
    sameValue(options.issuer, from.issuer) &&
    sameValue(options.authorizedParties, from.authorizedParties) &&
    options.clockSkewMs === from.clockSkewMs &&
    options.clockSkewInMs === from.clockSkewInMs &&
    options.jwksCacheTtlMs === from.jwksCacheTtlMs &&
    options.verifiedTokenCacheSize === from.verifiedTokenCacheSize &&
    options.fetch === from.fetch &&
    options.clock === from.clock &&
    (entry.apiUrlFromEnv === null || entry.apiUrlFromEnv.value === readEnv('TESSERA_API_URL'))
  );
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
  if (existing !== undefined) {
    verifiers.delete(options.sourceId);
    if (existing.fetch === raw.fetch && existing.clock === raw.clock) {
      verifiers.set(options.sourceId, existing);
      return existing.verifier;
    }
  }
  const verifier = createVerifier({
    keys: keyStoreFor(options),
    crypto: platformCrypto,
    now: options.now,
    cacheSize: options.cacheSize,
  });
  if (verifiers.size >= MAX_VERIFIERS) {
    const oldest = verifiers.keys().next();
    if (!oldest.done) verifiers.delete(oldest.value);
  }
  verifiers.set(options.sourceId, { verifier, fetch: raw.fetch, clock: raw.clock });
  return verifier;
}

function remember(options: VerifyTokenOptions): Resolution {
  const resolved = resolveVerifyOptions(options);
  const { expectations } = resolved;
  const from: OptionValues = {
    jwtKey: options.jwtKey,
    jwksUrl: options.jwksUrl,
    secretKey: options.secretKey,
    apiUrl: options.apiUrl,
    apiVersion: options.apiVersion,
    // The copies the checks use, so a list changed in place later is compared, not trusted.
    issuer: expectations.issuer,
    authorizedParties: expectations.authorizedParties,
    clockSkewMs: options.clockSkewMs,
    clockSkewInMs: options.clockSkewInMs,
    jwksCacheTtlMs: options.jwksCacheTtlMs,
    verifiedTokenCacheSize: options.verifiedTokenCacheSize,
    fetch: options.fetch,
    clock: options.clock,
  };
  const readsEnv =
    from.jwtKey === undefined &&
    from.jwksUrl === undefined &&
    from.secretKey !== undefined &&
    from.apiUrl === undefined;
  const entry: Resolution = {
    verifier: verifierFor(resolved, options),
    expectations,
    clockSkewInMs: resolved.clockSkewInMs,
    from,
    apiUrlFromEnv: readsEnv ? { value: readEnv('TESSERA_API_URL') } : null,
  };
  remembered.unshift(entry);
  if (remembered.length > MAX_REMEMBERED) remembered.pop();
  return entry;
}

/**
 * Validates `options` (throwing a `ConfigurationError` naming the bad one) and returns the verifier
 * of their key source with the checks they ask for. The documented call builds a new options object
 * per request (`verifyToken(jwt, { jwtKey })`), so the last few resolutions are kept with the values
 * they came from, and options equal to one of them, value by value, get it back without being
 * validated again: the verifier (and so its verified tokens) depends on the key source alone, and
 * the claim checks of a call are its own options'. `previous`, the caller's last resolution, is
 * tried first. Only valid options are ever remembered.
 */
export function resolveVerification(options: VerifyTokenOptions, previous?: Resolution): Resolution {
  if (typeof options === 'object' && options !== null) {
    if (previous !== undefined && resolvesAs(previous, options)) return previous;
    for (let i = 0; i < remembered.length; i++) {
      const entry = remembered[i]!;
      if (resolvesAs(entry, options)) {
        if (i > 0) {
          remembered.copyWithin(1, 0, i);
          remembered[0] = entry;
        }
        return entry;
      }
    }
  }
  return remember(options);
}

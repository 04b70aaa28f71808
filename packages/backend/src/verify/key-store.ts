import { ConfigurationError, TokenVerificationError } from '../errors';
import type { Rs256Crypto, RsaPublicJwk } from './crypto';

/** Where verification gets the key for a token's `kid`. */
export interface KeyStore {
  /** Resolves the imported key; rejects with `token-unknown-kid` or `jwks-unavailable`. */
  getKey(kid: string | undefined): Promise<unknown>;
  /**
   * The key `getKey(kid)` would resolve to when it is at hand with no waiting (imported, and no fetch
   * due); undefined when only `getKey` can tell. Lets a verification stay synchronous.
   */
  keyIfReady(kid: string | undefined): unknown;
  /** Changes whenever the set of keys changes: a verification under another generation is stale. */
  generation(): number;
  /** How long a verification may be reused before the keys are consulted again. */
  readonly reuseForMs: number;
}

/**
 * A single PEM public key (`jwtKey`): no network at all. The `kid` is not consulted, as with any
 * single-key configuration. An unusable key rejects with a `ConfigurationError` naming `jwtKey`.
 */
export function pemKeyStore(pem: string, crypto: Rs256Crypto): KeyStore {
  let imported: Promise<unknown> | undefined;
  let ready: unknown;
  return {
    // One fixed key: it never changes, so a verification stays good (until the token's exp).
    generation: () => 0,
    reuseForMs: Number.POSITIVE_INFINITY,
    getKey() {
      imported ??= crypto.importPem(pem).then(
        (key) => {
          ready = key;
          return key;
        },
        (cause: unknown) => {
          throw new ConfigurationError(
            'jwtKey',
            `is not a usable RSA (>= 2048 bits) PEM public key (${String(cause)})`,
          );
        },
      );
      return imported;
    },
    keyIfReady: () => ready,
  };
}

export interface RemoteKeyStoreOptions {
  /** Fetches the JWKS JSON; rejects when it cannot. */
  readonly load: () => Promise<unknown>;
  readonly crypto: Rs256Crypto;
  readonly ttlMs: number;
  readonly now: () => number;
}

/** At most one refetch per this interval, whatever kids tokens bring (no amplification of junk tokens). */
export const JWKS_REFETCH_COOLDOWN_MS = 1000;

interface CachedKey {
  readonly n: string;
  readonly e: string;
  readonly key: unknown;
}

function usableJwks(json: unknown): (RsaPublicJwk & { kid: string })[] {
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return [];
  return keys.filter(
    (key): key is RsaPublicJwk & { kid: string } =>
      typeof key === 'object' &&
      key !== null &&
      key.kty === 'RSA' &&
      key.alg === 'RS256' &&
      (key.use === undefined || key.use === 'sig') &&
      typeof key.kid === 'string' &&
      typeof key.n === 'string' &&
      typeof key.e === 'string',
  );
}

/**
 * A JWKS fetched on first use and cached for `ttlMs`. A `kid` it does not hold triggers one refetch
 * (single flight: concurrent requests share it; at most one per second). Keys are imported once and
 * kept across refetches while their material is unchanged. Only RSA keys whose `alg` is `RS256` are
 * taken, so a token can only ever be checked as RS256 by an RS256 key. If a refetch fails, the last
 * good set stays in use.
 */
export function remoteKeyStore(options: RemoteKeyStoreOptions): KeyStore {
  const { load, crypto, ttlMs, now } = options;
  let keys: Map<string, CachedKey> | null = null;
  let expiresAt = 0;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | null = null;
  let generation = 0;

  async function fetchAndImport(): Promise<void> {
    lastAttemptAt = now();
    let json: unknown;
    try {
      json = await load();
    } catch (cause) {
      if (keys !== null) return; // keep serving the last good set
      throw new TokenVerificationError('jwks-unavailable', 'the JWKS could not be fetched', { cause });
    }
    const next = new Map<string, CachedKey>();
    for (const jwk of usableJwks(json)) {
      const previous = keys?.get(jwk.kid);
      if (previous && previous.n === jwk.n && previous.e === jwk.e) {
        next.set(jwk.kid, previous);
        continue;
      }
      try {
        next.set(jwk.kid, { n: jwk.n, e: jwk.e, key: await crypto.importJwk(jwk) });
      } catch {
        // An unusable key is skipped; tokens naming it get token-unknown-kid.
      }
    }
    const previousKids = [...(keys?.keys() ?? [])].join(' ');
    if ([...next.keys()].join(' ') !== previousKids) generation++;
    keys = next;
    expiresAt = now() + ttlMs;
  }

  function refresh(): Promise<void> {
    inflight ??= fetchAndImport().finally(() => {
      inflight = null;
    });
    return inflight;
  }

  const coolingDown = () => now() - lastAttemptAt < JWKS_REFETCH_COOLDOWN_MS;

  return {
    generation: () => generation,
    // A cached verification is reused at most for one JWKS lifetime, so a key that leaves the JWKS
    // stops admitting even the tokens already seen.
    reuseForMs: ttlMs,
    keyIfReady(kid) {
      // Exactly the case in which getKey below neither waits nor fetches, and finds the kid.
      if (inflight !== null || keys === null || kid === undefined || now() >= expiresAt) return undefined;
      return keys.get(kid)?.key;
    },
    async getKey(kid) {
      if (inflight !== null) await inflight;
      if (keys === null || now() >= expiresAt) {
        if (!coolingDown()) await refresh();
        else if (keys === null) {
          throw new TokenVerificationError('jwks-unavailable', 'the JWKS could not be fetched recently');
        }
      }
      if (kid === undefined)
        throw new TokenVerificationError('token-unknown-kid', 'the token header has no kid');
      let found = keys?.get(kid);
      if (found === undefined && !coolingDown()) {
        await refresh();
        found = keys?.get(kid);
      }
      if (found === undefined)
        throw new TokenVerificationError('token-unknown-kid', 'no signing key has this kid');
      return found.key;
    },
  };
}

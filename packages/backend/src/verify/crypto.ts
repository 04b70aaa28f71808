/** An RSA public key of modulus length >= 2048 in the form `n`/`e` (base64url), from a JWKS. */
export interface RsaPublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
}

/**
 * RS256 verification, implemented twice: with `crypto.subtle` (portable, the default) and with
 * `node:crypto` (the `"node"` export condition). Keys are opaque to callers and imported once.
 */
export interface Rs256Crypto {
  readonly name: 'web' | 'node';
  /** Rejects when the key is not a usable RSA public key of >= 2048 bits. */
  importJwk(jwk: RsaPublicJwk): Promise<unknown>;
  /** A PEM `PUBLIC KEY` (SPKI); rejects when it is not an RSA public key of >= 2048 bits. */
  importPem(pem: string): Promise<unknown>;
  /**
   * Whether `signature` is a valid RS256 signature of `signingInput` (the JWS text
   * `header.payload`, ASCII) under `key`. May answer synchronously (`node:crypto` does, sparing the
   * verifier a promise hop); a throw or a rejection counts as an invalid signature.
   */
  verify(key: unknown, signingInput: string, signature: Uint8Array<ArrayBuffer>): boolean | Promise<boolean>;
  /**
   * A faster decoder than `base64UrlToBytes` with exactly its results (the same bytes, null for the
   * same texts), where the platform has one.
   */
  readonly base64UrlToBytes?: (text: string) => Uint8Array<ArrayBuffer> | null;
}

export const MIN_MODULUS_LENGTH = 2048;

/** The body of a `-----BEGIN PUBLIC KEY-----` block, whitespace removed; null for anything else. */
export function pemBody(pem: string): string | null {
  const match = /^\s*-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----\s*$/.exec(pem);
  return match ? match[1]!.replace(/\s+/g, '') : null;
}

import { base64ToBytes } from './base64url';
import { MIN_MODULUS_LENGTH, pemBody, type Rs256Crypto } from './crypto';

const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const encoder = new TextEncoder();

function checkModulus(key: CryptoKey): CryptoKey {
  const { modulusLength } = key.algorithm as RsaHashedKeyAlgorithm;
  if (modulusLength < MIN_MODULUS_LENGTH) throw new Error(`RSA key shorter than ${MIN_MODULUS_LENGTH} bits`);
  return key;
}

/** RS256 with `crypto.subtle`: Node >= 20, Bun, Deno, browsers and edge workers. */
export const webCrypto: Rs256Crypto = {
  name: 'web',
  async importJwk(jwk) {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'RS256', ext: true },
      RS256,
      false,
      ['verify'],
    );
    return checkModulus(key);
  },
  async importPem(pem) {
    const body = pemBody(pem);
    const der = body === null ? null : base64ToBytes(body);
    if (der === null) throw new Error('not a PEM PUBLIC KEY block');
    return checkModulus(await crypto.subtle.importKey('spki', der, RS256, false, ['verify']));
  },
  verify(key, signingInput, signature) {
    return crypto.subtle.verify(RS256, key as CryptoKey, signature, encoder.encode(signingInput));
  },
};

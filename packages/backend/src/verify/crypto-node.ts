import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { MIN_MODULUS_LENGTH, pemBody, type Rs256Crypto } from './crypto';

function checkRsa(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
  const modulusLength = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (modulusLength < MIN_MODULUS_LENGTH) throw new Error(`RSA key shorter than ${MIN_MODULUS_LENGTH} bits`);
  return key;
}

/**
 * RS256 with `node:crypto` (`createPublicKey` + a synchronous `crypto.verify`): no promise hop into
 * the WebCrypto thread pool. Selected by the `"node"` export condition (Node, Bun, Deno's npm layer).
 */
export const nodeCrypto: Rs256Crypto = {
  name: 'node',
  async importJwk(jwk) {
    return checkRsa(createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }));
  },
  async importPem(pem) {
    if (pemBody(pem) === null) throw new Error('not a PEM PUBLIC KEY block');
    return checkRsa(createPublicKey({ key: pem, format: 'pem' }));
  },
  async verify(key, signingInput, signature) {
    return verify('sha256', signingInput, key as KeyObject, signature);
  },
};

import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { pooledRandomBytes } from '../core/random-pool';

/**
 * A handshake nonce's record keeps the client's development-browser token, which the redeeming app
 * sets as a cookie, sealed (AES-256-GCM) under a key derived from the nonce itself: only the holder of
 * the nonce can open it, and the database alone never yields the token.
 */
function keyOf(nonce: string): Buffer {
  return Buffer.from(hkdfSync('sha256', nonce, Buffer.alloc(0), 'tessera handshake nonce', 32));
}

export function sealForNonce(nonce: string, plaintext: string): string {
  const iv = pooledRandomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(nonce), iv);
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The sealed text, or undefined when it was not sealed under this nonce. */
export function openWithNonce(nonce: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(nonce), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

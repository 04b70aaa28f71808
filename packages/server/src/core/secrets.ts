import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from './random-pool';

export const SECRET_KEY_PATTERN = /^sk_(test|live)_[A-Za-z0-9_-]{32,128}$/;

export type Environment = 'development' | 'production';

/** SHA-256 in hex. `crypto.hash` (Node >= 20.12) is one call, with no Hash object to build. */
export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

/** Compares two hex digests in constant time. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `sk_test_` or `sk_live_` and 32 random bytes in base64url. */
export function generateSecretKey(environment: Environment): string {
  const prefix = environment === 'production' ? 'sk_live_' : 'sk_test_';
  return prefix + randomBytes(32).toString('base64url');
}

export function environmentOfSecretKey(secretKey: string): Environment {
  return secretKey.startsWith('sk_live_') ? 'production' : 'development';
}

/** A ticket value: 256 bits from the CSPRNG, base64url (43 characters). */
export function generateTicketValue(): string {
  return pooledRandomBytes(32).toString('base64url');
}

/** `pk_test_` / `pk_live_` + base64 (no padding) of `<frontend host>$`, as clients expect. */
export function publishableKeyFor(environment: Environment, frontendHost: string): string {
  const prefix = environment === 'production' ? 'pk_live_' : 'pk_test_';
  return prefix + Buffer.from(`${frontendHost}$`).toString('base64').replace(/=+$/, '');
}

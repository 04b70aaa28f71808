import { ID_BODY_LENGTH, ID_PREFIXES, type IdKind } from '@tessera/wire';
import { pooledRandomBytes } from './random-pool';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_SECONDS = 1_400_000_000;
const KSUID_BYTES = 20;

/**
 * Base62 of a 20-byte big-endian number, left-padded to 27 characters (the KSUID encoding). Long
 * division of the bytes by 62, one digit per pass: no BigInt, which costs microseconds per id.
 */
function base62(bytes: Uint8Array): string {
  const digits = new Uint8Array(ID_BODY_LENGTH);
  const number = Uint8Array.from(bytes);
  let start = 0;
  for (let position = ID_BODY_LENGTH - 1; position >= 0 && start < number.length; position--) {
    let remainder = 0;
    for (let i = start; i < number.length; i++) {
      const value = remainder * 256 + number[i]!;
      number[i] = Math.floor(value / 62);
      remainder = value % 62;
    }
    digits[position] = remainder;
    while (start < number.length && number[start] === 0) start++;
  }
  let out = '';
  for (const digit of digits) out += BASE62[digit];
  return out;
}

/**
 * A new id: the kind's prefix and a KSUID (4 bytes of seconds since 2014-05-13, 16 random bytes),
 * so ids sort by creation time to the second.
 */
export function newId(kind: IdKind, nowMs: number): string {
  const bytes = new Uint8Array(KSUID_BYTES);
  const seconds = Math.floor(nowMs / 1000) - KSUID_EPOCH_SECONDS;
  new DataView(bytes.buffer).setUint32(0, Math.max(0, seconds));
  bytes.set(pooledRandomBytes(16), 4);
  return `${ID_PREFIXES[kind]}_${base62(bytes)}`;
}

/** Exposed for tests: the encoding must match the KSUID reference for any 20 bytes. */
export const encodeKsuidBody = base62;

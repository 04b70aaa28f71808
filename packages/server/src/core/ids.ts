import { ID_BODY_LENGTH, ID_PREFIXES, type IdKind } from '@tessera/wire';
import { pooledRandomBytes } from './random-pool';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_SECONDS = 1_400_000_000;
const KSUID_BYTES = 20;

/**
 * Base62 of a 20-byte big-endian number, left-padded to 27 characters (the KSUID encoding). Long
 * division by 62 over five 32-bit words, one digit per pass: no BigInt, which costs microseconds per
 * id. A partial value stays below 62 * 2^32, well within a double's exact integers.
 */
function base62(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, KSUID_BYTES);
  const words = [0, 4, 8, 12, 16].map((offset) => view.getUint32(offset));
  let out = '';
  for (let digit = 0; digit < ID_BODY_LENGTH; digit++) {
    let remainder = 0;
    for (let i = 0; i < words.length; i++) {
      const value = remainder * 0x1_0000_0000 + words[i]!;
      const quotient = Math.floor(value / 62);
      remainder = value - quotient * 62;
      words[i] = quotient;
    }
    out = BASE62[remainder] + out;
  }
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

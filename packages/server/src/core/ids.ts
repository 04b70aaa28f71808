import { ID_BODY_LENGTH, ID_PREFIXES, type IdKind } from '@tessera/wire';
import { pooledRandomBytes } from './random-pool';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_SECONDS = 1_400_000_000;
const KSUID_BYTES = 20;

/** Three base62 digits at a time: a remainder below 62^3, times 2^32, plus a word, stays below 2^53. */
const CHUNK = 62 ** 3;
const WORD = 2 ** 32;

/**
 * Base62 of a 160-bit number given as five big-endian 32-bit words, left-padded to 27 characters (the KSUID encoding): long
 * division of its five 32-bit words by 62^3, nine times, written out unrolled. BigInt arithmetic
 * cost microseconds per id.
 */
function base62(words: readonly [number, number, number, number, number]): string {
  let [w0, w1, w2, w3, w4] = words;
  let out = '';
  for (let chunk = 0; chunk < ID_BODY_LENGTH / 3; chunk++) {
    let value = w0;
    let quotient = Math.floor(value / CHUNK);
    let remainder = value - quotient * CHUNK;
    w0 = quotient;
    value = remainder * WORD + w1;
    quotient = Math.floor(value / CHUNK);
    remainder = value - quotient * CHUNK;
    w1 = quotient;
    value = remainder * WORD + w2;
    quotient = Math.floor(value / CHUNK);
    remainder = value - quotient * CHUNK;
    w2 = quotient;
    value = remainder * WORD + w3;
    quotient = Math.floor(value / CHUNK);
    remainder = value - quotient * CHUNK;
    w3 = quotient;
    value = remainder * WORD + w4;
    quotient = Math.floor(value / CHUNK);
    remainder = value - quotient * CHUNK;
    w4 = quotient;
    const low = remainder % 62;
    const middle = Math.floor(remainder / 62) % 62;
    const high = Math.floor(remainder / 3844);
    out = BASE62[high]! + BASE62[middle]! + BASE62[low]! + out;
  }
  return out;
}

/**
 * A new id: the kind's prefix and a KSUID (4 bytes of seconds since 2014-05-13, 16 random bytes),
 * so ids sort by creation time to the second.
 */
export function newId(kind: IdKind, nowMs: number): string {
  // A 32-bit field, as in every KSUID (it wraps in 2150).
  const seconds = Math.max(0, Math.floor(nowMs / 1000) - KSUID_EPOCH_SECONDS) >>> 0;
  const random = pooledRandomBytes(16);
  const body = base62([
    seconds,
    random.readUInt32BE(0),
    random.readUInt32BE(4),
    random.readUInt32BE(8),
    random.readUInt32BE(12),
  ]);
  return `${ID_PREFIXES[kind]}_${body}`;
}

/** The KSUID encoding of any 20 bytes: exposed for tests, which compare it with BigInt arithmetic. */
export function encodeKsuidBody(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, KSUID_BYTES);
  return base62([
    view.getUint32(0),
    view.getUint32(4),
    view.getUint32(8),
    view.getUint32(12),
    view.getUint32(16),
  ]);
}

import { ID_BODY_LENGTH, ID_PREFIXES, type IdKind } from '@tessera/wire';
import { pooledRandomBytes } from './random-pool';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_SECONDS = 1_400_000_000;
const KSUID_BYTES = 20;

/** Three base62 digits at a time: a remainder below 62^3, times 2^32, plus a word, stays below 2^53. */
const CHUNK = 62 ** 3;
const WORD = 2 ** 32;
/** The number being divided, reused from one id to the next (nothing else runs meanwhile). */
const dividend = new Float64Array(5);

/**
 * Base62 of a 160-bit number given as five big-endian 32-bit words, left-padded to 27 characters
 * (the KSUID encoding): nine long divisions of the words by 62^3, each giving three digits. BigInt
 * arithmetic cost microseconds per id.
 */
function base62(words: readonly [number, number, number, number, number]): string {
  dividend.set(words);
  let out = '';
  for (let chunk = 0; chunk < ID_BODY_LENGTH / 3; chunk++) {
    let remainder = 0;
    for (let i = 0; i < dividend.length; i++) {
      const value = remainder * WORD + dividend[i]!;
      const quotient = Math.floor(value / CHUNK);
      remainder = value - quotient * CHUNK;
      dividend[i] = quotient;
    }
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

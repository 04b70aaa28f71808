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
 * A new id: the kind's prefix and a KSUID (4 bytes of seconds since 2014-05-13, then a 16-byte
 * payload). The payload starts with the millisecond within that second and carries 112 random bits,
 * so ids sort by creation time to the millisecond: a new row's key lands at the end of its index
 * instead of on a random page, which is most of what an insert costs.
 */
export function newId(kind: IdKind, nowMs: number): string {
  const wholeSeconds = Math.floor(nowMs / 1000);
  // A 32-bit field, as in every KSUID (it wraps in 2150).
  const seconds = Math.max(0, wholeSeconds - KSUID_EPOCH_SECONDS) >>> 0;
  const millisecond = Math.floor(nowMs) - wholeSeconds * 1000;
  const random = pooledRandomBytes(14);
  const body = base62([
    seconds,
    ((millisecond << 16) | random.readUInt16BE(0)) >>> 0,
    random.readUInt32BE(2),
    random.readUInt32BE(6),
    random.readUInt32BE(10),
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

import { randomFillSync } from 'node:crypto';
import { ID_BODY_LENGTH, ID_PREFIXES, type IdKind } from '@tessera/wire';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_SECONDS = 1_400_000_000;
const POOL_SIZE = 16 * 256;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

function randomPayload(): Buffer {
  // Drawing 16 bytes at a time from a pooled CSPRNG buffer saves a syscall per id.
  if (poolOffset + 16 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bytes;
}

/** Base62 of a 20-byte big-endian number, left-padded to 27 characters (the KSUID encoding). */
function base62(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let out = '';
  while (value > 0n) {
    out = BASE62[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(ID_BODY_LENGTH, '0');
}

/**
 * A new id: the kind's prefix and a KSUID (4 bytes of seconds since 2014-05-13, 16 random bytes),
 * so ids sort by creation time to the second.
 */
export function newId(kind: IdKind, nowMs: number): string {
  const bytes = new Uint8Array(20);
  const seconds = Math.floor(nowMs / 1000) - KSUID_EPOCH_SECONDS;
  new DataView(bytes.buffer).setUint32(0, Math.max(0, seconds));
  bytes.set(randomPayload(), 4);
  return `${ID_PREFIXES[kind]}_${base62(bytes)}`;
}

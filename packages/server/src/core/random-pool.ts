import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 8 * 1024;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `length` bytes from the CSPRNG, drawn from a pooled buffer: one system call per 8 KiB instead of one
 * per id, ticket and request. Each byte is handed out once. The view is only valid until the next
 * call: encode it at once.
 */
export function pooledRandomBytes(length: number): Buffer {
  if (length > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} random bytes at a time`);
  if (offset + length > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + length);
  offset += length;
  return bytes;
}

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeKsuidBody, newId } from '../src/core/ids';
import { pooledRandomBytes } from '../src/core/random-pool';

/** The textbook encoding, for comparison. */
function base62WithBigInt(bytes: Uint8Array): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let out = '';
  while (value > 0n) {
    out = alphabet[Number(value % 62n)] + out;
    value /= 62n;
  }
  return out.padStart(27, '0');
}

describe('KSUID ids', () => {
  it('encode the extremes as the KSUID reference does', () => {
    expect(encodeKsuidBody(new Uint8Array(20))).toBe('000000000000000000000000000');
    expect(encodeKsuidBody(new Uint8Array(20).fill(255))).toBe('aWgEPTl1tmebfsQzFP4bxwgy80V');
  });

  it('encode any 20 bytes like the BigInt arithmetic', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = randomBytes(20);
      if (i % 10 === 0) bytes.fill(0, 0, i % 20); // leading zero bytes
      expect(encodeKsuidBody(bytes)).toBe(base62WithBigInt(bytes));
    }
  });

  it('sort by creation time to the millisecond and never repeat', () => {
    const second = 1_700_000_000_000;
    const times = [
      second,
      second + 1,
      second + 2,
      second + 500,
      second + 999,
      second + 1000,
      second + 86_400_000,
    ];
    for (let round = 0; round < 200; round++) {
      const ids = times.map((time) => newId('user', time));
      expect([...ids].sort()).toEqual(ids);
    }
    const ids = new Set(Array.from({ length: 10_000 }, () => newId('session', second + 123)));
    expect(ids.size).toBe(10_000);
  });

  it('stay well-formed for fractional, negative and pre-epoch times', () => {
    // A fractional time counts as its whole millisecond.
    const fractional = newId('user', 1_700_000_000_123.9);
    expect(newId('user', 1_700_000_000_122) < fractional).toBe(true);
    expect(fractional < newId('user', 1_700_000_000_124)).toBe(true);
    for (const time of [0, -1, -999.5, -1_000_000_000_000, 1_399_999_999_999, 1_400_000_000_000.5]) {
      expect(newId('user', time), String(time)).toMatch(/^user_[0-9A-Za-z]{27}$/);
    }
  });

  it('carry the KSUID timestamp: seconds since 2014-05-13 in the first four bytes', () => {
    const id = newId('user', 1_700_000_000_999);
    const body = id.slice('user_'.length);
    // Every 20-byte value with the same first four bytes encodes between these two.
    const low = new Uint8Array(20);
    const high = new Uint8Array(20).fill(255);
    new DataView(low.buffer).setUint32(0, 1_700_000_000 - 1_400_000_000);
    new DataView(high.buffer).setUint32(0, 1_700_000_000 - 1_400_000_000);
    expect(body >= encodeKsuidBody(low) && body <= encodeKsuidBody(high)).toBe(true);
  });
});

describe('pooled random bytes', () => {
  it('hand out each byte once, across refills of the pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) seen.add(pooledRandomBytes(16).toString('hex'));
    expect(seen.size).toBe(5_000);
  });

  it('refuse more than the pool holds', () => {
    expect(() => pooledRandomBytes(1 << 20)).toThrow(RangeError);
  });
});

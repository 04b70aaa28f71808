import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64UrlToBytes } from '../src/verify/base64url';
import { nodeCrypto } from '../src/verify/crypto-node';
import { respelled } from './support/jwt';

describe('base64UrlToBytes', () => {
  it('decodes exactly what Node encodes, for every length from 0 to 299 bytes', () => {
    for (let length = 0; length < 300; length++) {
      const bytes = randomBytes(length);
      expect(Buffer.from(base64UrlToBytes(bytes.toString('base64url'))!)).toEqual(bytes);
    }
  });

  it('refuses characters outside the url-safe alphabet and impossible lengths', () => {
    for (const text of ['ab+c', 'ab/c', 'ab=c', 'abc=', 'ab c', 'abcé', 'a', 'abcde']) {
      expect(base64UrlToBytes(text), text).toBeNull();
    }
  });

  it('refuses every non-canonical spelling (unused trailing bits set), for every length', () => {
    for (let length = 1; length < 40; length++) {
      const canonical = randomBytes(length).toString('base64url');
      const other = respelled(canonical);
      if (other === null) continue;
      expect(base64UrlToBytes(other), other).toBeNull();
      expect(nodeCrypto.base64UrlToBytes!(other), `node: ${other}`).toBeNull();
    }
    for (const text of ['YR', 'YWJ', 'YWK', 'AB', 'AAB']) expect(base64UrlToBytes(text), text).toBeNull();
  });
});

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64UrlToBytes } from '../src/verify/base64url';

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
});

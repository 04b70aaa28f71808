import {
  constants,
  createHash,
  generateKeyPairSync,
  type KeyObject,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { base64UrlToBytes } from '../src/verify/base64url';
import type { Rs256Crypto } from '../src/verify/crypto';
import { createNodeCrypto, nodeCrypto } from '../src/verify/crypto-node';
import { webCrypto } from '../src/verify/crypto-web';
import { claimsAt, makeKey, signJwt, type TestKey } from './support/jwt';

// The node backend verifies RS256 as publicDecrypt without padding (RSAVP1) followed by an exact
// comparison of the whole encoded message: 00 01 FF..FF 00, the SHA-256 DigestInfo, the hash. These
// tests hold it to what crypto.verify accepts, and to crypto.verify where publicDecrypt fails.

const START = 1_800_000_000_000;
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

let key: TestKey;
let other: TestKey;
let imported: unknown;
let importedFromJwk: unknown;

beforeAll(async () => {
  key = makeKey('kid_a');
  other = makeKey('kid_b');
  imported = await nodeCrypto.importPem(key.publicPem);
  importedFromJwk = await nodeCrypto.importJwk(key.jwk);
});

/** A fresh copy on its own ArrayBuffer, as the decoder hands signatures over. */
const bytes = (data: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(data);

function signingInputOf(jwt: string): string {
  return jwt.slice(0, jwt.lastIndexOf('.'));
}

function rs256(privateKey: KeyObject, input: string): Uint8Array<ArrayBuffer> {
  return bytes(sign('sha256', Buffer.from(input), privateKey));
}

/** RSASSA-PKCS1-v1_5 "signature" of an arbitrary T: type-1 padding around it, then the private op. */
function signRaw(privateKey: KeyObject, t: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes(privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, t));
}

function sha256(input: string): Buffer {
  return createHash('sha256').update(input).digest();
}

/** The synchronous answer; fails the test when the node backend answers with a promise. */
function verifies(
  k: unknown,
  input: string,
  signature: Uint8Array<ArrayBuffer>,
  backend: Rs256Crypto = nodeCrypto,
): boolean {
  const answer = backend.verify(k, input, signature);
  expect(typeof answer).toBe('boolean');
  return answer as boolean;
}

/** A type-1 padded encoded message around T, for a k-byte modulus. */
function encode(t: Uint8Array, k = 256): Buffer {
  return Buffer.concat([Buffer.of(0, 1), Buffer.alloc(k - 3 - t.length, 0xff), Buffer.of(0), t]);
}

/** The raw private operation on an encoded message: a signature of whatever EM is. */
function signEncoded(privateKey: KeyObject, em: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes(privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, em));
}

describe('node RS256 verify', () => {
  it('accepts a valid signature, with the key imported from PEM or from a JWK', () => {
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    const signature = rs256(key.privateKey, input);
    expect(verifies(imported, input, signature)).toBe(true);
    expect(verifies(importedFromJwk, input, signature)).toBe(true);
  });

  it('agrees with crypto.verify on valid signatures of many inputs', () => {
    for (let i = 0; i < 50; i++) {
      const input = signingInputOf(signJwt(key, claimsAt(START, { sid: randomBytes(i).toString('hex') })));
      const signature = rs256(key.privateKey, input);
      expect(verify('sha256', Buffer.from(input), key.privateKey, signature)).toBe(true);
      expect(verifies(imported, input, signature)).toBe(true);
    }
  });

  it('refuses a signature made with another key', () => {
    const input = signingInputOf(signJwt(other, claimsAt(START)));
    expect(verifies(imported, input, rs256(other.privateKey, input))).toBe(false);
  });

  it('refuses a tampered signature (one bit flipped, anywhere)', () => {
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    const signature = rs256(key.privateKey, input);
    for (const index of [0, 1, 100, 200, 254, 255]) {
      for (const bit of [0x01, 0x80]) {
        const tampered = bytes(signature);
        tampered[index]! ^= bit;
        expect(verifies(imported, input, tampered), `byte ${index} ^ ${bit}`).toBe(false);
      }
    }
  });

  it('refuses a tampered signing input (payload or header)', () => {
    const jwt = signJwt(key, claimsAt(START));
    const input = signingInputOf(jwt);
    const signature = rs256(key.privateKey, input);
    const [header, payload] = input.split('.') as [string, string];
    const otherPayload = Buffer.from(JSON.stringify(claimsAt(START, { sub: 'user_someone_else' }))).toString(
      'base64url',
    );
    for (const tampered of [
      `${header}.${otherPayload}`,
      `${header}.${payload.slice(0, -1)}${payload.endsWith('A') ? 'B' : 'A'}`,
      `${header}.${payload}A`,
      `${header.slice(0, -1)}.${payload}`,
      '',
    ]) {
      expect(verifies(imported, tampered, signature)).toBe(false);
    }
  });

  it('refuses a signature whose length is not the modulus length, even of the same value', () => {
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    const signature = rs256(key.privateKey, input);
    const cases = [
      bytes(Buffer.concat([Buffer.of(0), signature])), // the same integer, 257 bytes
      bytes(Buffer.concat([Buffer.of(0, 0), signature])),
      signature.slice(1),
      signature.slice(0, 128),
      bytes(Buffer.concat([signature, signature])),
      new Uint8Array(0),
    ];
    for (const wrong of cases) expect(verifies(imported, input, wrong), `${wrong.length} bytes`).toBe(false);
  });

  it('refuses a signature with its leading zero byte left out (the same integer, 255 bytes)', () => {
    // About one signature in 256 starts with 0x00; RSA alone would take it shortened too.
    let input = '';
    let signature = new Uint8Array(0);
    for (let i = 0; signature[0] !== 0; i++) {
      expect(i).toBeLessThan(5000);
      input = signingInputOf(signJwt(key, claimsAt(START, { sid: `sess_${i}` })));
      signature = rs256(key.privateKey, input);
    }
    expect(verifies(imported, input, signature)).toBe(true);
    expect(verifies(imported, input, signature.slice(1))).toBe(false);
  });

  it('refuses PKCS #1 v1.5 signatures of the same input with another hash', () => {
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    for (const hash of ['sha1', 'sha224', 'sha384', 'sha512', 'sha512-256', 'sha3-256']) {
      const signature = bytes(sign(hash, Buffer.from(input), key.privateKey));
      expect(verify(hash, Buffer.from(input), key.privateKey, signature), hash).toBe(true);
      expect(verifies(imported, input, signature), hash).toBe(false);
    }
  });

  it('refuses an RSASSA-PSS signature of the same input', () => {
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    for (const saltLength of [0, 32]) {
      const signature = bytes(
        sign('sha256', Buffer.from(input), {
          key: key.privateKey,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength,
        }),
      );
      expect(verifies(imported, input, signature)).toBe(false);
    }
  });

  it('takes only the exact DigestInfo: no extra bytes, no other encoding of it, no bare hash', () => {
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    const hash = sha256(input);
    const good = Buffer.concat([SHA256_DIGEST_INFO, hash]);
    // The harness itself: type-1 padding around the right T is the RS256 signature.
    expect(verifies(imported, input, signRaw(key.privateKey, good))).toBe(true);
    expect(Buffer.from(signRaw(key.privateKey, good))).toEqual(Buffer.from(rs256(key.privateKey, input)));

    const withoutNull = Buffer.concat([
      Buffer.from('302f300b0609608648016503040201', 'hex'),
      Buffer.of(0x04, 0x20),
      hash,
    ]);
    const prefixByte = (index: number, value: number) => {
      const t = Buffer.from(good);
      t[index] = value;
      return t;
    };
    const wrongHash = Buffer.from(good);
    wrongHash[50]! ^= 1;
    const forgeries: [string, Buffer][] = [
      ['a trailing zero byte', Buffer.concat([good, Buffer.of(0)])],
      ['trailing garbage', Buffer.concat([good, randomBytes(40)])],
      ['a leading zero byte', Buffer.concat([Buffer.of(0), good])],
      ['the AlgorithmIdentifier without NULL', withoutNull],
      ['the bare hash', hash],
      ['the hash of something else', Buffer.concat([SHA256_DIGEST_INFO, sha256(`${input}.`)])],
      ['one hash bit off', wrongHash],
      ['the SHA-512 OID with a 32-byte hash', prefixByte(14, 0x03)],
      ['another outer length', prefixByte(1, 0x32)],
      ['another inner length', prefixByte(3, 0x0e)],
      ['a BIT STRING for the digest', prefixByte(17, 0x03)],
      ['a longer digest length', prefixByte(18, 0x21)],
      ['the prefix only', SHA256_DIGEST_INFO],
      ['nothing', Buffer.alloc(0)],
    ];
    for (const [name, t] of forgeries) {
      expect(verifies(imported, input, signRaw(key.privateKey, t)), name).toBe(false);
    }
  });

  it('takes only the exact padding: 00 01, then FF up to the 00 before the DigestInfo', () => {
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    const t = Buffer.concat([SHA256_DIGEST_INFO, sha256(input)]);
    const good = encode(t);
    expect(verifies(imported, input, signEncoded(key.privateKey, good))).toBe(true);
    const changed = (index: number, value: number) => {
      const em = Buffer.from(good);
      em[index] = value;
      return em;
    };
    const forgeries: [string, Buffer][] = [
      ['block type 2', changed(1, 0x02)],
      ['block type 0', changed(1, 0x00)],
      ['a non-FF byte in the padding', changed(100, 0xfe)],
      ['a zero byte early in the padding', changed(10, 0x00)],
      ['no zero separator', changed(256 - 52, 0xff)],
      [
        'the separator one byte early, T with a leading byte',
        Buffer.concat([encode(Buffer.concat([Buffer.of(0), t])).subarray(0, 256)]),
      ],
      [
        'a shorter FF run with garbage after the hash',
        Buffer.concat([
          Buffer.of(0, 1),
          Buffer.alloc(8, 0xff),
          Buffer.of(0),
          t,
          Buffer.alloc(256 - 11 - t.length, 0x41),
        ]),
      ],
      [
        'a shorter FF run with garbage before the 00',
        Buffer.concat([
          Buffer.of(0, 1),
          Buffer.alloc(8, 0xff),
          Buffer.alloc(256 - 11 - t.length, 0x41),
          Buffer.of(0),
          t,
        ]),
      ],
    ];
    for (const [name, em] of forgeries) {
      expect(em.length, name).toBe(256);
      expect(verifies(imported, input, signEncoded(key.privateKey, em)), name).toBe(false);
      expect(
        verify('sha256', Buffer.from(input), key.privateKey, signEncoded(key.privateKey, em)),
        name,
      ).toBe(false);
    }
  });

  it('every byte of the encoded message counts', () => {
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    const good = encode(Buffer.concat([SHA256_DIGEST_INFO, sha256(input)]));
    for (let index = 0; index < good.length; index++) {
      const em = Buffer.from(good);
      em[index]! ^= index === 0 ? 0x01 : 0x10;
      expect(verifies(imported, input, signEncoded(key.privateKey, em)), `byte ${index}`).toBe(false);
    }
  });

  it('refuses signature values outside [1, n) without throwing', () => {
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    for (const fill of [0x00, 0xff]) {
      expect(verifies(imported, input, new Uint8Array(256).fill(fill)), `all ${fill}`).toBe(false);
    }
    expect(verifies(imported, input, bytes(randomBytes(256)))).toBe(false);
  });

  it('works with other modulus lengths, one not a whole number of bytes', async () => {
    for (const modulusLength of [2050, 3072]) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
      const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const wide = await nodeCrypto.importPem(pem);
      const input = signingInputOf(signJwt(key, claimsAt(START)));
      const signature = rs256(privateKey, input);
      expect(signature.length).toBe(Math.ceil(modulusLength / 8));
      expect(verifies(wide, input, signature)).toBe(true);
      expect(await webCrypto.verify(await webCrypto.importPem(pem), input, signature)).toBe(true);
      expect(verifies(wide, input, rs256(key.privateKey, input))).toBe(false);
      expect(verifies(wide, input, signature.slice(1))).toBe(false);
    }
  });

  it('answers as the web backend does', async () => {
    const webKey = await webCrypto.importPem(key.publicPem);
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    const signature = rs256(key.privateKey, input);
    const cases: [string, Uint8Array<ArrayBuffer>][] = [
      [input, signature],
      [`${input}x`, signature],
      [input, rs256(other.privateKey, input)],
      [input, bytes(sign('sha512', Buffer.from(input), key.privateKey))],
      [input, signature.slice(1)],
    ];
    for (const [data, sig] of cases) {
      expect(verifies(imported, data, sig)).toBe(await webCrypto.verify(webKey, data, sig));
    }
  });
});

describe('node base64url decoder', () => {
  const decode = nodeCrypto.base64UrlToBytes!;

  it('decodes exactly what Node encodes, for every length from 0 to 299 bytes', () => {
    for (let length = 0; length < 300; length++) {
      const data = randomBytes(length);
      expect(Buffer.from(decode(data.toString('base64url'))!)).toEqual(data);
    }
  });

  it('answers exactly as the portable decoder for texts that are not canonical base64url', () => {
    const texts = [
      'ab+c',
      'ab/c',
      'ab=c',
      'abc=',
      'YQ==',
      'ab c',
      ' abc',
      'abc\n',
      'abcé',
      'ab\u0100c',
      'a',
      'abcde',
      '====',
      '.',
      'YR', // non-zero unused trailing bits: not canonical, refused by both
      'YWJ',
      'YWK',
      '',
    ];
    for (const text of texts) {
      const expected = base64UrlToBytes(text);
      const actual = decode(text);
      expect(actual === null ? null : Buffer.from(actual), JSON.stringify(text)).toEqual(
        expected === null ? null : Buffer.from(expected),
      );
    }
  });
});

describe('node RS256 verify where publicDecrypt does not do RSAVP1', () => {
  const broken: [string, Parameters<typeof createNodeCrypto>[0]][] = [
    [
      'missing',
      () => {
        throw new Error('Not implemented: crypto.publicDecrypt');
      },
    ],
    ['returning its input', (_, data) => Buffer.from(data)],
    ['stripping the padding itself', (options, data) => withPkcs1Padding(options, data)],
    ['returning zeros', () => Buffer.alloc(256)],
  ];

  /** What a publicDecrypt with PKCS #1 padding would return: T only (not what is asked for). */
  function withPkcs1Padding(options: { key: KeyObject; padding: number }, data: Uint8Array): Uint8Array {
    return publicDecrypt({ key: options.key, padding: constants.RSA_PKCS1_PADDING }, data);
  }

  it.each(broken)('falls back to crypto.verify when it is %s', async (_, rawRsa) => {
    const backend = createNodeCrypto(rawRsa);
    for (const k of [await backend.importPem(key.publicPem), await backend.importJwk(key.jwk)]) {
      const input = signingInputOf(signJwt(key, claimsAt(START)));
      const signature = rs256(key.privateKey, input);
      expect(verifies(k, input, signature, backend)).toBe(true);
      expect(verifies(k, `${input}x`, signature, backend)).toBe(false);
      expect(verifies(k, input, rs256(other.privateKey, input), backend)).toBe(false);
      expect(verifies(k, input, bytes(sign('sha512', Buffer.from(input), key.privateKey)), backend)).toBe(
        false,
      );
      expect(verifies(k, input, signature.slice(1), backend)).toBe(false);
      expect(verifies(k, input, new Uint8Array(256).fill(0xff), backend)).toBe(false);
    }
  });

  it('uses publicDecrypt on Node, once per verification', async () => {
    let calls = 0;
    const backend = createNodeCrypto((options, data) => {
      calls++;
      return publicDecrypt(options, data);
    });
    const k = await backend.importPem(key.publicPem);
    calls = 0;
    const input = signingInputOf(signJwt(key, claimsAt(START)));
    expect(verifies(k, input, rs256(key.privateKey, input), backend)).toBe(true);
    expect(verifies(k, input, rs256(other.privateKey, input), backend)).toBe(false);
    expect(calls).toBe(2);
  });
});

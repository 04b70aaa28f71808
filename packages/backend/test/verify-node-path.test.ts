import { constants, sign } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenVerificationError } from '../src/errors';
import type { Rs256Crypto } from '../src/verify/crypto';
import { nodeCrypto } from '../src/verify/crypto-node';
import { webCrypto } from '../src/verify/crypto-web';
import { type KeyStore, pemKeyStore, remoteKeyStore } from '../src/verify/key-store';
import { createVerifier } from '../src/verify/verifier';
import {
  claimsAt,
  hmacForgery,
  makeKey,
  respelled,
  seconds,
  signedRespelled,
  signJwt,
  type TestKey,
  testClock,
  unsignedJwt,
} from './support/jwt';

// The "node" build verifies without awaiting once the key is imported (node:crypto answers
// synchronously). Every token must get the same answer there as through the portable path.

const START = 1_800_000_000_000;
let key: TestKey;
let other: TestKey;

beforeAll(() => {
  key = makeKey('kid_a');
  other = makeKey('kid_b');
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function resign(jwt: string, signer: (input: Buffer) => Buffer): string {
  const input = jwt.slice(0, jwt.lastIndexOf('.'));
  return `${input}.${signer(Buffer.from(input)).toString('base64url')}`;
}

function cases(round: number): [string, string, string][] {
  // Each round its own tokens (a new jti), so they are new to the cache.
  const claims = (overrides: Record<string, unknown> = {}) =>
    claimsAt(START, { jti: `round_${round}`, ...overrides });
  const good = signJwt(key, claims());
  const [header, payload, signature] = good.split('.') as [string, string, string];
  const flipped = Buffer.from(signature, 'base64url');
  flipped[17]! ^= 1;
  return [
    ['a valid token', good, 'ok'],
    ['a valid token with azp and act', signJwt(key, claims({ azp: 'a', act: { sub: 'x' } })), 'ok'],
    ['another key', signJwt(other, claims(), { kid: 'kid_a' }), 'token-invalid-signature'],
    [
      'a tampered payload',
      `${header}.${b64(claims({ sub: 'user_x' }))}.${signature}`,
      'token-invalid-signature',
    ],
    [
      'a tampered signature',
      `${header}.${payload}.${flipped.toString('base64url')}`,
      'token-invalid-signature',
    ],
    [
      'a truncated signature',
      `${header}.${payload}.${Buffer.from(signature, 'base64url').subarray(0, -3).toString('base64url')}`,
      'token-invalid-signature',
    ],
    ['a signature with + in it', `${header}.${payload}.+${signature.slice(1)}`, 'token-malformed'],
    ['a padded signature', `${header}.${payload}.${signature}==`, 'token-malformed'],
    // The same signature bytes spelled another way (unused trailing bits set): one token, one text.
    ['a non-canonical signature', `${header}.${payload}.${respelled(signature)}`, 'token-malformed'],
    ['a signed non-canonical header', signedRespelled(key, claims(), 'header'), 'token-malformed'],
    ['a signed non-canonical payload', signedRespelled(key, claims(), 'payload'), 'token-malformed'],
    [
      'a crit extension',
      signJwt(key, claims(), { crit: ['x-unknown'], 'x-unknown': 1 }),
      'token-unsupported-critical-header',
    ],
    ['an empty crit list', signJwt(key, claims(), { crit: [] }), 'token-unsupported-critical-header'],
    [
      'crit naming a registered header',
      signJwt(key, claims(), { crit: ['kid'] }),
      'token-unsupported-critical-header',
    ],
    ['a payload with / in it', `${header}./${payload.slice(1)}.${signature}`, 'token-malformed'],
    [
      'RSA-SHA512 under an RS256 header',
      resign(good, (i) => sign('sha512', i, key.privateKey)),
      'token-invalid-signature',
    ],
    [
      'RSA-SHA1 under an RS256 header',
      resign(good, (i) => sign('sha1', i, key.privateKey)),
      'token-invalid-signature',
    ],
    [
      'PSS under an RS256 header',
      resign(good, (i) =>
        sign('sha256', i, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
      ),
      'token-invalid-signature',
    ],
    ['two parts', `${header}.${payload}`, 'token-malformed'],
    ['four parts', `${good}.x`, 'token-malformed'],
    ['an empty signature', `${header}.${payload}.`, 'token-malformed'],
    ['alg none', unsignedJwt(claims()), 'token-invalid-algorithm'],
    ['HS256', hmacForgery(key, claims()), 'token-invalid-algorithm'],
    ['typ at+jwt', signJwt(key, claims(), { typ: 'at+jwt' }), 'token-invalid-type'],
    ['a numeric kid', signJwt(key, claims(), { kid: 7 }), 'token-malformed'],
    ['the good header again, after others', signJwt(key, claims({ sid: 'sess_again' })), 'ok'],
    [
      "no sid (a JWT template's)",
      signJwt(key, claims({ sid: undefined, v: undefined, sts: undefined })),
      'ok',
    ],
    ['a numeric sid', signJwt(key, claims({ sid: 7 })), 'token-invalid-claims'],
    ['expired', signJwt(key, claimsAt(START - 120_000, { jti: `round_${round}` })), 'token-expired'],
    ['nbf ahead', signJwt(key, claims({ nbf: seconds(START) + 60 })), 'token-not-active-yet'],
    ['iat ahead', signJwt(key, claims({ iat: seconds(START) + 60 })), 'token-issued-in-future'],
    ['the wrong issuer', signJwt(key, claims({ iss: 'https://evil.test' })), 'token-invalid-issuer'],
    ['an unlisted azp', signJwt(key, claims({ azp: 'https://x.test' })), 'token-invalid-authorized-party'],
  ];
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof TokenVerificationError ? error.reason : `threw ${String(error)}`),
  );
}

const expectations = { issuer: 'http://127.0.0.1:4000', authorizedParties: ['a'] };

function verifierFor(crypto: Rs256Crypto, keys: (crypto: Rs256Crypto) => KeyStore) {
  return createVerifier({ keys: keys(crypto), crypto, now: testClock(START).now, cacheSize: 100 });
}

describe.each<[string, (crypto: Rs256Crypto) => KeyStore]>([
  ['jwtKey', (crypto) => pemKeyStore(key.publicPem, crypto)],
  [
    'JWKS',
    (crypto) =>
      remoteKeyStore({
        load: async () => ({ keys: [key.jwk, other.jwk] }),
        crypto,
        ttlMs: 60_000,
        now: testClock(START).now,
      }),
  ],
])('the node path, keys from %s', (_, keys) => {
  it('answers every token as the portable path does, cold and then with the key at hand', async () => {
    const node = verifierFor(nodeCrypto, keys);
    const web = verifierFor(webCrypto, keys);
    // The first pass imports the key (the awaiting path), the second finds it ready with tokens new
    // to the cache, the third meets the second's tokens again (the accepted ones from the cache).
    for (const [pass, round] of [0, 1, 1].entries()) {
      for (const [name, jwt, expected] of cases(round)) {
        const fromNode = await outcome(node.verify(jwt, expectations, 5000));
        expect(fromNode, `${name} (pass ${pass})`).toBe(expected);
        expect(await outcome(web.verify(jwt, expectations, 5000)), `${name} on web`).toBe(expected);
      }
    }
  });

  it('never caches a token refused for crit or a non-canonical spelling, so it stays refused', async () => {
    for (const crypto of [nodeCrypto, webCrypto]) {
      const verifier = verifierFor(crypto, keys);
      const good = signJwt(key, claimsAt(START));
      await verifier.verify(good, {}, 5000);
      const [header, payload, signature] = good.split('.') as [string, string, string];
      const refused = [
        signJwt(key, claimsAt(START), { crit: ['x-unknown'] }),
        `${header}.${payload}.${respelled(signature)}`,
        signedRespelled(key, claimsAt(START), 'payload'),
      ];
      for (let pass = 0; pass < 3; pass++) {
        for (const jwt of refused) {
          expect(await outcome(verifier.verify(jwt, {}, 5000)), `${crypto.name} pass ${pass}`).not.toBe('ok');
        }
      }
      expect(verifier.cache.size, crypto.name).toBe(1);
    }
  });

  it('rejects (never throws) and returns the frozen claims', async () => {
    const node = verifierFor(nodeCrypto, keys);
    await node.verify(signJwt(key, claimsAt(START)), {}, 5000);
    const bad = node.verify('not a jwt', {}, 5000);
    expect(bad).toBeInstanceOf(Promise);
    await expect(bad).rejects.toMatchObject({ reason: 'token-malformed' });
    const claims = await node.verify(signJwt(key, claimsAt(START, { act: { sub: 'tst_1' } })), {}, 5000);
    expect(Object.isFrozen(claims)).toBe(true);
    expect(Object.isFrozen(claims.act)).toBe(true);
  });
});

it('a JWKS key is looked up again once the JWKS is due, on the node path too', async () => {
  const clock = testClock(START);
  let loads = 0;
  const keys = remoteKeyStore({
    load: async () => {
      loads++;
      return { keys: loads === 1 ? [key.jwk] : [other.jwk] };
    },
    crypto: nodeCrypto,
    ttlMs: 10_000,
    now: clock.now,
  });
  const verifier = createVerifier({ keys, crypto: nodeCrypto, now: clock.now, cacheSize: 0 });
  await expect(verifier.verify(signJwt(key, claimsAt(START)), {}, 5000)).resolves.toBeDefined();
  await expect(
    verifier.verify(signJwt(key, claimsAt(START, { sid: 's2' })), {}, 5000),
  ).resolves.toBeDefined();
  expect(loads).toBe(1);
  clock.advance(10_000);
  await expect(outcome(verifier.verify(signJwt(key, claimsAt(START)), {}, 60_000))).resolves.toBe(
    'token-unknown-kid',
  );
  await expect(verifier.verify(signJwt(other, claimsAt(START)), {}, 60_000)).resolves.toBeDefined();
  expect(loads).toBe(2);
});

it('once the key is at hand, a new token is verified without waiting on the key store', async () => {
  const store = pemKeyStore(key.publicPem, nodeCrypto);
  let waits = 0;
  const keys: KeyStore = {
    ...store,
    getKey(kid) {
      waits++;
      return store.getKey(kid);
    },
  };
  const verifier = createVerifier({ keys, crypto: nodeCrypto, now: testClock(START).now, cacheSize: 10 });
  await verifier.verify(signJwt(key, claimsAt(START)), {}, 5000);
  expect(waits).toBe(1);
  for (let i = 0; i < 5; i++) {
    await verifier.verify(signJwt(key, claimsAt(START, { sid: `sess_${i}` })), {}, 5000);
    expect(await outcome(verifier.verify(signJwt(other, claimsAt(START)), {}, 5000))).toBe(
      'token-invalid-signature',
    );
  }
  expect(waits).toBe(1);
});

import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';

/**
 * An RS256 signing key of the kind tessera uses (RSA-2048, e = 65537), with its public key as the
 * PEM `PUBLIC KEY` block that both `@tessera/backend` and `@clerk/backend` take as `jwtKey`.
 */
export function createSigningKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicExponent: 65537,
  });
  const kid = `ins_bench_${randomBytes(6).toString('hex')}`;
  return {
    kid,
    privateKey,
    publicKey,
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    encodedHeader: Buffer.from(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT' })).toString('base64url'),
  };
}

const signAsync = (data, key) =>
  new Promise((resolve, reject) =>
    sign('sha256', data, key, (error, signature) => (error ? reject(error) : resolve(signature))),
  );

/** Claims shaped like a tessera session JWT; each call gives a distinct user and session. */
export function sessionClaims({ issuer, nowSeconds, lifetimeSeconds, index }) {
  const unique = `${index.toString(36)}${randomBytes(8).toString('hex')}`;
  return {
    iss: issuer,
    sub: `user_${unique.padStart(27, '0').slice(-27)}`,
    sid: `sess_${unique.padEnd(27, '1').slice(0, 27)}`,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + lifetimeSeconds,
    v: 2,
    sts: 'active',
  };
}

export function signJwt(key, claims) {
  const signingInput = `${key.encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
}

/**
 * `count` distinct session JWTs, signed in libuv's thread pool (all cores) so that making them takes
 * a fraction of the time verifying them is measured for.
 */
export async function signDistinctJwts(key, count, { issuer, lifetimeSeconds = 3600 }) {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const tokens = new Array(count);
  const inFlight = 16;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const claims = sessionClaims({ issuer, nowSeconds, lifetimeSeconds, index });
      const signingInput = `${key.encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      const signature = await signAsync(Buffer.from(signingInput), key.privateKey);
      tokens[index] = `${signingInput}.${signature.toString('base64url')}`;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return tokens;
}

/**
 * The floor of verification in Node: what any correct RS256 verifier must do at least, with nothing
 * else. Split, base64url-decode and JSON.parse header and payload, `crypto.verify` against a
 * pre-parsed KeyObject, then the claim checks (types of iss/sub/sid, exp/nbf/iat against the clock).
 * Synchronous: no promise, no cache, no option handling.
 */
export function floorVerify(token, key, { issuer, clockSkewMs = 5000 } = {}) {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 0 || second < 0 || token.indexOf('.', second + 1) !== -1) throw new Error('malformed');
  const header = JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString());
  if (header.alg !== 'RS256' || header.kid !== key.kid) throw new Error('bad header');
  const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString());
  const valid = verify(
    'sha256',
    Buffer.from(token.slice(0, second)),
    key.publicKey,
    Buffer.from(token.slice(second + 1), 'base64url'),
  );
  if (!valid) throw new Error('bad signature');
  const now = Date.now();
  if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new Error('bad claims');
  if (typeof payload.exp !== 'number' || now >= payload.exp * 1000 + clockSkewMs) throw new Error('expired');
  if (typeof payload.nbf === 'number' && payload.nbf * 1000 > now + clockSkewMs) throw new Error('not yet');
  if (typeof payload.iat !== 'number' || payload.iat * 1000 > now + clockSkewMs) throw new Error('future');
  if (issuer !== undefined && payload.iss !== issuer) throw new Error('bad issuer');
  return payload;
}

/** RSA-2048 `crypto.sign` calls per second on this thread (one core), in a plain loop. */
export function signRate(key, durationMs) {
  const data = Buffer.from(`${key.encodedHeader}.${'e'.repeat(240)}`);
  const start = performance.now();
  let calls = 0;
  let now = start;
  while (now - start < durationMs) {
    sign('sha256', data, key.privateKey);
    calls++;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

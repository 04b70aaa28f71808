import { createHmac, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';

/** Signing material for tests: real RSA-2048 keys, tokens signed the way the server signs them. */
export interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicPem: string;
  readonly jwk: { kty: 'RSA'; kid: string; alg: 'RS256'; use: 'sig'; n: string; e: string };
}

export function makeKey(kid: string, modulusLength = 2048): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength });
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return {
    kid,
    privateKey,
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    jwk: { kty: 'RSA', kid, alg: 'RS256', use: 'sig', n, e },
  };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Now, in seconds, for a clock at `nowMs`. */
export const seconds = (ms: number) => Math.floor(ms / 1000);

export function claimsAt(nowMs: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = seconds(nowMs);
  return {
    iss: 'http://127.0.0.1:4000',
    sub: 'user_2x0000000000000000000000000',
    sid: 'sess_2x0000000000000000000000000',
    iat,
    nbf: iat,
    exp: iat + 60,
    v: 2,
    sts: 'active',
    ...overrides,
  };
}

/**
 * The claims of a JWT made from a JWT template, as the server signs them: the template's own, then
 * `iss`, `sub`, `iat`, `nbf` (set back by the template's clock skew), `exp`, `jti`; no `sid`, `v`, `sts`.
 */
export function templateClaimsAt(
  nowMs: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const iat = seconds(nowMs);
  return {
    email: 'ada@example.com',
    aud: 'authenticated',
    iss: 'http://127.0.0.1:4000',
    sub: 'user_2x0000000000000000000000000',
    iat,
    nbf: iat - 5,
    exp: iat + 60,
    jti: '0123456789abcdef0123456789abcdef',
    ...overrides,
  };
}

export function signJwt(
  key: TestKey,
  payload: Record<string, unknown>,
  header: Record<string, unknown> = {},
): string {
  const input = `${b64({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header })}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** An HS256 token whose HMAC secret is the public key: the classic algorithm-confusion forgery. */
export function hmacForgery(key: TestKey, payload: Record<string, unknown>): string {
  const input = `${b64({ alg: 'HS256', kid: key.kid, typ: 'JWT' })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', key.publicPem).update(input).digest('base64url')}`;
}

export function unsignedJwt(payload: Record<string, unknown>): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

/** A settable clock. */
export function testClock(startMs: number) {
  let now = startMs;
  return {
    now: () => now,
    set(ms: number) {
      now = ms;
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Another spelling of the same bytes: the last character with its lowest unused bit set (what a
 * lenient decoder ignores). Null when the text has no unused bits (its length is a multiple of 4).
 */
export function respelled(text: string): string | null {
  if (text.length % 4 === 0) return null;
  const last = BASE64URL.indexOf(text.at(-1)!);
  return `${text.slice(0, -1)}${BASE64URL[last | 1]}`;
}

/** A token signed over a non-canonical spelling of its header or payload (a fresh signature). */
export function signedRespelled(
  key: TestKey,
  payload: Record<string, unknown>,
  part: 'header' | 'payload',
): string {
  // Pad until the part has unused bits to set.
  for (let pad = ''; ; pad += 'x') {
    const header = b64({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...(part === 'header' ? { pad } : {}) });
    const body = b64(part === 'payload' ? { ...payload, pad } : payload);
    const other = respelled(part === 'header' ? header : body);
    if (other === null) continue;
    const input = part === 'header' ? `${other}.${body}` : `${header}.${other}`;
    return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
  }
}

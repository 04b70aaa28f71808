import { sign, verify } from 'node:crypto';
import type { SigningKey, SigningKeys } from './signing-keys';

export interface SessionClaims {
  readonly iss: string;
  readonly sub: string;
  /** Absent from a JWT made from a JWT template. */
  readonly sid?: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly azp?: string;
  readonly v?: 2;
  readonly sts?: 'active';
  readonly act?: Readonly<Record<string, unknown>>;
  /** The organization (Clerk's v2 form), `fva`, and custom claims. */
  readonly [claim: string]: unknown;
}

function signAsync(data: Buffer, key: SigningKey): Promise<Buffer> {
  // The callback form runs RSA in libuv's thread pool, keeping the event loop free.
  return new Promise((resolve, reject) => {
    sign('sha256', data, key.privateKey, (error, signature) => (error ? reject(error) : resolve(signature)));
  });
}

/** Signs the claims as an RS256 JWT with the ring's current key. */
export async function signSessionJwt(key: SigningKey, claims: SessionClaims): Promise<string> {
  const signingInput = `${key.encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = await signAsync(Buffer.from(signingInput), key);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * Reads a JWT this instance signed (signature only; the caller judges the times). Used by the
 * built-in pages, which show who a browser is signed in as. Returns undefined for anything else.
 */
export async function readOwnSessionJwt(jwt: string, keys: SigningKeys): Promise<SessionClaims | undefined> {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return undefined;
  try {
    const { alg, kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as {
      alg?: string;
      kid?: string;
    };
    const key = alg === 'RS256' && typeof kid === 'string' ? await keys.find(kid) : undefined;
    if (!key) return undefined;
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      key.privateKey,
      Buffer.from(signature, 'base64url'),
    );
    return valid ? (JSON.parse(Buffer.from(payload, 'base64url').toString()) as SessionClaims) : undefined;
  } catch {
    return undefined;
  }
}

import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { JwkJSON, JwksJSON } from '@tessera/wire';
import { newId } from '../core/ids';
import type { Executor } from '../store/database';
import { insertSigningKey, listPublishedSigningKeys } from '../store/instance-store';
import type { SigningKeyTable } from '../store/schema';

const generateRsaKeyPair = promisify(generateKeyPair);

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: JwkJSON;
  /** The JWT header for this key, already base64url-encoded. */
  readonly encodedHeader: string;
}

/** A new RSA-2048 / e=65537 key (the exact shape `@clerk/backend` accepts as a PEM `jwtKey`). */
export async function createSigningKey(db: Executor, now: number): Promise<SigningKeyTable> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const kid = newId('signingKey', now);
  const { n, e } = createPublicKey(privateKey).export({ format: 'jwk' });
  const row: SigningKeyTable = {
    kid,
    private_key_pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    public_jwk: JSON.stringify({ kty: 'RSA', kid, alg: 'RS256', use: 'sig', n, e }),
    created_at: now,
    retired_at: null,
  };
  await insertSigningKey(db, row);
  return row;
}

function toSigningKey(row: SigningKeyTable): SigningKey {
  const header = { alg: 'RS256', kid: row.kid, typ: 'JWT' };
  return {
    kid: row.kid,
    privateKey: createPrivateKey(row.private_key_pem),
    jwk: JSON.parse(row.public_jwk) as JwkJSON,
    encodedHeader: Buffer.from(JSON.stringify(header)).toString('base64url'),
  };
}

/** The keys this instance signs with (the current one) and publishes (current and recently retired). */
export class SigningKeyRing {
  private constructor(
    readonly current: SigningKey,
    private readonly published: readonly SigningKey[],
  ) {}

  /** Loads the published keys; `retiredAfter` drops keys retired before any JWT they signed could still live. */
  static async load(db: Executor, retiredAfter: number): Promise<SigningKeyRing> {
    const rows = await listPublishedSigningKeys(db, retiredAfter);
    const current = rows.find((row) => row.retired_at === null);
    if (!current) throw new Error('the database holds no current signing key');
    return new SigningKeyRing(toSigningKey(current), rows.map(toSigningKey));
  }

  jwks(): JwksJSON {
    return { keys: this.published.map((key) => key.jwk) };
  }

  find(kid: string): SigningKey | undefined {
    return this.published.find((key) => key.kid === kid);
  }
}

import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { type JwkJSON, type JwksJSON, MAX_SESSION_TOKEN_LIFETIME_SECONDS } from '@tessera/wire';
import { type Caller, recordEvents } from '../audit/audit-log';
import type { Clock } from '../core/clock';
import { newId } from '../core/ids';
import type { Dialect, Executor } from '../store/database';
import { insertSigningKey, listPublishedSigningKeys, retireSigningKeys } from '../store/instance-store';
import type { SigningKeyTable } from '../store/schema';

const generateRsaKeyPair = promisify(generateKeyPair);

/** How stale a node's view of the keys may get: a rotation on one node reaches the others within this. */
export const KEY_REFRESH_MS = 1000;

/**
 * A retired key stays published while a JWT it signed may live: the longest JWT lifetime, plus the
 * refresh interval during which another node may still have signed with it.
 */
const RETIRED_KEY_RETENTION_MS = MAX_SESSION_TOKEN_LIFETIME_SECONDS * 1000 + 2 * KEY_REFRESH_MS;

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: JwkJSON;
  /** The JWT header for this key, already base64url-encoded. */
  readonly encodedHeader: string;
}

/** A new RSA-2048 / e=65537 private key (the exact shape `@clerk/backend` accepts as a PEM `jwtKey`). */
export async function generateSigningKeyPair(): Promise<KeyObject> {
  const { privateKey } = await generateRsaKeyPair('rsa', { modulusLength: 2048, publicExponent: 65537 });
  return privateKey;
}

/** Stores a new signing key: `generated` when one was made (or started) ahead, otherwise made now. */
export async function createSigningKey(
  db: Executor,
  now: number,
  generated: KeyObject | Promise<KeyObject> = generateSigningKeyPair(),
): Promise<SigningKeyTable> {
  const privateKey = await generated;
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

interface Ring {
  readonly current: SigningKey;
  readonly published: readonly SigningKey[];
  readonly loadedAt: number;
}

/**
 * The keys this node signs with (the current one) and publishes (current and recently retired).
 * Keys live in the database, shared by every node; each node reloads its view every second, parsing
 * only keys it has not seen.
 */
export class SigningKeys {
  private ring: Ring | undefined;
  private loading: Promise<Ring> | undefined;
  private readonly parsed = new Map<string, SigningKey>();

  constructor(
    private readonly dialect: Dialect,
    private readonly clock: Clock,
  ) {}

  private async load(): Promise<Ring> {
    const now = this.clock.now();
    const rows = await listPublishedSigningKeys(this.dialect.db, now - RETIRED_KEY_RETENTION_MS);
    const published = rows.map((row) => {
      const known = this.parsed.get(row.kid) ?? toSigningKey(row);
      this.parsed.set(row.kid, known);
      return known;
    });
    const current = published.find((_, index) => rows[index]!.retired_at === null);
    if (!current) throw new Error('the database holds no current signing key');
    // The current key first: clients that take the first key take the one that signs.
    const ordered = [current, ...published.filter((key) => key !== current)];
    this.ring = { current, published: ordered, loadedAt: now };
    return this.ring;
  }

  private async fresh(): Promise<Ring> {
    const ring = this.ring;
    if (ring && this.clock.now() - ring.loadedAt < KEY_REFRESH_MS) return ring;
    // One reload at a time; concurrent callers share it.
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    try {
      return await this.loading;
    } catch (error) {
      // A stale ring beats no ring while the database blips; signing keys rarely change.
      if (ring) return ring;
      throw error;
    }
  }

  async current(): Promise<SigningKey> {
    return (await this.fresh()).current;
  }

  async jwks(): Promise<JwksJSON> {
    return { keys: (await this.fresh()).published.map((key) => key.jwk) };
  }

  async find(kid: string): Promise<SigningKey | undefined> {
    return (await this.fresh()).published.find((key) => key.kid === kid);
  }

  /**
   * Makes a new key current; the others are retired and leave the JWKS once their JWTs have expired.
   * The rotation is recorded in the audit log, in its transaction.
   */
  async rotate(caller: Caller): Promise<JwksJSON> {
    // Generated first: the exclusive section holds up every other write on SQLite.
    const privateKey = await generateSigningKeyPair();
    await this.dialect.exclusive(async (trx) => {
      const now = this.clock.now();
      const created = await createSigningKey(trx, now, privateKey);
      await retireSigningKeys(trx, created.kid, now);
      await recordEvents(
        trx,
        [
          {
            type: 'signing_key.rotated',
            actor: caller.actor,
            client: caller.client,
            data: { kid: created.kid },
          },
        ],
        now,
      );
    });
    await this.load();
    return this.jwks();
  }
}

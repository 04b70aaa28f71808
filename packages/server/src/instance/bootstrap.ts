import type { KeyObject } from 'node:crypto';
import type { Clock } from '../core/clock';
import { newId } from '../core/ids';
import { type Environment, environmentOfSecretKey, generateSecretKey, sha256Hex } from '../core/secrets';
import { createSigningKey } from '../sessions/signing-keys';
import type { Dialect } from '../store/database';
import { findInstance, insertInstance, setSecretKeyHash } from '../store/instance-store';
import type { InstanceTable } from '../store/schema';

export class BootstrapError extends Error {
  override readonly name = 'BootstrapError';
}

export interface BootstrappedInstance {
  readonly instance: InstanceTable;
  /** True on the very first start of this database. */
  readonly created: boolean;
  /** The secret key, when it is known in clear: generated just now, or pinned by the caller. */
  readonly secretKey: string | undefined;
}

/**
 * Creates the instance on first start (id, secret key kept as a hash, an RSA signing key) and
 * loads it on later starts. A pinned secret key replaces the stored one, within the same environment.
 */
export async function bootstrapInstance(
  dialect: Dialect,
  options: {
    readonly pinnedSecretKey?: string | undefined;
    readonly clock: Clock;
    /** The first signing key, when its generation was started ahead (it takes 0.1 to 0.3 s). */
    readonly firstSigningKey?: Promise<KeyObject> | undefined;
  },
): Promise<BootstrappedInstance> {
  // Exclusive, so nodes started together on an empty database create one instance between them.
  return dialect.exclusive(async (db) => {
    const { pinnedSecretKey, clock } = options;
    const existing = await findInstance(db);
    if (existing) {
      if (pinnedSecretKey === undefined) return { instance: existing, created: false, secretKey: undefined };
      const pinnedEnvironment = environmentOfSecretKey(pinnedSecretKey);
      if (pinnedEnvironment !== existing.environment) {
        throw new BootstrapError(
          `TESSERA_SECRET_KEY is a ${pinnedEnvironment} key but this database holds a ${existing.environment} instance; use another database`,
        );
      }
      const hash = sha256Hex(pinnedSecretKey);
      if (hash !== existing.secret_key_hash) await setSecretKeyHash(db, existing.id, hash);
      return { instance: { ...existing, secret_key_hash: hash }, created: false, secretKey: pinnedSecretKey };
    }

    const environment: Environment = pinnedSecretKey
      ? environmentOfSecretKey(pinnedSecretKey)
      : 'development';
    const secretKey = pinnedSecretKey ?? generateSecretKey(environment);
    const now = clock.now();
    const instance: InstanceTable = {
      id: newId('instance', now),
      environment,
      secret_key_hash: sha256Hex(secretKey),
      created_at: now,
      session_claims: null,
      session_claims_updated_at: null,
    };
    await insertInstance(db, instance);
    await createSigningKey(db, now, options.firstSigningKey);
    return { instance, created: true, secretKey };
  });
}

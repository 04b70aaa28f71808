import type { Executor } from './database';
import type { InstanceTable, SigningKeyTable } from './schema';

export async function findInstance(db: Executor): Promise<InstanceTable | undefined> {
  return db.selectFrom('instance').selectAll().executeTakeFirst();
}

export async function insertInstance(db: Executor, instance: InstanceTable): Promise<void> {
  await db.insertInto('instance').values(instance).execute();
}

export async function setSecretKeyHash(db: Executor, id: string, secretKeyHash: string): Promise<void> {
  await db.updateTable('instance').set({ secret_key_hash: secretKeyHash }).where('id', '=', id).execute();
}

/** Signing keys still published: the current one and retired ones whose JWTs may not have expired. */
export async function listPublishedSigningKeys(
  db: Executor,
  retiredAfter: number,
): Promise<SigningKeyTable[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', retiredAfter)]))
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .execute();
}

export async function insertSigningKey(db: Executor, key: SigningKeyTable): Promise<void> {
  await db.insertInto('signing_keys').values(key).execute();
}

export async function retireSigningKeys(db: Executor, exceptKid: string, now: number): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ retired_at: now })
    .where('kid', '!=', exceptKid)
    .where('retired_at', 'is', null)
    .execute();
}

/** The session token template (JSON text or null) and when it last changed. */
export async function findSessionClaims(db: Executor) {
  return db.selectFrom('instance').select(['session_claims', 'session_claims_updated_at']).executeTakeFirst();
}

export async function setSessionClaims(db: Executor, claims: string | null, now: number): Promise<void> {
  await db.updateTable('instance').set({ session_claims: claims, session_claims_updated_at: now }).execute();
}

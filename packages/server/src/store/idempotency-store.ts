import type { Executor } from './database';
import type { IdempotencyKeyTable } from './schema';

/** Claims a key for a first request; false when another request holds it already. */
export async function reserveIdempotencyKey(
  db: Executor,
  row: Pick<IdempotencyKeyTable, 'key_hash' | 'request_hash' | 'created_at' | 'expires_at'>,
): Promise<boolean> {
  const result = await db
    .insertInto('idempotency_keys')
    .values({ ...row, response_status: null, response_sealed: null })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function findIdempotencyKey(
  db: Executor,
  keyHash: string,
): Promise<IdempotencyKeyTable | undefined> {
  return db.selectFrom('idempotency_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function completeIdempotencyKey(
  db: Executor,
  keyHash: string,
  responseStatus: number,
  responseSealed: string,
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ response_status: responseStatus, response_sealed: responseSealed })
    .where('key_hash', '=', keyHash)
    .execute();
}

export async function releaseIdempotencyKey(db: Executor, keyHash: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('key_hash', '=', keyHash).execute();
}

export async function purgeExpiredIdempotencyKeys(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).execute();
}

import type { Executor } from './database';
import type { SessionHandoffTable, SessionTable } from './schema';

export async function insertHandoff(db: Executor, handoff: SessionHandoffTable): Promise<void> {
  await db.insertInto('session_handoffs').values(handoff).execute();
}

/** Redeems a handoff once: the condition and the write are one statement, so a replay finds nothing. */
export async function redeemHandoff(
  db: Executor,
  handoffHash: string,
  now: number,
): Promise<string | undefined> {
  const row = await db
    .updateTable('session_handoffs')
    .set({ redeemed_at: now })
    .where('handoff_hash', '=', handoffHash)
    .where('redeemed_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('session_id')
    .executeTakeFirst();
  return row?.session_id;
}

export async function setRefreshTokenHash(
  db: Executor,
  sessionId: string,
  refreshTokenHash: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ refresh_token_hash: refreshTokenHash })
    .where('id', '=', sessionId)
    .execute();
}

export async function findSessionByRefreshTokenHash(
  db: Executor,
  refreshTokenHash: string,
): Promise<SessionTable | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('refresh_token_hash', '=', refreshTokenHash)
    .executeTakeFirst();
}

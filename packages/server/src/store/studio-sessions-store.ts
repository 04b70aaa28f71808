import type { Executor } from './database';
import type { StudioSessionTable } from './schema';

export async function insertStudioSession(db: Executor, session: StudioSessionTable): Promise<void> {
  await db.insertInto('studio_sessions').values(session).execute();
}

/** Whether a Studio sign-in with this hash exists and has not expired. */
export async function studioSessionIsLive(db: Executor, tokenHash: string, now: number): Promise<boolean> {
  const row = await db
    .selectFrom('studio_sessions')
    .select('token_hash')
    .where('token_hash', '=', tokenHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteStudioSession(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom('studio_sessions').where('token_hash', '=', tokenHash).execute();
}

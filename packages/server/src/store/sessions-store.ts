import type { SessionStatus } from '@tessera/wire';
import { columnsOf, compiledOnce } from './compiled-query';
import type { Executor } from './database';
import { limitOf, offsetOf, orderingOf, type Paging } from './paging';
import type { SessionTable } from './schema';

export interface SessionFilters {
  readonly user_id?: string;
  readonly client_id?: string;
  readonly status?: SessionStatus;
}

export const SESSION_COLUMNS = columnsOf<SessionTable>({
  id: true,
  client_id: true,
  user_id: true,
  status: true,
  actor: true,
  ticket_id: true,
  authorized_party: true,
  refresh_token_hash: true,
  last_active_organization_id: true,
  claims: true,
  last_active_at: true,
  expire_at: true,
  abandon_at: true,
  created_at: true,
  updated_at: true,
});

const insertSessionQuery = compiledOnce(SESSION_COLUMNS, (db, session: SessionTable) =>
  db.insertInto('sessions').values(session),
);

export async function insertSession(db: Executor, session: SessionTable): Promise<void> {
  await insertSessionQuery(db, session);
}

export async function findSessionById(db: Executor, id: string): Promise<SessionTable | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** `expired` and `active` both live in the `active` rows, told apart by `expire_at` against `now`. */
export async function listSessions(
  db: Executor,
  filters: SessionFilters,
  paging: Paging,
  now: number,
): Promise<{ rows: SessionTable[]; totalCount: number }> {
  let query = db.selectFrom('sessions');
  if (filters.user_id) query = query.where('user_id', '=', filters.user_id);
  if (filters.client_id) query = query.where('client_id', '=', filters.client_id);
  if (filters.status === 'expired')
    query = query.where('status', '=', 'active').where('expire_at', '<=', now);
  else if (filters.status === 'active')
    query = query.where('status', '=', 'active').where('expire_at', '>', now);
  else if (filters.status) query = query.where('status', '=', filters.status);
  const { column, direction } = orderingOf<'created_at' | 'updated_at' | 'expire_at'>(
    paging.order_by,
    'created_at',
  );
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy(column, direction)
      .orderBy('id', direction)
      .limit(limitOf(paging))
      .offset(offsetOf(paging))
      .execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return { rows, totalCount: Number(count.count) };
}

/** Moves an active, unexpired session to `status`; false when it was not active (a concurrent change won). */
export async function endSession(
  db: Executor,
  id: string,
  status: 'revoked' | 'ended',
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ status, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('expire_at', '>', now)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Revokes every active session of a user (ban, deletion); returns the ids of those it revoked. */
export async function revokeUserSessions(db: Executor, userId: string, now: number): Promise<string[]> {
  const rows = await db
    .updateTable('sessions')
    .set({ status: 'revoked', updated_at: now })
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

export async function touchSession(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ last_active_at: now }).where('id', '=', id).execute();
}

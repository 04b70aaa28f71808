import type { Executor } from './database';
import type { ClientTable, HandshakeNonceTable, SessionTable } from './schema';

export async function insertClient(db: Executor, client: ClientTable): Promise<void> {
  await db.insertInto('clients').values(client).execute();
}

export async function findClient(db: Executor, id: string): Promise<ClientTable | undefined> {
  return db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertHandshakeNonce(db: Executor, nonce: HandshakeNonceTable): Promise<void> {
  await db.insertInto('handshake_nonces').values(nonce).execute();
}

/** Redeems a nonce once: the condition and the write are one statement, so a replay finds nothing. */
export async function redeemHandshakeNonce(
  db: Executor,
  nonceHash: string,
  now: number,
): Promise<HandshakeNonceTable | undefined> {
  return db
    .updateTable('handshake_nonces')
    .set({ redeemed_at: now })
    .where('nonce_hash', '=', nonceHash)
    .where('redeemed_at', 'is', null)
    .where('expires_at', '>', now)
    .returningAll()
    .executeTakeFirst();
}

/** The session a client signs its browser in with: its newest one still active at `now`. */
export async function findActiveSessionOfClient(
  db: Executor,
  clientId: string,
  now: number,
): Promise<SessionTable | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('status', '=', 'active')
    .where('expire_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

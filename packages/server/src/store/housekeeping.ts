import type { Executor } from './database';

/**
 * Deletes what can no longer be used: idempotency replies past their 24 hours, handoffs, handshake
 * nonces and Studio sign-ins past their expiry (redeemed or not) and the hashes of expired tickets from before values carried their id.
 * Runs at start and then periodically.
 */
export async function purgeExpired(db: Executor, now: number): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).execute();
  await db.deleteFrom('session_handoffs').where('expires_at', '<=', now).execute();
  await db.deleteFrom('handshake_nonces').where('expires_at', '<=', now).execute();
  await db.deleteFrom('studio_sessions').where('expires_at', '<=', now).execute();
  await db.deleteFrom('legacy_ticket_hashes').where('expires_at', '<=', now).execute();
}

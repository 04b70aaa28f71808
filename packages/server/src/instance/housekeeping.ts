import type { TicketKindName } from '@tessera/wire';
import { recordEvents, SYSTEM_ACTOR } from '../audit/audit-log';
import type { Settings } from '../core/context';
import { purgeAuditEvents } from '../store/audit-store';
import type { Executor } from '../store/database';
import { purgeExpired } from '../store/housekeeping';
import { claimExpiredTickets } from '../store/tickets-store';

/** Expired tickets recorded per transaction: a backlog is worked off in short steps. */
const EXPIRY_BATCH = 500;
const DAY_MS = 86_400_000;

/**
 * Records `ticket.expired` for each pending ticket whose time ran out, once, in the transaction that
 * marks it recorded. Returns how many it recorded.
 */
export async function recordTicketExpiries(db: Executor, now: number): Promise<number> {
  let recorded = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const expired = await claimExpiredTickets(trx, now, EXPIRY_BATCH);
      if (expired.length > 0) {
        await recordEvents(
          trx,
          expired.map((ticket) => ({
            type: 'ticket.expired' as const,
            actor: SYSTEM_ACTOR,
            userId: ticket.user_id,
            ticket: { id: ticket.id, kind: ticket.kind as TicketKindName },
            data: { expires_at: ticket.expires_at },
          })),
          now,
        );
      }
      return expired.length;
    });
    recorded += batch;
    if (batch < EXPIRY_BATCH) return recorded;
  }
}

/**
 * One pass: deletes what can no longer be used, records ticket expiries and deletes audit events
 * past their retention. Runs at start and then periodically.
 */
export async function runHousekeeping(
  db: Executor,
  now: number,
  settings: Pick<Settings, 'auditRetentionDays'>,
): Promise<void> {
  await purgeExpired(db, now);
  await recordTicketExpiries(db, now);
  await purgeAuditEvents(db, now - settings.auditRetentionDays * DAY_MS);
}

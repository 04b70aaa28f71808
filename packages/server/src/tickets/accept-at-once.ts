import { auditRows, NO_CLIENT } from '../audit/audit-log';
import type { ServerContext } from '../core/context';
import { digestsEqual } from '../core/secrets';
import type { SessionTable, TicketTable } from '../store/schema';
import { acceptPendingTicketAtOnce } from '../store/ticket-acceptance-postgres';
import {
  type AcceptOptions,
  acceptedWrites,
  findTicketToAccept,
  redirectRefusalOf,
  refusalOf,
} from './acceptance';
import { detailsOf, ticketKindNamed } from './ticket-kinds';
import type { TicketLookup } from './ticket-value';

export interface AcceptedAtOnce {
  readonly ticket: TicketTable;
  readonly session: SessionTable;
  readonly redirectTo: string | null;
}

/**
 * Postgres only (SQLite has no round trips to save): an acceptance that will succeed, in two round
 * trips (the ticket read, then one statement that checks the user and writes everything) instead of
 * nine (`begin`, seven statements, `commit`), which on Postgres cost more than the RSA signature
 * (bench scenario 9). Undefined whenever it did not accept: a refusal, a landing that writes (a
 * handoff, Clerk's handshake), a race lost; the caller then runs the transaction, the one place that
 * explains and records refusals.
 */
export async function acceptAtOnce(
  ctx: ServerContext,
  lookup: Exclude<TicketLookup, { by: 'none' }>,
  tokenHash: string,
  options: AcceptOptions,
): Promise<AcceptedAtOnce | undefined> {
  const now = ctx.clock.now();
  const found = await findTicketToAccept(ctx.db, lookup, tokenHash);
  const kind = found && ticketKindNamed(found.kind);
  if (!found || !kind || !digestsEqual(found.token_hash, tokenHash)) return undefined;
  if (refusalOf(found, now) || kind.refusal(ctx)) return undefined;
  if (found.redirect_url !== null) {
    if (options.handoff || redirectRefusalOf(ctx, found.redirect_url)) return undefined;
  }
  const details = detailsOf(found);
  const { session, entries, accepted } = acceptedWrites(
    found,
    kind,
    details,
    options,
    options.client ?? NO_CLIENT,
    now,
  );
  const done = await acceptPendingTicketAtOnce(ctx.db, {
    ticketId: found.id,
    userId: found.user_id,
    organizationId: found.organization_id,
    session,
    events: auditRows(entries, now),
    now,
  });
  return done ? { ticket: accepted, session, redirectTo: found.redirect_url } : undefined;
}

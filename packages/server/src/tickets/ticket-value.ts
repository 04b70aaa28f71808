import { ID_BODY_LENGTH, ID_PREFIXES } from '@tessera/wire';
import { generateTicketValue } from '../core/secrets';
import { TICKET_KINDS } from './ticket-kinds';

/**
 * A ticket's value: the ticket's id, a dot, and 256 bits from the CSPRNG in base64url. Acceptance
 * finds the ticket by that id (its primary key) and compares the SHA-256 of the whole value with the
 * stored one; the value itself is never stored. Found by its hash alone, every ticket would need an
 * entry in an index of random keys.
 */
export function newTicketValue(ticketId: string): string {
  return `${ticketId}.${generateTicketValue()}`;
}

const SECRET = '[A-Za-z0-9_-]{43}';
const TICKET_PREFIXES = Object.values(TICKET_KINDS).map((kind) => ID_PREFIXES[kind.idKind]);
const CARRYING_ID = new RegExp(
  `^((?:${TICKET_PREFIXES.join('|')})_[0-9A-Za-z]{${ID_BODY_LENGTH}})\\.${SECRET}$`,
);
/** Values issued before they carried their id: the 256 bits alone. */
const LEGACY = new RegExp(`^${SECRET}$`);

export type TicketLookup =
  | { readonly by: 'id'; readonly id: string }
  | { readonly by: 'legacy hash' }
  | { readonly by: 'none' };

/**
 * How to find the ticket a presented value names. Anything shaped like neither kind of value names
 * no ticket, and reaches no query.
 */
export function ticketLookupOf(value: string): TicketLookup {
  const id = CARRYING_ID.exec(value)?.[1];
  if (id !== undefined) return { by: 'id', id };
  return LEGACY.test(value) ? { by: 'legacy hash' } : { by: 'none' };
}

import { idPattern } from '@tessera/wire';
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

/** The 256 bits in base64url, as `generateTicketValue` makes them. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const TICKET_IDS = Object.values(TICKET_KINDS).map((kind) => idPattern(kind.idKind));

export type TicketLookup =
  | { readonly by: 'id'; readonly id: string }
  | { readonly by: 'legacy hash' }
  | { readonly by: 'none' };

/**
 * How to find the ticket a presented value names. Anything shaped like neither kind of value names
 * no ticket, and reaches no query.
 */
export function ticketLookupOf(value: string): TicketLookup {
  const dot = value.indexOf('.');
  // Values issued before they carried their id: the 256 bits alone.
  if (dot === -1) return SECRET.test(value) ? { by: 'legacy hash' } : { by: 'none' };
  const id = value.slice(0, dot);
  return SECRET.test(value.slice(dot + 1)) && TICKET_IDS.some((pattern) => pattern.test(id))
    ? { by: 'id', id }
    : { by: 'none' };
}
